"""What the fault tests share: the CLI as a killable process group, and the state of a store to compare."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
from live_server import ADMIN_TOKEN, LiveServer, free_port
from paths import ROOT, SEEDS

from kg.namespaces import INFERRED_GRAPH
from kg.quality.reasoning import materialize
from kg.store.oxigraph import OxigraphStore, open_store

QCOLLAB = Path(sys.executable).parent / "qcollab"
SEED = 10  # every random choice of the fault suite, so that a failure reproduces


def cli_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a `qcollab` command over `data_dir`, with the project's seeds."""
    return {
        **os.environ,
        "QCOLLAB_DATA_DIR": str(data_dir),
        "QCOLLAB_SEEDS_DIR": str(SEEDS),
        "COLUMNS": "200",
        **extra,
    }


def start(args: Sequence[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """A command in its own process group (so that kill_group reaches the processes it forks)."""
    with log.open("ab") as output:
        return subprocess.Popen(
            list(args), env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )


def kill_group(process: subprocess.Popen[bytes]) -> bool:
    """kill -9 the process and everything in its group; False if it had already ended."""
    ended = process.poll() is not None
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    return not ended


def store_files(data_dir: Path) -> frozenset[tuple[str, int, int]]:
    """Name, size and time of every file of the store folders (staging stores too) and of the stamp: a
    write shows in it."""
    while True:
        try:
            files = [*data_dir.glob("store*/*"), *data_dir.glob(".load-staging-*/*")]
            files += data_dir.glob("*.json")
            break
        except FileNotFoundError:  # a folder (store.building-*) removed while glob listed it: look again
            continue
    found = set()
    for path in files:
        try:
            info = path.stat()
        except OSError:  # removed meanwhile
            continue
        found.add((str(path.relative_to(data_dir)), info.st_size, info.st_mtime_ns))
    return frozenset(found)


def timed_run(
    args: Sequence[str], env: dict[str, str], log: Path, data_dir: Path
) -> tuple[float, float, float]:
    """Run a command to its end: its run time, when it first wrote a store file, when it last did."""
    began = time.monotonic()
    process = start(args, env, log)
    files, first, last = store_files(data_dir), 0.0, 0.0
    while process.poll() is None:
        now, seen = time.monotonic() - began, store_files(data_dir)
        if seen != files:
            first, last, files = first or now, now, seen
        time.sleep(0.005)
    assert process.returncode == 0, log.read_text()[-4000:]
    total = time.monotonic() - began
    return total, first or 0.7 * total, last or total


def run_and_kill(
    args: Sequence[str], env: dict[str, str], log: Path, data_dir: Path, after_first_write: bool, delay: float
) -> bool:
    """Start a command, kill -9 it (and its group) `delay` seconds after it starts or after it first writes
    a store file in `data_dir`; False if it had ended before."""
    files = store_files(data_dir)
    process = start(args, env, log)
    while after_first_write and process.poll() is None and store_files(data_dir) == files:
        time.sleep(0.002)
    time.sleep(delay)
    return kill_group(process)


@dataclass(frozen=True)
class StoreState:
    """Triples per graph (the default graph as ""), and the inferred graph itself."""

    counts: dict[str, int]
    inferred: frozenset[str]

    def differences(self, other: StoreState) -> list[str]:
        """What differs, in words (empty when the states are equal)."""
        graphs = sorted(set(self.counts) | set(other.counts))
        found = [
            f"{g or 'default graph'}: {self.counts.get(g, 0)} triples, expected {other.counts.get(g, 0)}"
            for g in graphs
            if self.counts.get(g, 0) != other.counts.get(g, 0)
        ]
        if self.inferred != other.inferred:
            found.append(
                f"inferred graph: {len(self.inferred - other.inferred)} extra, "
                f"{len(other.inferred - self.inferred)} missing"
            )
        return found


def state_of(store: OxigraphStore) -> StoreState:
    counts: dict[str, int] = {}
    for quad in store.quads():
        graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        counts[graph] = counts.get(graph, 0) + 1
    inferred = frozenset(str(q.triple) for q in store.quads_in_graph(str(INFERRED_GRAPH)))
    return StoreState(counts, inferred)


def store_state(path: Path) -> StoreState:
    """The state of the store at `path`, opened read-only."""
    with open_store(path, read_only=True) as store:
        return state_of(store)


def fresh_inferences(store: OxigraphStore) -> frozenset[str]:
    """The inferred graph a fresh materialization of an in-memory copy of the store gives."""
    copy = store.copy()
    materialize(copy)
    return frozenset(str(q.triple) for q in copy.quads_in_graph(str(INFERRED_GRAPH)))


@dataclass
class Server:
    """The real service in its own process group, on a loopback port."""

    process: subprocess.Popen[bytes]
    live: LiveServer
    log: Path


def serve(data_dir: Path, log: Path, **env: str) -> Server:
    """Start the service over `data_dir` (not a copy) and wait until /readyz says ready."""
    port = free_port()
    environment = cli_env(
        data_dir, QCOLLAB_ADMIN_TOKEN=ADMIN_TOKEN, QCOLLAB_PUBLIC_BASE_URL=f"http://127.0.0.1:{port}", **env
    )
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "api.app:app_factory",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    server = Server(start(command, environment, log), LiveServer(f"http://127.0.0.1:{port}", data_dir), log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited early:\n{log.read_text()[-4000:]}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{server.live.base_url}/readyz", timeout=2).json().get("status") == "ready":
                return server
        time.sleep(0.1)
    kill_group(server.process)
    raise RuntimeError(f"the server did not get ready:\n{log.read_text()[-4000:]}")


def group_alive(pgid: int) -> bool:
    """Whether any process of the group is left."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def kill_server(server: Server, grace: float = 5.0) -> bool:
    """kill -9 the server's main process only, as a crash would; True if its query workers then exited
    by themselves within `grace` seconds (any left are killed)."""
    os.kill(server.process.pid, signal.SIGKILL)
    server.process.wait()
    deadline = time.monotonic() + grace
    while group_alive(server.process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    alone = not group_alive(server.process.pid)
    kill_group(server.process)
    return alone


def stop_server(server: Server) -> None:
    """A clean stop (SIGTERM), then whatever is left of the group killed."""
    server.process.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.process.wait(timeout=20)
    kill_group(server.process)
