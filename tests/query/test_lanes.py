"""The light lane and per-client fairness, over the real service: cheap queries do not starve."""

from __future__ import annotations

import asyncio
import io
import statistics
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
import uvloop
from live_server import LiveServer, running_server
from traffic_support import HEAVY, LIGHT, client, timed_query

from kg.errors import ClientBusyError, QueryTimeoutError
from kg.query.dataset import execute
from kg.query.engine import QueryEngine
from kg.query.lanes import is_light
from kg.query.results import write_result
from kg.query.slots import Slots
from kg.query.workers import WorkerPool
from kg.store.oxigraph import OxigraphStore
from kg.store.snapshots import Snapshots

CSV = ox.QueryResultsFormat.CSV

QUEUE_CAP = 8  # queued queries per client, for this module's server


@pytest.fixture(scope="module")
def lanes_server(built_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The service with the default lanes (two general workers, one light) and a queue cap of 8."""
    folder = tmp_path_factory.mktemp("lanes")
    with running_server(built_data, folder, QCOLLAB_MAX_QUEUED_PER_CLIENT=str(QUEUE_CAP)) as live:
        yield live


async def keep_busy(server: LiveServer, number: int, sparql: str, stop: asyncio.Event) -> list[float]:
    """Send `sparql` from client `number` again and again until `stop`: the latencies."""
    seconds: list[float] = []
    async with client(server, number) as http:
        while not stop.is_set():
            elapsed, response = await timed_query(http, sparql)
            assert response.status_code == 200, response.text
            seconds.append(elapsed)
    return seconds


async def light_waits(server: LiveServer, number: int, count: int) -> list[float]:
    """The latencies of `count` one-row SELECTs sent one after the other by client `number`."""
    seconds: list[float] = []
    async with client(server, number) as http:
        for _ in range(count):
            elapsed, response = await timed_query(http, LIGHT)
            assert response.status_code == 200, response.text
            assert response.json()["results"]["bindings"][0]["label"]["value"] == "Japan"
            seconds.append(elapsed)
            await asyncio.sleep(0.05)
    return seconds


def test_light_query_does_not_starve_behind_heavy_aggregates(lanes_server: LiveServer) -> None:
    """Regression (issue 10, item 10): a one-row SELECT waited 236 ms at the median behind aggregates."""

    async def scenario() -> tuple[list[float], list[float], list[float]]:
        idle = await light_waits(lanes_server, 2, 10)
        stop = asyncio.Event()
        heavy = [asyncio.create_task(keep_busy(lanes_server, 10 + i, HEAVY, stop)) for i in range(4)]
        await asyncio.sleep(2)  # every general worker busy, aggregates queued
        loaded = await light_waits(lanes_server, 2, 40)
        stop.set()
        heavy_seconds = [s for task in await asyncio.gather(*heavy) for s in task]
        return idle, loaded, heavy_seconds

    idle, loaded, heavy = asyncio.run(scenario())
    median = statistics.median(loaded)
    print(
        f"light query: idle median {statistics.median(idle) * 1000:.0f} ms, under 4 heavy clients median "
        f"{median * 1000:.0f} ms, max {max(loaded) * 1000:.0f} ms; "
        f"heavy median {statistics.median(heavy):.2f} s"
    )
    assert len(heavy) >= 4, "the aggregates really ran"
    # starved, a light query waits for an aggregate to finish: about half the heavy median, at the median
    assert median < statistics.median(heavy) / 5, f"light median {median * 1000:.0f} ms"


def test_one_client_flooding_cannot_keep_another_clients_query_waiting(lanes_server: LiveServer) -> None:
    """A client with eight aggregates in flight does not make another client's aggregate wait for them."""

    async def scenario() -> tuple[list[float], list[float]]:
        stop = asyncio.Event()
        flood = [asyncio.create_task(keep_busy(lanes_server, 20, HEAVY, stop)) for _ in range(QUEUE_CAP)]
        await asyncio.sleep(3)  # the flood's queue is full
        other: list[float] = []
        async with client(lanes_server, 21) as http:
            for _ in range(4):
                elapsed, response = await timed_query(http, HEAVY)
                assert response.status_code == 200, response.text
                other.append(elapsed)
        stop.set()
        return other, [s for task in await asyncio.gather(*flood) for s in task]

    other, flood = asyncio.run(scenario())
    print(
        f"heavy query: flooding client median {statistics.median(flood):.2f} s, "
        f"other client median {statistics.median(other):.2f} s"
    )
    assert statistics.median(other) < 0.6 * statistics.median(flood), (
        "the other client queued behind the flood"
    )


def test_a_client_over_its_queue_cap_is_told_to_slow_down(lanes_server: LiveServer) -> None:
    """Queries over the per-client cap are refused at once (429, Retry-After, problem+json); others served."""

    async def scenario() -> tuple[list[httpx.Response], httpx.Response]:
        async with client(lanes_server, 30) as greedy, client(lanes_server, 31) as other:
            burst = [asyncio.create_task(greedy.get("/sparql", params={"query": HEAVY})) for _ in range(16)]
            await asyncio.sleep(0.5)
            _, served = await timed_query(other, LIGHT)
            return list(await asyncio.gather(*burst)), served

    burst, served = asyncio.run(scenario())
    statuses = sorted(response.status_code for response in burst)
    refused = [response for response in burst if response.status_code == 429]
    assert served.status_code == 200
    assert set(statuses) == {200, 429} and len(refused) <= 16 - QUEUE_CAP - 2, statuses
    for response in refused:
        assert response.headers["content-type"] == "application/problem+json"
        assert int(response.headers["retry-after"]) >= 1
        assert response.json()["status"] == 429 and "queries waiting" in response.json()["detail"]


LIGHT_OR_HEAVY = [
    ("SELECT ?label WHERE { qcr:japan rdfs:label ?label } LIMIT 1", True),
    ("select ?o where { qcr:japan ?p ?o } limit 3", True),
    ("SELECT ?p ?o WHERE { qcr:japan ?p ?o }", True),  # a constant subject
    ('SELECT ?s WHERE { ?s rdfs:label "Japan"@en }', True),  # a constant object
    ("SELECT ?s WHERE { ?s qc:basedIn qcr:japan ; rdfs:label ?l }", False),  # ?s rdfs:label ?l: unanchored
    ('SELECT ?o WHERE { GRAPH ?g { qcr:japan ?p ?o } OPTIONAL { ?o rdfs:label "x" } }', True),
    ("PREFIX ex: <http://example.org/> SELECT ?o WHERE { ex:a ex:p ?o , ?x ; ex:q 5 . }", True),
    ("SELECT ?o WHERE { qcr:japan qc:collaboratesWith/rdfs:label ?o }", True),  # a sequence path
    ("SELECT ?o WHERE { qcr:japan ^qc:collaboratesWith ?o FILTER(?o != qcr:x) }", True),
    ("ASK { qcr:japan a qc:Country }", True),
    ("SELECT ?o # ORDER BY in a comment\n WHERE { qcr:japan ?p ?o }", True),
    ('SELECT ?o WHERE { qcr:japan ?p "GROUP BY" }', True),  # a keyword in a string
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 10", True),  # unanchored, but a small LIMIT
    ("SELECT * WHERE { ?s ?p ?o }", False),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 1000", False),  # over LIGHT_LIMIT
    ("ASK { ?s ?p ?o }", False),
    ("SELECT ?s WHERE { ?s ?p ?o . ?s a qc:Country }", False),
    ("SELECT (COUNT(*) AS ?n) WHERE { qcr:japan ?p ?o }", False),
    ("SELECT ?p (SAMPLE(?o) AS ?x) WHERE { qcr:japan ?p ?o } GROUP BY ?p LIMIT 5", False),
    ("SELECT DISTINCT ?o WHERE { qcr:japan ?p ?o }", False),
    ("SELECT ?o WHERE { qcr:japan ?p ?o } ORDER BY ?o LIMIT 1", False),
    ("SELECT ?o WHERE { qcr:japan ?p ?o } LIMIT 5 OFFSET 100000", False),
    ("SELECT ?o WHERE { qcr:japan qc:collaboratesWith+ ?o }", False),
    ("SELECT ?o WHERE { qcr:japan qc:collaboratesWith* ?o } LIMIT 1", False),
    ("SELECT ?o WHERE { qcr:japan ?p ?o FILTER NOT EXISTS { ?o a qc:Country } }", False),
    ("SELECT ?o WHERE { qcr:japan ?p ?o MINUS { ?o a qc:Country } }", False),
    ("SELECT ?o WHERE { SERVICE <http://example.org/sparql> { qcr:japan ?p ?o } }", False),
    ("SELECT ?o WHERE { { SELECT ?o WHERE { ?s ?p ?o } LIMIT 1 } }", False),  # a subquery
    ("CONSTRUCT { qcr:japan ?p ?o } WHERE { qcr:japan ?p ?o }", False),
    ("DESCRIBE qcr:japan", False),
    ("SELECT ?o WHERE { [ ?p ?o ] }", False),  # not understood: heavy
    ("SELECT ?x WHERE { BIND(1 + 2 AS ?x) }", False),
    ("SELECT ?o WHERE { qcr:japan ?p ?o } \\u0047ROUP BY ?o", False),  # an escape can spell a keyword
    ("SELECT ?o WHERE { qcr:japan ?p ?o " + "OPTIONAL { qcr:japan ?p ?o } " * 100 + "}", False),  # too long
    ("SELECT * WHERE { { qcr:japan ?p ?o } UNION { ?s ?p qcr:japan } }", True),
    ("SELECT * WHERE " + "{" * 500 + "}" * 500, False),  # nested too deep
]


@pytest.mark.parametrize(("sparql", "light"), LIGHT_OR_HEAVY)
def test_the_light_lane_takes_only_queries_that_look_cheap(sparql: str, light: bool) -> None:
    assert is_light(sparql) is light


EX = "http://example.org/"
SLOW_LIGHT = (
    f"SELECT ?s ?t WHERE {{ ?s <{EX}p> ?o . ?t <{EX}p> ?u FILTER(?o - ?u = 999) }} LIMIT 2"  # 1 row, 0.5 s
)
NEVER_LIGHT = (
    f"SELECT * WHERE {{ ?a <{EX}p> ?b . ?c <{EX}p> ?d . ?e <{EX}p> ?f FILTER(?b - ?d - ?f = 5000) }} LIMIT 1"
)
SMALL_LIGHT = f"SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }} LIMIT 100"


@pytest.fixture
def sample() -> OxigraphStore:
    store = OxigraphStore(None)
    store.update(
        f"INSERT DATA {{ GRAPH <{EX}g> {{ {' '.join(f'<{EX}s{i}> <{EX}p> {i} .' for i in range(1000))} }} }}"
    )
    return store


def with_engine(
    sample: OxigraphStore, folder: Path, body: Callable[[QueryEngine], Awaitable[None]], **options: Any
) -> None:
    """Run `body` with an engine over one general and one light worker, in uvicorn's loop."""

    async def main() -> None:
        pool = WorkerPool(Snapshots(sample, folder), 1, light=1)
        await pool.start()
        try:
            await body(QueryEngine(pool, **options))
        finally:
            await pool.close()

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(main())


async def answer(engine: QueryEngine, sparql: str) -> bytes:
    running = await engine.start(sparql)
    return b"".join([chunk async for chunk in running.chunks(CSV)])


def in_process(sample: OxigraphStore, sparql: str) -> bytes:
    output = io.BytesIO()
    write_result(execute(sample, sparql), CSV, output)
    return output.getvalue()


def test_a_light_query_over_its_budget_is_run_again_in_the_general_lane(
    sample: OxigraphStore, tmp_path: Path
) -> None:
    assert is_light(SLOW_LIGHT) and is_light(NEVER_LIGHT)
    expected = in_process(sample, SLOW_LIGHT)

    async def body(engine: QueryEngine) -> None:
        before = set(engine.worker_pids())
        started = time.monotonic()
        assert await answer(engine, SLOW_LIGHT) == expected, "the same answer, from the general lane"
        assert time.monotonic() - started < 0.1 + 2.0
        deadline = time.monotonic() + 5
        while set(engine.worker_pids()) == before or len(engine.worker_pids()) < 2:
            assert time.monotonic() < deadline, "the light worker was not killed and replaced"
            await asyncio.sleep(0.02)
        assert len(before & set(engine.worker_pids())) == 1, "the general worker is kept"
        started = time.monotonic()
        with pytest.raises(QueryTimeoutError):
            await answer(engine, NEVER_LIGHT)
        assert time.monotonic() - started < 1.5 + 0.5, "the re-run keeps the query's deadline"
        assert engine.running == 0

    with_engine(sample, tmp_path, body, timeout=1.5, light_budget=0.1)


def test_a_light_answer_too_large_to_hold_is_run_again_in_the_general_lane(
    sample: OxigraphStore, tmp_path: Path
) -> None:
    expected = in_process(sample, SMALL_LIGHT.replace("LIMIT 100", ""))

    async def body(engine: QueryEngine) -> None:
        before = set(engine.worker_pids())
        got = await answer(engine, SMALL_LIGHT)
        assert len(got.splitlines()) == 101 and set(got.splitlines()) <= set(expected.splitlines())
        assert set(engine.worker_pids()) != before, "the light worker was killed"

    with_engine(sample, tmp_path, body, timeout=10, chunk_bytes=256, light_max_bytes=1000)


def test_a_free_worker_goes_to_the_waiting_client_with_fewest_queries_running() -> None:
    async def scenario() -> list[str]:
        slots: Slots[str] = Slots(max_queued=3)
        slots.add("general", light=False)
        served: list[str] = []

        async def query(client: str) -> None:
            worker = await slots.take(client, light=False)
            served.append(client)
            await asyncio.sleep(0.01)
            slots.release(worker)

        tasks = [asyncio.create_task(query("greedy")) for _ in range(4)]
        await asyncio.sleep(0)  # the first runs, three wait: the cap
        with pytest.raises(ClientBusyError, match="already has 3 queries waiting"):
            await slots.take("greedy", light=False)
        tasks.append(asyncio.create_task(query("other")))
        await asyncio.gather(*tasks)
        return served

    assert asyncio.run(scenario()) == ["greedy", "other", "greedy", "greedy", "greedy"]
