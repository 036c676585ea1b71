"""SPARQL queries over a remote store (QCOLLAB_STORE=sparql): checked here, evaluated there, streamed back.

A query first goes to a query worker, as on the embedded store, but the worker holds an empty store: it
parses the query (a syntax error is a 400 with the line and column of the client's text, as pyoxigraph
reports it), tells its form, and is then held, idle, while the remote engine evaluates the query. So the
workers are also the slots that bound how many queries the remote store is sent at once, handed out in
turns between clients and lanes (kg.query.slots) with the same 429 and busy 503; evaluating on an empty
store costs microseconds, and a query that is costly even there (it builds its solutions from VALUES
alone) has its worker killed at the deadline like any other.

The remote answer: SELECT and ASK are asked for in the format the client negotiated (relayed as they
come, converted here if the remote engine answers in another one); CONSTRUCT and DESCRIBE as N-Triples,
relayed line by line for N-Triples and N-Quads, converted a chunk at a time for Turtle and TriG (each
chunk declares the prefixes again, which both syntaxes allow), and converted whole for JSON-LD and
RDF/XML. The deadline (QCOLLAB_QUERY_TIMEOUT_SECONDS) runs from the query's start to its last byte: past
it, or when the client goes away, the connection to the remote store is closed, which cancels the query
there. The dataset: kg.store.remote.RemoteStore.query_params, the union default graph as that store
asks for it.
"""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator, Awaitable
from typing import TypeVar

import pyoxigraph as ox

from kg.errors import QueryCancelledError, QueryTimeoutError, RdfSyntaxError, RemoteStoreRefusedError
from kg.query.dataset import QueryDataset
from kg.query.engine import LIGHT_BUDGET_SECONDS, QueryEngine, RunningQuery
from kg.query.results import ResultFormat, write_result, write_triples
from kg.query.slots import ANONYMOUS, Probe
from kg.query.workers import WorkerPool
from kg.store.remote import RemoteStore
from kg.store.remote_stream import Streamed, StreamingQueries
from kg.store.remote_text import evaluate_params, prologue, unskolem_answer
from kg.store.sparql_http import parse_answer, refusal_detail

POLL_SECONDS = 0.25  # how often a query waiting for the remote store asks whether its client is still there
LINES = (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)  # an N-Triples answer is relayed as it is
BY_CHUNK = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG)  # converted a chunk at a time
RESULTS_FALLBACK = "application/sparql-results+json;q=0.5, application/sparql-results+xml;q=0.4"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.5"
T = TypeVar("T")


def params_for(store: RemoteStore, sparql: str, dataset: QueryDataset) -> list[tuple[str, str]]:
    """The protocol parameters of a request's dataset, as kg.query.dataset.execute gives it to a store."""
    if not dataset.union:
        named = dataset.named_graphs or not dataset.all_named
        return evaluate_params(
            [ox.NamedNode(g) for g in dataset.default_graphs] or None,
            [ox.NamedNode(g) for g in dataset.named_graphs] if named else None,
        )
    return store.query_params(
        sparql,
        default_graphs=list(dataset.default_graphs) or None,
        named_graphs=list(dataset.named_graphs) if dataset.named_graphs or dataset.default_graphs else None,
    )


class RemoteQuery:
    """A query checked by a worker (held meanwhile) and evaluated by the remote store."""

    def __init__(self, engine: RemoteQueryEngine, checked: RunningQuery) -> None:
        self.engine, self.checked = engine, checked
        self.form = checked.form
        self.deadline = checked.deadline  # callers may bring it forward (kg.query.engine.RunningQuery too)
        self.abandoned: Probe | None = checked.abandoned

    def cancel(self) -> None:
        """Give the worker back (idempotent); an answer still being read is closed by `chunks`."""
        self.checked.cancel()

    async def chunks(self, fmt: ResultFormat) -> AsyncIterator[bytes]:
        """The answer in `fmt`; closing the iterator early closes the connection to the remote store."""
        streamed: Streamed | None = None
        try:
            sparql, dataset = self.checked.sparql, self.checked.dataset
            params = await self._within(asyncio.to_thread(params_for, self.engine.store, sparql, dataset))
            params = self.engine.store.dialect.dataset(params)
            graph = self.form == "graph"
            wanted = fmt.media_type.split(";")[0]
            relayed = self.engine.store.dialect.relays(wanted, self.form)  # else asked as JSON, converted
            accept = f"{wanted}, {RESULTS_FALLBACK}" if relayed else RESULTS_FALLBACK
            accept = GRAPH_ACCEPT if graph else accept
            text = self.engine.store.dialect.text(prologue(dataset.base_iri), sparql)
            streamed = await self._within(self._sent(text, params, accept))
            body = streamed.chunks()
            lines = graph and streamed.media_type == ox.RdfFormat.N_TRIPLES.media_type
            if (streamed.media_type == wanted and (graph or relayed)) or (lines and fmt in LINES):
                async for chunk in self._all(body):
                    yield chunk
            elif lines and fmt in BY_CHUNK:
                async for chunk in self._all(body):
                    yield await asyncio.to_thread(_converted, chunk, streamed.media_type, fmt)
            else:
                whole = b"".join([chunk async for chunk in self._all(body)])
                yield await asyncio.to_thread(_converted, whole, streamed.media_type, fmt)
        finally:
            if streamed is not None:
                await streamed.aclose()
            self.cancel()

    async def _sent(self, text: str, params: list[tuple[str, str]], accept: str) -> Streamed:
        """The remote's answer; a query it refuses as malformed though pyoxigraph parsed it (an engine's
        own dialect) is the client's 400, with the remote's message."""
        try:
            return await self.engine.queries.query(text, params, accept)
        except RemoteStoreRefusedError as error:
            status, detail = refusal_detail(error)
            if status == 400:
                raise RdfSyntaxError(f"the remote store refused the query: {detail}") from None
            raise

    async def _all(self, body: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        while (chunk := await self._within(anext(body, b""))) != b"":
            yield chunk

    async def _within(self, step: Awaitable[T]) -> T:
        """Await a step of the query before its deadline, while its client is still there; else cancel it."""
        task = asyncio.ensure_future(step)
        try:
            while True:
                remaining = self.deadline - time.monotonic()
                if remaining <= 0:
                    raise QueryTimeoutError(self.engine.timeout)
                done, _ = await asyncio.wait({task}, timeout=min(remaining, POLL_SECONDS))
                if done:
                    return task.result()
                if self.abandoned is not None and await self.abandoned():
                    raise QueryCancelledError("the client went away")
        finally:
            if not task.done():
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)


def _converted(body: bytes, media_type: str, fmt: ResultFormat) -> bytes:
    """An answer (or a chunk of complete N-Triples lines) in the client's format, as the embedded store
    would serialize it."""
    parsed = parse_answer(unskolem_answer(body, media_type), media_type)
    output = io.BytesIO()
    if isinstance(parsed, list):
        write_triples(parsed, fmt, output)  # type: ignore[arg-type]
    else:
        write_result(parsed, fmt, output)
    return output.getvalue()


class RemoteQueryEngine(QueryEngine):
    """The QueryEngine of a service over a remote store: workers over an empty store check each query and
    hold its slot (see the module's docstring); `refresh` has nothing to do (the service writes nothing)."""

    def __init__(
        self,
        pool: WorkerPool,
        timeout: float,
        store: RemoteStore,
        queries: StreamingQueries,
        light_budget: float = LIGHT_BUDGET_SECONDS,
    ) -> None:
        super().__init__(pool, timeout, light_budget=light_budget)
        self.store, self.queries = store, queries

    async def start(  # type: ignore[override]
        self,
        sparql: str,
        dataset: QueryDataset = QueryDataset(),
        abandoned: Probe | None = None,
        client: str = ANONYMOUS,
    ) -> RemoteQuery:
        """Check the query in a worker (syntax, form), in turns with other clients; return with the form."""
        return RemoteQuery(self, await super().start(sparql, dataset, abandoned, client))
