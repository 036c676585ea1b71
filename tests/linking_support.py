"""Helpers for the linking, VoID, federation and reconciliation tests: a second SPARQL server
(the `oxigraph` server from PyPI, loaded with the reference snapshot), a recording HTTP proxy,
and a copy of the built graph with the linksets made by `qcollab link`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from live_server import free_port, stop

from kg.linking.sources import REFERENCE_DIR

SNAPSHOTS = (REFERENCE_DIR / "wikidata.ttl", REFERENCE_DIR / "dbpedia.ttl")


def oxigraph_binary() -> str:
    """The `oxigraph` command of the `oxigraph` PyPI package (next to this Python, or on PATH)."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the oxigraph server is missing: pip install oxigraph")
    return found


@contextmanager
def oxigraph_server(
    workdir: Path, files: tuple[Path, ...] = SNAPSHOTS, *, union_default_graph: bool = False
) -> Iterator[str]:
    """A read-only Oxigraph server on a loopback port, loaded with `files`; yields its query endpoint."""
    binary = oxigraph_binary()
    location = workdir / "oxigraph"
    subprocess.run(
        [binary, "load", "--location", str(location), "--file", *map(str, files)],
        check=True, capture_output=True,
    )
    port = free_port()
    log = (workdir / "oxigraph.log").open("wb")
    process = subprocess.Popen(
        [binary, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}",
         *(["--union-default-graph"] if union_default_graph else [])],
        stdout=log, stderr=subprocess.STDOUT,
    )
    endpoint = f"http://127.0.0.1:{port}/query"
    try:
        wait_for_oxigraph(process, endpoint, workdir / "oxigraph.log")
        yield endpoint
    finally:
        stop(process)
        log.close()


def wait_for_oxigraph(process: subprocess.Popen, endpoint: str, log: Path, seconds: float = 30) -> None:
    """Until the Oxigraph server answers `ASK {}` at its query endpoint; RuntimeError if it exits first."""
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"oxigraph exited early:\n{log.read_text()}")
        try:
            if httpx.get(endpoint, params={"query": "ASK {}"}, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("oxigraph did not start")
        time.sleep(0.1)


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class RecordingProxy:
    """An HTTP server that records every request and forwards it to `target` (or answers 503)."""

    target: str | None = None
    requests: list[Recorded] = field(default_factory=list)
    url: str = ""


@contextmanager
def recording_proxy(target: str | None = None) -> Iterator[RecordingProxy]:
    """Start a RecordingProxy on a loopback port; `url` is its base URL."""
    proxy = RecordingProxy(target)

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            proxy.requests.append(Recorded(self.command, self.path, headers))
            if proxy.target is None:
                self.send_response(503)
                self.end_headers()
                return
            query = self.path.split("?", 1)[1] if "?" in self.path else ""
            url = proxy.target + (f"?{query}" if query else "")
            forwarded = {k: v for k, v in headers.items() if k in ("content-type", "accept")}
            answer = httpx.request(self.command, url, content=body, headers=forwarded, timeout=30)
            self.send_response(answer.status_code)
            self.send_header("Content-Type", answer.headers.get("content-type", "application/octet-stream"))
            self.send_header("Content-Length", str(len(answer.content)))
            self.end_headers()
            self.wfile.write(answer.content)

        do_GET = do_POST = _handle  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    with serving(Handler) as url:
        proxy.url = url
        yield proxy


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """An HTTP server on a loopback port answering with `handler` in a background thread; yields its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def run_qcollab(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the `qcollab` command on a data folder."""
    environment = {**os.environ, "QCOLLAB_DATA_DIR": str(data_dir), "COLUMNS": "200", **env}
    return subprocess.run(
        [sys.executable, "-c", "from kg.cli.main import main; main()", *args],
        env=environment, capture_output=True, text=True, timeout=600,
    )


def linked_copy(built_data: Path, workdir: Path, **env: str) -> tuple[Path, dict[str, object]]:
    """A copy of the built data with the linksets written by `qcollab link`, and its JSON report."""
    data_dir = workdir / "data"
    shutil.copytree(built_data, data_dir, symlinks=True)
    done = run_qcollab(data_dir, "link", "--format", "json", **env)
    if done.returncode != 0:
        raise RuntimeError(f"qcollab link failed:\n{done.stdout}\n{done.stderr}")
    return data_dir, json.loads(done.stdout)
