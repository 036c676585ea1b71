"""Running SPARQL queries in killable worker processes under a deadline."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable

from kg.errors import EngineBusyError, QueryCancelledError, QueryTimeoutError, WorkerDiedError
from kg.query.dataset import QueryDataset
from kg.query.results import QueryForm, ResultFormat
from kg.query.workers import Worker, WorkerPool
from kg.store.interface import StoreChanges
from kg.store.snapshots import Snapshot

Probe = Callable[[], Awaitable[bool]]

CHUNK_BYTES = 64 * 1024
POLL_SECONDS = 0.25


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

    A worker (kg.query.workers) holds a snapshot of the store (kg.store.snapshots): in memory mode an
    in-memory copy loaded from an N-Quads dump and brought up to date with the deltas of the writes
    committed since, in disk mode a read-only checkpoint. `refresh`, called by the GuardedWriter with
    each committed change before the write returns, makes the next generation, so a client reads its
    own writes. A query past its deadline, or abandoned by its client, has its worker killed:
    pyoxigraph cannot interrupt a blocking operator (a sort, an aggregate over a huge join), the
    operating system can. Its slot is free again at once and a replacement worker starts in the
    background (a fork of the fork server, then the snapshot to open). A query that finds no idle
    worker before its own deadline is refused with EngineBusyError (503). In memory mode every worker
    holds a whole copy of the store (about 0.4 KB per quad, on top of some 30 MB for the process).
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
            deltas = self.pool.use(worker, snapshot)
            worker.start(snapshot, deltas, sparql, dataset, self.chunk_bytes)
            _, running.form = await running.receive()  # type: ignore[assignment]
        except BaseException:
            running.cancel()
            raise
        running.evaluating = False
        return running

    def refresh(self, changes: StoreChanges | None = None) -> None:
        """Give the next queries the store as it is now (called with each committed change)."""
        self.pool.snapshots.write(changes)

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
