"""Running SPARQL queries in killable worker processes under a deadline, in a general and a light lane."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Protocol

from kg.errors import (
    EngineBusyError,
    QueryCancelledError,
    QueryTimeoutError,
    QueryWorkerStoppedError,
    WorkerDiedError,
)
from kg.query.dataset import QueryDataset
from kg.query.lanes import is_light
from kg.query.results import QueryForm, ResultFormat
from kg.query.slots import ANONYMOUS, Probe
from kg.query.workers import Worker, WorkerPool
from kg.store.interface import StoreChanges
from kg.store.snapshots import Snapshot

CHUNK_BYTES = 64 * 1024
POLL_SECONDS = 0.25
LIGHT_BUDGET_SECONDS = 2.0
LIGHT_MAX_BYTES = 1024 * 1024  # a light query's answer is held until complete: a larger one goes general


def stopped(worker: Worker) -> QueryWorkerStoppedError:
    """The error for a query whose worker ended in the middle of it (503): a fault, not the client's."""
    return QueryWorkerStoppedError(
        f"the query worker (process {worker.pid}) stopped while evaluating this query, which was not "
        "answered; a new worker replaces it"
    )


class QueryRun(Protocol):
    """What the service reads of a started query: RunningQuery here, RemoteQuery in kg.query.remote_engine."""

    form: QueryForm
    deadline: float

    def chunks(self, fmt: ResultFormat) -> AsyncIterator[bytes]: ...

    def cancel(self) -> None: ...


class RunningQuery:
    """A query evaluated by a worker process; results come back as chunks of bytes.

    The deadline is the engine's time limit from when the query got its first worker. A query in the
    light lane also has the engine's light budget, and its answer is held back until it is complete:
    past the budget, or past the engine's `light_max_bytes`, its worker is killed and the query starts
    again in the general lane over the same snapshot, under the same deadline, with nothing sent to the
    client yet.
    """

    def __init__(
        self,
        engine: QueryEngine,
        worker: Worker,
        snapshot: Snapshot,
        abandoned: Probe | None,
        sparql: str = "",
        dataset: QueryDataset = QueryDataset(),
        client: str = ANONYMOUS,
    ) -> None:
        self.engine, self.snapshot, self.abandoned = engine, snapshot, abandoned
        self.sparql, self.dataset, self.client = sparql, dataset, client
        self.worker: Worker | None = worker
        self.deadline = time.monotonic() + engine.timeout
        self.light = engine.pool.in_light_lane(worker)  # in the light lane: may still be re-run
        self.budget_end = time.monotonic() + engine.light_budget
        self.form: QueryForm = "select"
        self.format: ResultFormat | None = None
        self.evaluating = True  # False while the worker waits for the format: it can be kept
        self.open = True

    def send(self) -> None:
        """Give the query to its worker, with the deltas that bring the worker to the query's snapshot."""
        assert self.worker is not None
        deltas = self.engine.pool.use(self.worker, self.snapshot)
        try:
            self.worker.start(self.snapshot, deltas, self.sparql, self.dataset, self.engine.chunk_bytes)
        except OSError as error:  # the pipe of a worker that has just ended
            raise stopped(self.worker) from error

    async def receive(self) -> tuple[str, object]:
        """The next message of the worker; enforces the deadline and drops abandoned queries."""
        while self.worker is not None:
            now = time.monotonic()
            remaining = self.deadline - now
            if remaining <= 0:
                self.cancel()
                raise QueryTimeoutError(self.engine.timeout)
            if self.light and now >= self.budget_end:
                await self.rerun()
                continue
            wait = min(remaining, POLL_SECONDS, self.budget_end - now if self.light else POLL_SECONDS)
            if await self.worker.readable(wait):
                return self._take(self.worker)
            if self.abandoned is not None and await self.abandoned():
                self.cancel()
                raise QueryCancelledError("the client went away")
        raise QueryCancelledError("the query was cancelled")

    async def rerun(self) -> None:
        """Leave the light lane: kill the worker, start again on a general worker before the deadline."""
        worker, self.worker = self.worker, None
        self.light, self.evaluating = False, True
        if worker is not None:
            self.engine.pool.discard(worker)
        try:
            self.worker = await self.engine.pool.acquire(
                self.deadline - time.monotonic(), self.client, abandoned=self.abandoned, capped=False
            )
        except TimeoutError:
            self._finish()
            raise QueryTimeoutError(self.engine.timeout) from None
        except BaseException:
            self._finish()
            raise
        self.send()
        if self.format is not None:
            await self.receive()  # the form, known already
            if self.worker is not None:
                self.worker.choose(self.format)

    def _take(self, worker: Worker) -> tuple[str, object]:
        """Read a message; after an error the worker waits for its next query, unless it died."""
        try:
            return worker.receive()
        except WorkerDiedError as error:
            self._finish(kill=True)
            raise stopped(worker) from error
        except BaseException:
            self._finish()
            raise

    async def chunks(self, fmt: ResultFormat) -> AsyncIterator[bytes]:
        """The serialized results; closing the iterator early cancels the query."""
        if self.worker is None:
            raise QueryCancelledError("the query was cancelled")
        self.format, self.evaluating = fmt, True
        held: list[bytes] = []  # the light lane's chunks, sent once the answer is complete
        try:
            self.worker.choose(fmt)
            while True:
                kind, payload = await self.receive()
                if held and not self.light:
                    held.clear()  # the light run was killed: these are the general run's chunks
                if kind == "end":
                    self._finish()
                    for chunk in (*held, payload):
                        if chunk:
                            yield chunk  # type: ignore[misc]
                    return
                if not self.light:
                    yield payload  # type: ignore[misc]
                    continue
                held.append(payload)  # type: ignore[arg-type]
                if sum(map(len, held)) > self.engine.light_max_bytes:
                    await self.rerun()
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
        if self.open:
            self.open = False
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

    Lanes: the pool's light workers take only queries kg.query.lanes calls light (a cheap static
    guess), so a one-row SELECT does not queue behind aggregates; a light query also takes an idle
    general worker. In the light lane a query gets `light_budget` seconds: one that runs longer was
    misjudged, and is killed and run again in the general lane (RunningQuery), so a wrong guess costs
    at most the budget. Free workers go to the waiting query whose client has the fewest running, and a
    client with too many waiting is refused (kg.query.slots).
    """

    def __init__(
        self,
        pool: WorkerPool,
        timeout: float,
        chunk_bytes: int = CHUNK_BYTES,
        light_budget: float = LIGHT_BUDGET_SECONDS,
        light_max_bytes: int = LIGHT_MAX_BYTES,
    ) -> None:
        self.pool, self.timeout, self.chunk_bytes = pool, timeout, chunk_bytes
        self.light_budget, self.light_max_bytes = light_budget, light_max_bytes
        self.running = 0

    @property
    def max_concurrent(self) -> int:
        """How many queries are evaluated at once: one per worker, of both lanes."""
        return self.pool.size + self.pool.light_size

    async def start(
        self,
        sparql: str,
        dataset: QueryDataset = QueryDataset(),
        abandoned: Probe | None = None,
        client: str = ANONYMOUS,
    ) -> RunningQuery:
        """Take an idle worker, in turns with other clients, and start evaluating; return with the form."""
        light = self.pool.light_size > 0 and is_light(sparql)
        try:
            worker = await self.pool.acquire(self.timeout, client, light, abandoned)
        except TimeoutError:
            raise EngineBusyError(self.timeout, self.pool.slots(light)) from None
        self.running += 1
        snapshot = self.pool.snapshots.acquire()
        running = RunningQuery(self, worker, snapshot, abandoned, sparql, dataset, client)
        try:
            running.send()
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

    def finished(self, worker: Worker | None, snapshot: Snapshot, *, kill: bool) -> None:
        """A query is over: its worker (if it has one) goes back to the pool, or is killed and replaced."""
        self.running -= 1
        self.pool.snapshots.release(snapshot)
        if worker is None:
            return
        if kill:
            self.pool.discard(worker)
        else:
            self.pool.release(worker)
