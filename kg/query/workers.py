"""Query worker processes: each evaluates one query at a time over its own copy of the store; killable."""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import logging
import multiprocessing
import os
import signal
import threading
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

import pyoxigraph as ox

from kg.errors import RdfSyntaxError, WorkerDiedError
from kg.query.dataset import QueryDataset, execute
from kg.query.results import ResultFormat, form_of, write_result
from kg.query.slots import ANONYMOUS, Probe, Slots
from kg.store.interface import KnowledgeStore
from kg.store.snapshots import Snapshot, Snapshots

log = logging.getLogger("qcollab.query")

RETRY_SECONDS = 1.0
GENERAL_NICENESS = 5  # general workers yield the CPU to the light lane and to the server itself
JOIN_SECONDS = 5.0


@dataclass(frozen=True)
class Job:
    """One query for a worker."""

    snapshot: Snapshot
    deltas: tuple[bytes, ...]  # what the worker applies to the snapshot it holds to reach this one
    sparql: str
    dataset: QueryDataset
    chunk_bytes: int


class WorkerTraceback(Exception):
    """The traceback of an error raised in a worker process, chained to the error raised again here."""

    def __str__(self) -> str:
        return str(self.args[0])


class Worker:
    """One worker process, seen from the main process through its end of the pipe."""

    def __init__(self, process: multiprocessing.process.BaseProcess, conn: Connection) -> None:
        self.process, self.conn = process, conn
        self.pid: int = process.pid or 0
        self.loaded: Snapshot | None = None  # the snapshot the process holds (a checkpoint: held on disk)

    def start(
        self,
        snapshot: Snapshot,
        deltas: tuple[bytes, ...],
        sparql: str,
        dataset: QueryDataset,
        chunk_bytes: int,
    ) -> None:
        self.conn.send(Job(snapshot, deltas, sparql, dataset, chunk_bytes))

    def choose(self, fmt: ResultFormat) -> None:
        """Tell the worker in which format to serialize the result."""
        self.conn.send((isinstance(fmt, ox.RdfFormat), fmt.media_type))

    def skip(self) -> bool:
        """Tell the worker to drop its result; False when it cannot be told (it died)."""
        try:
            self.conn.send(None)
        except OSError:
            return False
        return True

    async def readable(self, timeout: float | None) -> bool:
        """Wait at most `timeout` seconds for a message (or for the end of the pipe)."""
        if self.conn.poll():
            return True
        loop, fd = asyncio.get_running_loop(), self.conn.fileno()
        ready = loop.create_future()
        loop.add_reader(fd, lambda: ready.done() or ready.set_result(True))
        try:
            await asyncio.wait({ready}, timeout=timeout)
        finally:
            loop.remove_reader(fd)
            if not self.conn.closed:
                os.set_blocking(fd, True)  # uvloop makes it non-blocking; recv() needs it blocking
        return ready.done()

    def receive(self) -> tuple[str, object]:
        """The next message; an error of the worker is raised here with its type and message."""
        try:
            kind, payload = self.conn.recv()
        except (EOFError, OSError) as error:
            raise WorkerDiedError(f"the query worker {self.pid} ended: {self.process.exitcode}") from error
        if kind == "syntax":
            raise RdfSyntaxError(*payload)
        if kind == "fault":
            name, args, message, text = payload
            raise _rebuilt(name, args, message) from WorkerTraceback(text)
        return kind, payload

    def kill(self) -> None:
        """End the process now, whatever it is doing (once it has ended, its pid may be someone else's)."""
        if self.process.is_alive():
            self.process.kill()
        self.conn.close()


def _format(choice: tuple[bool, str]) -> ResultFormat:
    rdf, media_type = choice
    fmt = (ox.RdfFormat if rdf else ox.QueryResultsFormat).from_media_type(media_type)
    assert fmt is not None, media_type
    return fmt


class _Chunks:
    """A binary file for pyoxigraph's serializers that sends chunks of `size` bytes to the main process."""

    def __init__(self, conn: Connection, size: int) -> None:
        self.conn, self.size, self.buffer = conn, size, bytearray()

    def write(self, data: bytes) -> int:
        self.buffer += data
        if len(self.buffer) >= self.size:
            self.conn.send(("chunk", bytes(self.buffer)))
            self.buffer.clear()
        return len(data)

    def flush(self) -> None:
        """The last chunk goes with the end message."""


def _answer(conn: Connection, store: KnowledgeStore, job: Job) -> None:
    """Evaluate, report the form, wait for the format (None: drop the result), send the chunks."""
    try:
        result = execute(store, job.sparql, job.dataset)
        conn.send(("form", form_of(result)))
        choice = conn.recv()
        if choice is None:
            return
        output = _Chunks(conn, job.chunk_bytes)
        write_result(result, _format(choice), output)
        conn.send(("end", bytes(output.buffer)))
    except RdfSyntaxError as error:
        conn.send(("syntax", (error.message, error.line, error.column)))
    except Exception as error:  # raised again in the main process, with this traceback as its cause
        conn.send(("fault", _fault(error)))


def _fault(error: Exception) -> tuple[str, tuple[object, ...], str, str]:
    """The name of the error's type (qualified unless built in), its arguments, message and traceback."""
    kind = type(error)
    builtin = getattr(builtins, kind.__name__, None) is kind
    name = kind.__name__ if builtin else f"{kind.__module__}.{kind.__name__}"
    args = tuple(a if isinstance(a, str | bytes | int | float | None) else str(a) for a in error.args)
    return name, args, str(error), "".join(traceback.format_exception(error))


def _rebuilt(name: str, args: tuple[object, ...], message: str) -> Exception:
    """The error of a worker: the same built-in type and arguments, or a RuntimeError naming the type."""
    kind = getattr(builtins, name, None)
    if isinstance(kind, type) and issubclass(kind, Exception):
        with contextlib.suppress(TypeError):
            return kind(*args)
    return RuntimeError(f"{name}: {message}")


def _watch(sentinel: int) -> None:
    wait([sentinel])
    os._exit(1)


def _exit_with_parent() -> None:
    """End this process when the main process ends, even in the middle of a query."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_watch, args=(parent.sentinel,), daemon=True).start()


def serve(conn: Connection, snapshot: Snapshot, deltas: tuple[bytes, ...]) -> None:
    """A worker process: load the snapshot, then answer jobs until the main process closes the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the server stops us
    _exit_with_parent()
    store = snapshot.load(deltas)
    conn.send(("ready", None))
    while True:
        try:
            job: Job = conn.recv()
        except EOFError:
            return
        if job.snapshot != snapshot:
            store = job.snapshot.advance(store, snapshot, job.deltas)
            snapshot = job.snapshot
        _answer(conn, store, job)


class WorkerPool:
    """Worker processes over the latest snapshot; a killed worker is replaced in the background.

    Workers come from the 'forkserver' context where there is one ('spawn' elsewhere): a new worker is a
    fork of a small single-threaded server that has the modules imported already, never of this process
    with its threads and event loop, and it starts in milliseconds plus the time to load the snapshot.

    `size` workers form the general lane, `light` more the light lane; which idle worker goes to which
    waiting query, fairly between clients and with at most `max_queued_per_client` waiting for each, is
    kg.query.slots. A replacement joins the lane of the worker it replaces. General workers run at a
    lower CPU priority (GENERAL_NICENESS): where cores are scarce, a heavy query gives way to the light
    lane and to the server's own event loop rather than slowing every other request down.
    """

    def __init__(
        self, snapshots: Snapshots, size: int, light: int = 0, max_queued_per_client: int | None = None
    ) -> None:
        self.snapshots, self.size, self.light_size = snapshots, size, light
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        self._context = multiprocessing.get_context(method)
        if method == "forkserver":
            self._context.set_forkserver_preload([__name__])
        self._slots: Slots[Worker] = Slots(max_queued_per_client)
        self._workers: dict[int, Worker] = {}
        self._replacing: set[asyncio.Task[None]] = set()
        self._closed = False

    async def start(self) -> None:
        """Start every worker and wait until each has loaded the current snapshot."""
        lanes = [False] * self.size + [True] * self.light_size
        await asyncio.gather(*(self._add(light) for light in lanes))

    async def acquire(
        self,
        timeout: float,
        client: str = ANONYMOUS,
        light: bool = False,
        abandoned: Probe | None = None,
        capped: bool = True,
    ) -> Worker:
        """An idle worker for a query of `client`, waiting at most `timeout` seconds (TimeoutError).

        Only a light query may get a light worker. Raises ClientBusyError if the client has too many
        queries waiting (unless not `capped`), QueryCancelledError if `abandoned` says it went away.
        """
        async with asyncio.timeout(timeout):
            while True:
                worker = await self._slots.take(client, light, abandoned, capped)
                if worker.process.is_alive():
                    return worker
                self.discard(worker)

    def release(self, worker: Worker) -> None:
        """A worker that finished its query is idle again (and goes to the next waiting query)."""
        self._slots.release(worker)

    def in_light_lane(self, worker: Worker) -> bool:
        return self._slots.is_light(worker)

    def slots(self, light: bool) -> int:
        """How many workers a query may use: the general lane's, and the light lane's for a light one."""
        return self.size + (self.light_size if light else 0)

    def use(self, worker: Worker, snapshot: Snapshot) -> tuple[bytes, ...]:
        """The worker moves to `snapshot` for its next query: the deltas it needs to get there.

        A checkpoint is held on disk while a worker has it open; an N-Quads dump is read once, when
        loaded, so it is not held.
        """
        if worker.loaded == snapshot:
            return ()
        deltas = self.snapshots.deltas_for(worker.loaded, snapshot)
        if snapshot.checkpoint:
            self.snapshots.hold(snapshot)
        self._let_go(worker)
        worker.loaded = snapshot
        return deltas

    def _let_go(self, worker: Worker) -> None:
        if worker.loaded is not None and worker.loaded.checkpoint:
            self.snapshots.release(worker.loaded)
        worker.loaded = None

    def discard(self, worker: Worker) -> None:
        """Kill a worker (its query cannot be stopped any other way) and start a replacement."""
        worker.kill()
        self._let_go(worker)
        self._workers.pop(worker.pid, None)
        task = asyncio.create_task(self._replace(worker, self._slots.remove(worker)))
        self._replacing.add(task)
        task.add_done_callback(self._replacing.discard)

    def pids(self) -> list[int]:
        return sorted(self._workers)

    async def close(self) -> None:
        """End every worker (idle ones see the pipe close, busy ones are killed) and remove the snapshots."""
        self._closed = True
        for task in list(self._replacing):
            task.cancel()
        workers = list(self._workers.values())
        self._workers.clear()
        for idle in self._slots.drain():
            idle.conn.close()
        for worker in workers:
            if not worker.conn.closed:
                worker.kill()
            self._let_go(worker)
        await asyncio.gather(*(asyncio.to_thread(self._end, worker) for worker in workers))
        self.snapshots.remove_all()

    async def _add(self, light: bool) -> None:
        snapshot = self.snapshots.acquire()
        try:
            deltas = self.snapshots.deltas_for(None, snapshot)
            worker = await asyncio.to_thread(self._spawn, snapshot, deltas)
            try:
                await worker.readable(None)
                worker.receive()
            except BaseException:
                worker.kill()
                raise
        except BaseException:
            self.snapshots.release(snapshot)
            raise
        worker.loaded = snapshot
        if not snapshot.checkpoint:
            self.snapshots.release(snapshot)
        if self._closed:
            worker.kill()
            self._let_go(worker)
            return
        self._workers[worker.pid] = worker
        if not light:
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, worker.pid, GENERAL_NICENESS)
        self._slots.add(worker, light=light)

    def _spawn(self, snapshot: Snapshot, deltas: tuple[bytes, ...]) -> Worker:
        ours, theirs = self._context.Pipe()
        process = self._context.Process(
            target=serve, args=(theirs, snapshot, deltas), name="qcollab-query", daemon=True
        )
        process.start()
        theirs.close()
        return Worker(process, ours)

    async def _replace(self, dead: Worker, light: bool) -> None:
        await asyncio.to_thread(self._end, dead)
        while not self._closed:
            try:
                await self._add(light)
                return
            except (OSError, WorkerDiedError):
                log.exception("could not start a query worker; trying again in %g s", RETRY_SECONDS)
                await asyncio.sleep(RETRY_SECONDS)

    @staticmethod
    def _end(worker: Worker) -> None:
        """Wait for a worker to end (killing it if it does not), then release its resources."""
        worker.process.join(JOIN_SECONDS)
        if worker.process.exitcode is None:
            worker.process.kill()
            worker.process.join()
        worker.process.close()
