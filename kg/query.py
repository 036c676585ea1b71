"""Running SPARQL queries in killable worker processes under a deadline; serializing their results."""

from __future__ import annotations

import io
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Literal

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import QcollabError
from kg.namespaces import PREFIXES
from kg.rdfio import syntax_error_from
from kg.store import OxigraphStore, QueryResult

if TYPE_CHECKING:
    from kg.query_snapshots import Snapshot
    from kg.query_workers import Worker, WorkerPool

QueryForm = Literal["select", "ask", "graph"]
ResultFormat = ox.QueryResultsFormat | ox.RdfFormat
Probe = Callable[[], Awaitable[bool]]

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
    """Every query worker stayed busy until the deadline of a query waiting for one."""

    def __init__(self, seconds: float, slots: int) -> None:
        QcollabError.__init__(
            self,
            f"the server is busy: all {slots} query slots stayed taken for {seconds:g} s; try again later",
        )
        self.seconds = seconds


class QueryCancelledError(QcollabError):
    """The query was stopped because nobody waits for its results any more."""


class WorkerDiedError(RuntimeError):
    """A query worker process ended unexpectedly: a fault of the service, not of the request."""


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


def write_triples(
    triples: Iterable[ox.Triple],
    fmt: ox.RdfFormat,
    output: IO[bytes],
    prefixes: dict[str, str] = PREFIXES,
) -> None:
    """Serialize triples (as the default graph for dataset formats)."""
    items: Iterable[ox.Triple | ox.Quad] = triples
    if fmt.supports_datasets:
        items = (ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in items)
    ox.serialize(items, output, fmt, prefixes=prefixes)


def write_result(result: QueryResult, fmt: ResultFormat, output: IO[bytes]) -> None:
    """Serialize a query result: SELECT/ASK in a results format, a graph in an RDF format."""
    if isinstance(result, ox.QueryTriples):
        write_triples(result, fmt, output)  # type: ignore[arg-type]
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


class RunningQuery:
    """A query evaluated by a worker process; results come back as chunks of bytes."""

    def __init__(self, engine: QueryEngine, worker: Worker, snapshot: Snapshot, abandoned: Probe | None):
        self.engine, self.snapshot, self.abandoned = engine, snapshot, abandoned
        self.worker: Worker | None = worker
        self.deadline = time.monotonic() + engine.timeout
        self.form: QueryForm = "select"
        self.evaluating = True  # False while the worker waits for the format: it can be kept

    async def receive(self) -> tuple[str, object]:
        """The next message of the worker; enforces the deadline and drops abandoned queries."""
        while self.worker is not None:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                self.cancel()
                raise QueryTimeoutError(self.engine.timeout)
            if await self.worker.readable(min(remaining, POLL_SECONDS)):
                return self._take(self.worker)
            if self.abandoned is not None and await self.abandoned():
                self.cancel()
                raise QueryCancelledError("the client went away")
        raise QueryCancelledError("the query was cancelled")

    def _take(self, worker: Worker) -> tuple[str, object]:
        """Read a message; after an error the worker waits for its next query, unless it died."""
        try:
            return worker.receive()
        except WorkerDiedError:
            self._finish(kill=True)
            raise
        except BaseException:
            self._finish()
            raise

    async def chunks(self, fmt: ResultFormat) -> AsyncIterator[bytes]:
        """The serialized results; closing the iterator early cancels the query."""
        if self.worker is None:
            raise QueryCancelledError("the query was cancelled")
        self.evaluating = True
        try:
            self.worker.choose(fmt)
            while True:
                kind, payload = await self.receive()
                if kind == "end":
                    self._finish()
                    if payload:
                        yield payload  # type: ignore[misc]
                    return
                yield payload  # type: ignore[misc]
        finally:
            self.cancel()

    def cancel(self) -> None:
        """Stop the query (idempotent): a worker that is evaluating or serializing is killed."""
        kill = self.evaluating
        if self.worker is not None and not kill:
            kill = not self.worker.skip()
        self._finish(kill=kill)

    def _finish(self, kill: bool = False) -> None:
        worker, self.worker = self.worker, None
        if worker is not None:
            self.engine.finished(worker, self.snapshot, kill=kill)


class QueryEngine:
    """Runs each query in a worker process under a deadline, as many at a time as there are workers.

    A worker (kg.query_workers) holds an in-memory copy of the store, loaded from an N-Quads snapshot
    (kg.query_snapshots) that the main process writes at start-up and after every committed write
    (`refresh`, called by the GuardedWriter before the write returns, so a client reads its own writes).
    A query past its deadline, or abandoned by its client, has its worker killed: pyoxigraph cannot
    interrupt a blocking operator (a sort, an aggregate over a huge join), the operating system can. Its
    slot is free again at once and a replacement worker starts in the background (a fork of the fork
    server, then the snapshot to load). A query that finds no idle worker before its own deadline is
    refused with EngineBusyError (503). The price is memory and write time: every worker holds a whole
    copy of the store (about 0.4 KB per quad: 400 MB per million quads, on top of some 30 MB for the
    process), and every write dumps the store once (about 1 s per million quads).
    """

    def __init__(self, pool: WorkerPool, timeout: float, chunk_bytes: int = CHUNK_BYTES) -> None:
        self.pool, self.timeout, self.chunk_bytes = pool, timeout, chunk_bytes
        self.running = 0

    @property
    def max_concurrent(self) -> int:
        """How many queries are evaluated at once: one per worker."""
        return self.pool.size

    async def start(
        self, sparql: str, dataset: QueryDataset = QueryDataset(), abandoned: Probe | None = None
    ) -> RunningQuery:
        """Take an idle worker, start evaluating, and return once the query form is known."""
        try:
            worker = await self.pool.acquire(self.timeout)
        except TimeoutError:
            raise EngineBusyError(self.timeout, self.pool.size) from None
        self.running += 1
        snapshot = self.pool.snapshots.acquire()
        running = RunningQuery(self, worker, snapshot, abandoned)
        try:
            worker.start(snapshot, sparql, dataset, self.chunk_bytes)
            _, running.form = await running.receive()  # type: ignore[assignment]
        except BaseException:
            running.cancel()
            raise
        running.evaluating = False
        return running

    def refresh(self) -> None:
        """Give the next queries the store as it is now (called after every committed write)."""
        self.pool.snapshots.write()

    def worker_pids(self) -> list[int]:
        """The process ids of the query workers."""
        return self.pool.pids()

    def finished(self, worker: Worker, snapshot: Snapshot, *, kill: bool) -> None:
        """A query is over: its worker goes back to the pool, or is killed and replaced."""
        self.running -= 1
        self.pool.snapshots.release(snapshot)
        if kill:
            self.pool.discard(worker)
        else:
            self.pool.release(worker)
