"""Operations: health and readiness, timing, logging, CORS, body limits, and cancelling abandoned queries."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx
import pytest
from live_server import LiveServer, running_server

CROSS_JOIN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_healthz_and_readyz(server: LiveServer) -> None:
    assert httpx.get(f"{server.base_url}/healthz", timeout=10).json() == {"status": "ok"}
    ready = httpx.get(f"{server.base_url}/readyz", timeout=10)
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


def test_server_timing_header(server: LiveServer) -> None:
    response = httpx.get(f"{server.base_url}/sparql", params={"query": "ASK {}"}, timeout=10)
    assert re.fullmatch(r"app;dur=\d+(\.\d+)?", response.headers["server-timing"])


@pytest.mark.parametrize("path", ["/", "/resource/japan", "/ontology", "/lookup?q=japan", "/sparql"])
def test_head_answers_like_get_without_a_body(server: LiveServer, path: str) -> None:
    """Regression: HEAD / was 405 because FastAPI routes declared GET only."""
    get = httpx.get(f"{server.base_url}{path}", timeout=10)
    head = httpx.head(f"{server.base_url}{path}", timeout=10)
    assert head.status_code == get.status_code == 200
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.content == b""


def test_requests_are_logged_with_method_path_status_and_time(server: LiveServer) -> None:
    httpx.get(f"{server.base_url}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=10)
    log = server.data_dir.parent / "server.log"
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if re.search(r"qcollab\.http: GET /sparql 200 \d+\.\d ms", log.read_text()):
            return
        time.sleep(0.1)
    pytest.fail("no request log line for GET /sparql")


def test_cors_for_queries(server: LiveServer) -> None:
    origin = {"Origin": "https://example.org"}
    simple = httpx.get(f"{server.base_url}/sparql", params={"query": "ASK {}"}, headers=origin, timeout=10)
    assert simple.headers["access-control-allow-origin"] in ("*", "https://example.org")
    preflight = httpx.options(
        f"{server.base_url}/sparql",
        headers={**origin, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"},
        timeout=10,
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


@pytest.fixture(scope="module")
def small_bodies(built_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server that accepts request bodies of at most 1000 bytes."""
    with running_server(built_data, tmp_path_factory.mktemp("small"), QCOLLAB_MAX_BODY_BYTES="1000") as live:
        yield live


def test_body_over_the_limit_with_content_length_is_413(small_bodies: LiveServer) -> None:
    query = "ASK { ?s ?p ?o }" + " " * 2000
    response = httpx.post(f"{small_bodies.base_url}/sparql", content=query,
                          headers={"Content-Type": "application/sparql-query"}, timeout=10)
    assert response.status_code == 413
    assert "1000 bytes" in response.json()["detail"]


def test_streamed_body_over_the_limit_is_413(small_bodies: LiveServer) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"ASK { ?s ?p ?o }"
        for _ in range(10):
            yield b" " * 200

    response = httpx.post(f"{small_bodies.base_url}/sparql", content=chunks(),
                          headers={"Content-Type": "application/sparql-query"}, timeout=10)
    assert "content-length" not in response.request.headers
    assert response.status_code == 413


def test_body_under_the_limit_is_served(small_bodies: LiveServer) -> None:
    response = httpx.post(f"{small_bodies.base_url}/sparql", content="ASK { ?s ?p ?o }",
                          headers={"Content-Type": "application/sparql-query"}, timeout=10)
    assert response.status_code == 200
    assert response.json()["boolean"] is True


def _running(live: LiveServer) -> int:
    return httpx.get(f"{live.base_url}/readyz", timeout=10).json()["queries_running"]


def test_a_client_that_goes_away_cancels_its_query(server: LiveServer) -> None:
    address = urlsplit(server.base_url)
    request = (f"GET /sparql?{urlencode({'query': CROSS_JOIN})} HTTP/1.1\r\nHost: {address.netloc}\r\n"
               "Accept: text/csv\r\n\r\n")
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(request.encode())
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        deadline = time.monotonic() + 5
        while _running(server) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _running(server) == 1
    deadline = time.monotonic() + 10
    while _running(server) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _running(server) == 0


def test_without_a_configured_token_the_endpoint_is_read_only(read_only_server: LiveServer) -> None:
    live = read_only_server
    response = httpx.post(f"{live.base_url}/sparql", data={"update": "CLEAR ALL"},
                          headers={"Authorization": "Bearer anything"}, timeout=30)
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    assert httpx.get(f"{live.base_url}/sparql", params={"query": "ASK {}"}, timeout=30).status_code == 200


@pytest.fixture(scope="module")
def impatient(built_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server whose queries may run for one second."""
    workdir = tmp_path_factory.mktemp("impatient")
    with running_server(built_data, workdir, QCOLLAB_QUERY_TIMEOUT_SECONDS="1") as live:
        yield live


def test_timeout_is_503_and_the_server_keeps_serving(impatient: LiveServer) -> None:
    started = time.monotonic()
    response = httpx.get(f"{impatient.base_url}/sparql", params={"query": HEAVY}, timeout=30)
    assert response.status_code == 503
    assert response.json()["detail"] == "query exceeded the 1 s time limit"
    assert time.monotonic() - started < 5
    quick = httpx.get(f"{impatient.base_url}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=5)
    assert quick.status_code == 200 and quick.json()["boolean"] is True


def test_a_stream_past_the_deadline_is_cut_not_truncated(impatient: LiveServer) -> None:
    params = {"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"}
    url = f"{impatient.base_url}/sparql"
    with pytest.raises(httpx.RemoteProtocolError), httpx.stream("GET", url, params=params) as response:
        assert response.status_code == 200
        for _ in response.iter_bytes():
            pass


@pytest.fixture(scope="module")
def one_slot(built_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server with one query worker (and no light lane), whose queries may run for one second."""
    with running_server(built_data, tmp_path_factory.mktemp("one-slot"), QCOLLAB_QUERY_TIMEOUT_SECONDS="1",
                        QCOLLAB_QUERY_WORKERS="1", QCOLLAB_LIGHT_WORKERS="0") as live:
        yield live


def test_a_runaway_query_frees_its_slot_at_the_deadline(one_slot: LiveServer) -> None:
    """The worker of an overdue query is killed: the next query does not wait for it to finish."""
    first = httpx.get(f"{one_slot.base_url}/sparql", params={"query": HEAVY}, timeout=30)
    assert first.status_code == 503 and first.json()["detail"] == "query exceeded the 1 s time limit"
    second = httpx.get(f"{one_slot.base_url}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
    assert second.status_code == 200 and second.json()["boolean"] is True
    lookup = httpx.get(f"{one_slot.base_url}/lookup", params={"q": "japan"}, timeout=10)
    assert lookup.status_code == 200 and lookup.json()[0]["label"] == "Japan"


def test_queries_that_find_every_worker_busy_get_a_clear_503(one_slot: LiveServer) -> None:
    """Three runaway queries for one worker: one runs to its deadline, the replacement worker serves at most
    one other before that one's deadline, so at least one query waits its whole time limit in vain."""
    def heavy(_: int) -> httpx.Response:
        return httpx.get(f"{one_slot.base_url}/sparql", params={"query": HEAVY}, timeout=30)

    with ThreadPoolExecutor(3) as pool:
        responses = list(pool.map(heavy, range(3)))
    assert [response.status_code for response in responses] == [503] * 3
    busy = [response for response in responses if "server is busy" in response.json()["detail"]]
    assert busy and busy[0].headers["retry-after"]
    assert busy[0].json()["detail"].startswith("the server is busy: all 1 query slots stayed taken for 1 s")
    quick = httpx.get(f"{one_slot.base_url}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
    assert quick.status_code == 200


def test_the_runaway_query_is_really_stopped(one_slot: LiveServer) -> None:
    """Its worker process is gone, a new one took its place, and nothing in the server burns CPU any more."""
    [worker] = _workers(one_slot)
    response = httpx.get(f"{one_slot.base_url}/sparql", params={"query": HEAVY}, timeout=30)
    assert response.status_code == 503
    deadline = time.monotonic() + 5
    while _alive(worker) or len(_workers(one_slot)) != 1:
        assert time.monotonic() < deadline, f"worker {worker} still runs, or no new worker started"
        time.sleep(0.05)
    tree = _server_tree(one_slot)
    assert worker not in tree and set(_workers(one_slot)) <= set(tree)
    before = _cpu_seconds(tree)
    time.sleep(1)
    assert _cpu_seconds(tree) - before < 0.5, "a runaway query would burn a whole core"


def test_runaway_queries_in_a_row_leave_the_endpoint_answering(impatient: LiveServer) -> None:
    for _ in range(5):
        response = httpx.get(f"{impatient.base_url}/sparql", params={"query": HEAVY}, timeout=30)
        assert response.status_code == 503
        assert response.json()["detail"] == "query exceeded the 1 s time limit"
    started = time.monotonic()
    quick = httpx.get(f"{impatient.base_url}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=5)
    assert quick.status_code == 200 and quick.json()["boolean"] is True
    assert time.monotonic() - started < 2


def test_a_stopped_server_leaves_no_process_behind(built_data: Path, tmp_path: Path) -> None:
    with running_server(built_data, tmp_path) as live:
        tree = _server_tree(live)
        assert len(tree) >= 3 and set(_workers(live)) <= set(tree)
    _assert_all_end(tree)
    assert not list(live.data_dir.glob("query-snapshot-*"))


def test_a_killed_server_leaves_no_worker_behind_even_a_busy_one(built_data: Path, tmp_path: Path) -> None:
    """SIGKILL gives the server no chance to clean up: each worker watches it, and ends with it."""
    with running_server(built_data, tmp_path, QCOLLAB_QUERY_TIMEOUT_SECONDS="60") as live, \
            ThreadPoolExecutor(1) as pool:
        tree = _server_tree(live)
        pending = pool.submit(httpx.get, f"{live.base_url}/sparql", params={"query": HEAVY}, timeout=30)
        deadline = time.monotonic() + 5
        while _running(live) == 0:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(tree[0], signal.SIGKILL)
        with pytest.raises(httpx.TransportError):
            pending.result()
    _assert_all_end(tree)


def _workers(live: LiveServer) -> list[int]:
    return httpx.get(f"{live.base_url}/readyz", timeout=10).json()["query_workers"]


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name, or None when there is no such process."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None


def _alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z"


def _server_tree(live: LiveServer) -> list[int]:
    """The server's process (first) and all its descendants."""
    port = str(urlsplit(live.base_url).port).encode()
    children: dict[int, list[int]] = {}
    server = None
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or (fields := _stat(int(entry.name))) is None:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        with contextlib.suppress(OSError):
            arguments = (entry / "cmdline").read_bytes().split(b"\0")
            if b"api.app:app_factory" in arguments and port in arguments:
                server = int(entry.name)
    assert server is not None
    tree = [server]
    for pid in tree:
        tree.extend(children.get(pid, []))
    return tree


def _cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of the processes (all their threads), in seconds."""
    ticks = sum(int(fields[11]) + int(fields[12]) for pid in pids if (fields := _stat(pid)) is not None)
    return ticks / os.sysconf("SC_CLK_TCK")


def _assert_all_end(pids: list[int]) -> None:
    deadline = time.monotonic() + 10
    while left := [pid for pid in pids if _alive(pid)]:
        assert time.monotonic() < deadline, f"processes left behind: {left}"
        time.sleep(0.1)
