"""Remote stores for the store contract and remote service tests: a writable Oxigraph server on a loopback
port (empty, or loaded with a dump and restartable on its port), and a small HTTP front in front of it that
checks credentials, counts requests, answers chosen errors or stalls (every request, or those whose body
holds a marker, noting whether the client gave up meanwhile)."""

from __future__ import annotations

import contextlib
import select
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import httpx
from linking_support import oxigraph_binary, serving, wait_for_oxigraph
from live_server import free_port, stop

from kg.store.oxigraph import OxigraphStore


@dataclass
class OxigraphServer:
    base_url: str
    process: subprocess.Popen[bytes]

    @property
    def query_url(self) -> str:
        return self.base_url + "/query"

    @property
    def update_url(self) -> str:
        return self.base_url + "/update"

    @property
    def gsp_url(self) -> str:
        return self.base_url + "/store"


@contextmanager
def writable_oxigraph(workdir: Path, *, union_default_graph: bool = False) -> Iterator[OxigraphServer]:
    """`oxigraph serve` (read-write) on a free loopback port, stored in `workdir`."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = workdir / "oxigraph.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [
            oxigraph_binary(),
            "serve",
            "--location",
            str(workdir / "store"),
            "--bind",
            f"127.0.0.1:{port}",
            *(["--union-default-graph"] if union_default_graph else []),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = OxigraphServer(f"http://127.0.0.1:{port}", process)
    try:
        wait_for_oxigraph(process, server.query_url, log_path)
        yield server
    finally:
        stop(process)
        log.close()


@dataclass
class SeededOxigraph:
    """`oxigraph serve` over a store loaded beforehand, on a fixed loopback port: `kill` and `start` again."""

    location: Path
    port: int
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return self.base_url + "/query"

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [oxigraph_binary(), "serve", "--location", str(self.location), "--bind", self.base_url[7:]],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for_oxigraph(self.process, self.query_url, self.log_path)

    def kill(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None


def dump_store(store_path: Path, target: Path) -> Path:
    """The quads of an embedded store (opened read-only) as an N-Quads file."""
    with OxigraphStore(store_path, read_only=True) as store, target.open("wb") as output:
        store.dump("nq", output)
    return target


@contextmanager
def seeded_oxigraph(workdir: Path, dump: Path) -> Iterator[SeededOxigraph]:
    """An Oxigraph server on a free loopback port over a store loaded with `dump` (`oxigraph load`)."""
    workdir.mkdir(parents=True, exist_ok=True)
    location = workdir / "store"
    subprocess.run(
        [oxigraph_binary(), "load", "--location", str(location), "--file", str(dump)],
        check=True,
        capture_output=True,
    )
    server = SeededOxigraph(location, free_port(), workdir / "oxigraph.log")
    server.start()
    try:
        yield server
    finally:
        server.kill()


@dataclass
class Front:
    """What the front does: the Authorization header it requires, the statuses it answers first (each
    once, with Retry-After when `retry_after` is set), how long it stalls; what it saw."""

    target: str
    authorization: str | None = None
    fail_with: list[int] = field(default_factory=list)
    retry_after: int | None = None
    delay_seconds: float = 0.0
    slow_marker: bytes | None = None  # a request whose body holds it stalls `slow_seconds` first
    slow_seconds: float = 0.0
    seen: list[tuple[str, str, bytes]] = field(default_factory=list)  # method, path, body
    gave_up: int = 0  # stalled requests whose client had closed the connection by the end of the stall
    url: str = ""
    routes: dict[str, str] = field(default_factory=dict)  # a path asked here -> the target's path for it

    def count(self, path: str) -> int:
        return sum(1 for _, seen_path, _ in self.seen if seen_path.split("?")[0] == path)


@contextmanager
def http_front(target: str, **options: object) -> Iterator[Front]:
    """A Front on a loopback port forwarding to `target` (a base URL); `url` is its own base URL."""
    front = Front(target, **options)  # type: ignore[arg-type]
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            with lock:
                front.seen.append((self.command, self.path, body))
                failure = front.fail_with.pop(0) if front.fail_with else None
            if front.authorization is not None and self.headers.get("Authorization") != front.authorization:
                return self._answer(401, b"credentials required", {"WWW-Authenticate": 'Basic realm="test"'})
            if failure is not None:
                extra = {"Retry-After": str(front.retry_after)} if front.retry_after is not None else {}
                return self._answer(failure, b"injected failure", extra)
            time.sleep(front.delay_seconds)
            if front.slow_marker is not None and front.slow_marker in body:
                time.sleep(front.slow_seconds)
                if self._client_gone():
                    with lock:
                        front.gave_up += 1
                    return None
            forwarded = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
            try:
                path, query = self.path.partition("?")[::2]
                target = front.target + front.routes.get(path, path) + (f"?{query}" if query else "")
                answer = httpx.request(self.command, target, content=body, headers=forwarded)
            except httpx.TransportError as error:  # the store behind is down: as a gateway says it
                return self._answer(502, f"the store behind the front: {error}".encode(), {})
            self._answer(
                answer.status_code,
                answer.content,
                {"Content-Type": answer.headers.get("content-type", "text/plain")},
            )

        def _client_gone(self) -> bool:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""

        def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = _handle  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    with serving(Handler) as url:
        front.url = url
        yield front
