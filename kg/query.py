"""Running SPARQL queries in worker threads under a deadline, and serializing their results in chunks."""

from __future__ import annotations

import asyncio
import contextlib
import io
import queue
import threading
import time
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Literal

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import QcollabError
from kg.namespaces import PREFIXES
from kg.rdfio import syntax_error_from
from kg.store import OxigraphStore, QueryResult

QueryForm = Literal["select", "ask", "graph"]
ResultFormat = ox.QueryResultsFormat | ox.RdfFormat
Probe = Callable[[], Awaitable[bool]]
Check = Callable[[], None]

CHUNK_BYTES = 64 * 1024
POLL_SECONDS = 0.25

_FORMS: dict[type, QueryForm] = {
    ox.QuerySolutions: "select",
    ox.QueryBoolean: "ask",
    ox.QueryTriples: "graph",
}


class QueryTimeoutError(QcollabError):
    """The query did not finish within the configured time limit."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"query exceeded the {seconds:g} s time limit")


class EngineBusyError(QueryTimeoutError):
    """Every query slot stayed taken until the deadline (some queries may be past their own limit)."""

    def __init__(self, seconds: float, slots: int) -> None:
        QcollabError.__init__(
            self,
            f"the server is busy: all {slots} query slots stayed taken for {seconds:g} s "
            "(queries past their time limit finish in the background); try again later",
        )
        self.seconds = seconds


class QueryCancelledError(QcollabError):
    """The query was stopped because nobody waits for its results any more."""


@dataclass(frozen=True)
class QueryDataset:
    """The RDF dataset of a request: named default and named graphs, or the union default graph."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    union: bool = True


def execute(store: OxigraphStore, sparql: str, dataset: QueryDataset = QueryDataset()) -> QueryResult:
    """Start a query; the union default graph applies unless the request or the query names graphs."""
    try:
        return store.query(
            sparql,
            union_default_graph=dataset.union,
            default_graphs=list(dataset.default_graphs) or None,
            named_graphs=list(dataset.named_graphs) or None,
        )
    except SyntaxError as error:
        raise syntax_error_from(error) from None


def form_of(result: QueryResult) -> QueryForm:
    """SELECT, ASK, or a graph (CONSTRUCT and DESCRIBE)."""
    return _FORMS[type(result)]


def _checked(items: Iterable[ox.Triple], check: Check) -> Iterator[ox.Triple]:
    for item in items:
        check()
        yield item


def write_triples(
    triples: Iterable[ox.Triple],
    fmt: ox.RdfFormat,
    output: IO[bytes],
    check: Check | None = None,
    prefixes: dict[str, str] = PREFIXES,
) -> None:
    """Serialize triples (as the default graph for dataset formats), calling `check` before each."""
    items: Iterable[ox.Triple | ox.Quad] = _checked(triples, check) if check else triples
    if fmt.supports_datasets:
        items = (ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in items)
    ox.serialize(items, output, fmt, prefixes=prefixes)


def write_result(
    result: QueryResult, fmt: ResultFormat, output: IO[bytes], check: Check | None = None
) -> None:
    """Serialize a query result: SELECT/ASK in a results format, a graph in an RDF format."""
    if isinstance(result, ox.QueryTriples):
        write_triples(result, fmt, output, check)  # type: ignore[arg-type]
    else:
        result.serialize(output, fmt)  # type: ignore[arg-type]


def serialize_graph(graph: Graph, fmt: ox.RdfFormat) -> bytes:
    """A small rdflib Graph in an RDF format, sorted by subject, with the prefixes it uses."""
    data = graph.serialize(format="nt", encoding="utf-8")
    triples = sorted(ox.parse(data, ox.RdfFormat.N_TRIPLES), key=str)
    iris = {term.value for t in triples for term in t if isinstance(term, ox.NamedNode)}
    bound = {prefix: str(ns) for prefix, ns in graph.namespaces() if prefix}
    prefixes = {p: ns for p, ns in {**bound, **PREFIXES}.items() if any(iri.startswith(ns) for iri in iris)}
    output = io.BytesIO()
    write_triples(triples, fmt, output, prefixes=prefixes)
    return output.getvalue()


class _Channel:
    """Messages from a worker thread to the event loop; chunks wait for credits (back-pressure)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, depth: int = 4) -> None:
        self.loop = loop
        self.messages: asyncio.Queue[tuple[str, object]] = asyncio.Queue()
        self.credits = threading.Semaphore(depth)
        self.stop = threading.Event()

    def send(self, kind: str, payload: object, *, wait: bool = True) -> None:
        """Called in the worker thread; raises QueryCancelledError once the query is abandoned."""
        while wait and not self.credits.acquire(timeout=POLL_SECONDS):
            if self.stop.is_set():
                raise QueryCancelledError("the query was cancelled")
        try:
            self.loop.call_soon_threadsafe(self.messages.put_nowait, (kind, payload))
        except RuntimeError:
            raise QueryCancelledError("the service is shutting down") from None


class _ChunkWriter:
    """A binary file for pyoxigraph's serializers that sends fixed-size chunks through a channel."""

    def __init__(self, channel: _Channel, deadline: float, timeout: float, size: int) -> None:
        self.channel, self.deadline, self.timeout, self.size = channel, deadline, timeout, size
        self.buffer = bytearray()

    def check(self) -> None:
        if self.channel.stop.is_set():
            raise QueryCancelledError("the query was cancelled")
        if time.monotonic() > self.deadline:
            raise QueryTimeoutError(self.timeout)

    def write(self, data: bytes) -> int:
        self.check()
        self.buffer += data
        if len(self.buffer) >= self.size:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self.buffer:
            chunk, self.buffer = bytes(self.buffer), bytearray()
            self.channel.send("chunk", chunk)


class RunningQuery:
    """A query evaluated by its own worker thread; results come back as chunks of bytes."""

    def __init__(self, engine: QueryEngine, sparql: str, dataset: QueryDataset, abandoned: Probe | None):
        self.engine, self.sparql, self.dataset, self.abandoned = engine, sparql, dataset, abandoned
        self.deadline = time.monotonic() + engine.timeout
        self.channel = _Channel(asyncio.get_running_loop())
        self.form: QueryForm = "select"
        self._choice: queue.Queue[ResultFormat | None] = queue.Queue()
        self._getter: asyncio.Task[tuple[str, object]] | None = None

    def work(self) -> None:
        """The worker thread: evaluate, report the form, then serialize in the chosen format."""
        try:
            self._evaluate_and_write()
        except Exception as error:  # handed over to the event loop, which re-raises it
            traceback.clear_frames(error.__traceback__)
            with contextlib.suppress(QueryCancelledError):
                self.channel.send("error", error, wait=False)
        finally:
            self.engine.release()

    def _evaluate_and_write(self) -> None:
        result = execute(self.engine.store, self.sparql, self.dataset)
        self.channel.send("form", form_of(result))
        fmt = self._choice.get()  # the format, or None once cancelled
        if fmt is None or self.channel.stop.is_set():
            return
        writer = _ChunkWriter(self.channel, self.deadline, self.engine.timeout, self.engine.chunk_bytes)
        write_result(result, fmt, writer, writer.check)
        writer.flush()
        self.channel.send("end", None, wait=False)

    async def receive(self) -> tuple[str, object]:
        """The next message of the worker; enforces the deadline and drops abandoned queries."""
        while True:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                self.cancel()
                raise QueryTimeoutError(self.engine.timeout)
            if self._getter is None:
                self._getter = asyncio.ensure_future(self.channel.messages.get())
            done, _ = await asyncio.wait({self._getter}, timeout=min(remaining, POLL_SECONDS))
            if not done:
                if self.abandoned is not None and await self.abandoned():
                    self.cancel()
                    raise QueryCancelledError("the client went away")
                continue
            kind, payload = self._getter.result()
            self._getter = None
            self.channel.credits.release()
            if kind == "error":
                raise payload  # type: ignore[misc]
            return kind, payload

    async def chunks(self, fmt: ResultFormat) -> AsyncIterator[bytes]:
        """The serialized results; closing the iterator early cancels the query."""
        self._choice.put(fmt)
        try:
            while True:
                kind, payload = await self.receive()
                if kind == "end":
                    return
                yield payload  # type: ignore[misc]
        finally:
            self.cancel()

    def cancel(self) -> None:
        """Stop the worker at its next chunk of output (idempotent)."""
        self.channel.stop.set()
        self._choice.put(None)
        if self._getter is not None:
            self._getter.cancel()
            self._getter = None


class QueryEngine:
    """Runs queries in worker threads, each under a deadline, at most `max_concurrent` at a time.

    pyoxigraph releases the GIL, so the event loop keeps serving. A query is stopped at its deadline
    between two pieces of output; a single blocking operator (a sort, an aggregate, a join yielding
    nothing) cannot be interrupted from Python and runs on in its thread, though the client is answered
    at the deadline. Such a thread keeps its semaphore slot until it ends: at most `max_concurrent` run,
    so runaway queries cannot take every core; a query that finds no free slot before its own deadline
    is refused with EngineBusyError (503, "the server is busy") while every other route keeps serving.
    """

    def __init__(
        self, store: OxigraphStore, timeout: float, max_concurrent: int = 4, chunk_bytes: int = CHUNK_BYTES
    ) -> None:
        self.store, self.timeout, self.chunk_bytes = store, timeout, chunk_bytes
        self.running = 0
        self.max_concurrent = max_concurrent
        self._slots = asyncio.Semaphore(max_concurrent)
        self._loop = asyncio.get_running_loop()

    async def start(
        self, sparql: str, dataset: QueryDataset = QueryDataset(), abandoned: Probe | None = None
    ) -> RunningQuery:
        """Take a slot, start evaluating, and return once the query form is known."""
        try:
            async with asyncio.timeout(self.timeout):
                await self._slots.acquire()
        except TimeoutError:
            raise EngineBusyError(self.timeout, self.max_concurrent) from None
        self.running += 1
        running = RunningQuery(self, sparql, dataset, abandoned)
        threading.Thread(target=running.work, name="sparql-query", daemon=True).start()
        try:
            _, running.form = await running.receive()  # type: ignore[assignment]
        except BaseException:
            running.cancel()
            raise
        return running

    def release(self) -> None:
        """Called by a worker thread when it ends: frees its slot."""
        with contextlib.suppress(RuntimeError):
            self._loop.call_soon_threadsafe(self._release)

    def _release(self) -> None:
        self.running -= 1
        self._slots.release()
