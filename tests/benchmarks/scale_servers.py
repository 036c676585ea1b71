"""What bench_scale.py measures with: servers started and stopped one at a time, the resident memory of a
process tree, latency over one keep-alive connection, and throughput with wrk."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import signal
import statistics
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

try:
    import psutil
except ImportError:  # the /proc fallback below does the same on Linux
    psutil = None


@dataclass
class Timing:
    """Latencies in milliseconds of one operation, and the answers that were not the expected status."""

    samples: list[float] = field(default_factory=list)
    errors: int = 0
    note: str = ""

    @property
    def p50(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    @property
    def p95(self) -> float | None:
        if len(self.samples) < 2:
            return self.p50
        return statistics.quantiles(self.samples, n=20, method="inclusive")[18]


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    expect: tuple[int, ...] = (200,)


def get(path: str, params: dict[str, str], accept: str) -> Request:
    return Request("GET", f"{path}?{urllib.parse.urlencode(params)}", headers=(("Accept", accept),))


def _descendants_proc(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
    found, frontier = [], [root]
    while frontier:
        pid = frontier.pop()
        found.append(pid)
        frontier += children.get(pid, [])
    return found


def process_tree(root: int) -> list[int]:
    """The process and all its descendants (forkserver, query workers)."""
    if psutil is not None:
        with contextlib.suppress(psutil.NoSuchProcess):
            parent = psutil.Process(root)
            return [root] + [child.pid for child in parent.children(recursive=True)]
        return []
    return _descendants_proc(root)


def rss_bytes(pid: int) -> int:
    if psutil is not None:
        with contextlib.suppress(psutil.NoSuchProcess):
            return psutil.Process(pid).memory_info().rss
        return 0
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


class MemorySampler:
    """Samples the summed resident memory of a process tree every `interval` seconds; keeps the peak."""

    def __init__(self, root: int, interval: float = 0.25) -> None:
        self.root, self.interval, self.peak = root, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, sum(rss_bytes(pid) for pid in process_tree(self.root)))
            self._stop.wait(self.interval)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()


def run_sampled(
    command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run `command` to its end, its output captured, sampling the resident memory of its process tree: the
    finished process and that peak, in bytes."""
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    with MemorySampler(process.pid) as sampler:
        stdout, stderr = process.communicate()
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr), sampler.peak


def _start_time(pid: int) -> str | None:
    with contextlib.suppress(OSError, IndexError):
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    return None


def stop_tree(process: subprocess.Popen[bytes], grace: float = 15) -> None:
    """SIGTERM the server, SIGKILL it after `grace` s, then SIGKILL each descendant it left behind (by pid,
    checking it is still the same process)."""
    tree = [(pid, _start_time(pid)) for pid in process_tree(process.pid)[1:]]
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    deadline = time.monotonic() + 5
    for pid, started in tree:
        while started and _start_time(pid) == started and time.monotonic() < deadline:
            time.sleep(0.1)
        if started and _start_time(pid) == started:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@dataclass
class Server:
    """A started server: its process, its port and how long it took to answer a first query."""

    process: subprocess.Popen[bytes]
    port: int
    startup: float
    sampler: MemorySampler


@contextlib.contextmanager
def serving(
    command: list[str],
    port: int,
    probe: Request,
    log: Path,
    env: dict[str, str] | None = None,
    limit: float = 600,
) -> Iterator[Server]:
    """Start `command`, time process start to the first answer to `probe`, sample its memory until stopped."""
    with log.open("wb") as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
        sampler = MemorySampler(process.pid)
        try:
            with sampler:
                while True:
                    if process.poll() is not None:
                        raise RuntimeError(f"{command[0]} exited early:\n{log.read_text()[-3000:]}")
                    with contextlib.suppress(OSError, http.client.HTTPException):  # refused until it listens
                        if call(port, probe, timeout=limit)[0] in probe.expect:
                            break
                    if time.perf_counter() - started > limit:
                        raise RuntimeError(f"{command[0]} did not answer within {limit:.0f} s")
                    time.sleep(0.02)
                yield Server(process, port, time.perf_counter() - started, sampler)
        finally:
            stop_tree(process)


def call(
    port: int, request: Request, timeout: float = 60, connection: http.client.HTTPConnection | None = None
) -> tuple[int, bytes]:
    """One request (on `connection`, kept alive, when given); the status and the whole body."""
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(request.method, request.path, body=request.body or None, headers=dict(request.headers))
        answer = conn.getresponse()
        return answer.status, answer.read()
    finally:
        if connection is None:
            conn.close()


def measure(
    port: int, requests: Iterator[Request], count: int, budget: float, warm_up: int = 0, timeout: float = 120
) -> Timing:
    """Send up to `count` requests (after `warm_up` untimed ones) on one keep-alive connection, stopping
    once `budget` seconds are spent (after at least 3); a timeout ends the series with a note."""
    timing = Timing()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    spent = 0.0
    try:
        for number, request in enumerate(requests):
            if number >= warm_up + count or (len(timing.samples) >= 3 and spent > budget):
                break
            started = time.perf_counter()
            try:
                status, body = call(port, request, connection=conn)
            except TimeoutError:
                timing.note = f"timed out after {timeout:.0f} s"
                break
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
                status, body = 0, repr(error).encode()
            elapsed = time.perf_counter() - started
            if number < warm_up:
                continue
            spent += elapsed
            if status in request.expect:
                timing.samples.append(elapsed * 1000)
            else:
                timing.errors += 1
                timing.note = timing.note or f"{status}: {body[:160].decode(errors='replace')}"
    finally:
        conn.close()
    return timing


WRK_REQUESTS = re.compile(r"(\d+) requests in ([\d.]+)(us|ms|s|m)")
WRK_BAD = re.compile(r"Non-2xx or 3xx responses: (\d+)")
WRK_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def wrk(port: int, request: Request, connections: int, seconds: float) -> tuple[float | None, str]:
    """Successful requests per second under wrk (2 threads), or None and why not."""
    binary = shutil.which("wrk")
    if binary is None:
        return None, "n/a (wrk not installed: run .ci/bench-deps.sh)"
    headers = [arg for name, value in request.headers for arg in ("-H", f"{name}: {value}")]
    run = subprocess.run(
        [
            binary,
            "-t2",
            f"-c{connections}",
            f"-d{seconds:g}s",
            "--timeout",
            "30s",
            *headers,
            f"http://127.0.0.1:{port}{request.path}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    done, bad = WRK_REQUESTS.search(run.stdout), WRK_BAD.search(run.stdout)
    if run.returncode != 0 or done is None:
        return None, f"wrk failed: {(run.stderr or run.stdout)[-200:]}"
    good = int(done.group(1)) - (int(bad.group(1)) if bad else 0)
    note = f"{bad.group(1)} non-2xx answers" if bad else ""
    return good / (float(done.group(2)) * WRK_UNITS[done.group(3)]), note
