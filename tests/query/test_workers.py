"""Query worker processes: the same answers as in-process evaluation, and runaway queries really stopped."""

from __future__ import annotations

import asyncio
import io
import shutil
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
import uvloop

from kg.errors import EngineBusyError, QueryTimeoutError, RdfSyntaxError, RejectedWriteError
from kg.quality.shacl import Validator
from kg.quality.writer import GuardedWriter
from kg.query.dataset import QueryDataset, execute
from kg.query.engine import QueryEngine
from kg.query.results import ResultFormat, write_result
from kg.query.workers import WorkerPool, WorkerTraceback
from kg.settings import Settings
from kg.store.interface import StoreChanges
from kg.store.oxigraph import OxigraphStore, open_store
from kg.store.snapshots import SNAPSHOT_PREFIX, Snapshots

EX = "http://example.org/"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MANY = f"SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?s ?o"
BIG = f"SELECT ?s ?t WHERE {{ ?s <{EX}p> ?o . ?t <{EX}p> ?u FILTER(?u < 50) }} ORDER BY ?s ?t"  # 3 MB in CSV
RECORD = "https://w3id.org/qcollab/graph/record/"
JSON, CSV, NT = ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.CSV, ox.RdfFormat.N_TRIPLES


@pytest.fixture
def sample() -> OxigraphStore:
    """A default graph, two named graphs (one of 1,000 triples), and an empty named graph."""
    sample = OxigraphStore(None)
    sample.update(f"""INSERT DATA {{ <{EX}d> <{EX}p> "in the default graph" }} ;
        INSERT DATA {{ GRAPH <{EX}g1> {{ <{EX}japan> rdfs:label "Japan"@en }}
        GRAPH <{EX}g2> {{ {" ".join(f"<{EX}s{i}> <{EX}p> {i} ." for i in range(1000))} }} }} ;
        CREATE GRAPH <{EX}empty>""")
    return sample


def run(
    body: Callable[[QueryEngine], Awaitable[None]],
    sample: OxigraphStore,
    folder: Path,
    timeout: float = 10,
    workers: int = 1,
    loop: str = "uvloop",
) -> None:
    """Run `body` with an engine over a fresh pool, closed afterwards, in uvicorn's loop by default."""

    async def main() -> None:
        async with engine_over(sample, folder, timeout, workers) as engine:
            await body(engine)

    with asyncio.Runner(loop_factory=uvloop.new_event_loop if loop == "uvloop" else None) as runner:
        runner.run(main())


@asynccontextmanager
async def engine_over(
    sample: OxigraphStore, folder: Path, timeout: float, workers: int
) -> AsyncIterator[QueryEngine]:
    pool = WorkerPool(Snapshots(sample, folder), workers)
    await pool.start()
    try:
        yield QueryEngine(pool, timeout)
    finally:
        await pool.close()


async def answer(
    engine: QueryEngine, sparql: str, fmt: ResultFormat, dataset: QueryDataset | None = None
) -> bytes:
    running = await engine.start(sparql, dataset or QueryDataset())
    return b"".join([chunk async for chunk in running.chunks(fmt)])


def in_process(sample: OxigraphStore, sparql: str, fmt: ResultFormat, dataset: QueryDataset) -> bytes:
    output = io.BytesIO()
    write_result(execute(sample, sparql, dataset), fmt, output)
    return output.getvalue()


async def replaced(engine: QueryEngine, pid: int) -> list[int]:
    """The worker pids once `pid` is gone from the system and a replacement is up."""
    deadline = time.monotonic() + 5
    while Path(f"/proc/{pid}").exists() or len(engine.worker_pids()) < engine.max_concurrent:
        assert time.monotonic() < deadline, f"worker {pid} still exists, or was not replaced"
        await asyncio.sleep(0.02)
    return engine.worker_pids()


CASES = [
    (BIG, QueryDataset(), CSV),  # many chunks of 64 KiB
    (MANY, QueryDataset(), CSV),  # the union default graph
    (MANY, QueryDataset(union=False), CSV),  # the sample's own default graph
    (MANY, QueryDataset(default_graphs=(f"{EX}g1",)), CSV),
    (
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
        QueryDataset(named_graphs=(f"{EX}g1",)),
        JSON,
    ),
    ("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s", QueryDataset(), JSON),
    (f"SELECT ?s FROM <{EX}g1> WHERE {{ ?s ?p ?o }}", QueryDataset(), JSON),
    ("SELECT ?g WHERE { GRAPH ?g { } } ORDER BY ?g", QueryDataset(), JSON),  # the empty graph too
    ("SELECT ?label WHERE { ?s rdfs:label ?label }", QueryDataset(), JSON),  # the service's prefixes
    ("ASK { ?s ?p 999 }", QueryDataset(), ox.QueryResultsFormat.XML),
    (f"CONSTRUCT {{ ?s <{EX}q> ?o }} WHERE {{ ?s <{EX}p> ?o FILTER(?o < 5) }}", QueryDataset(), NT),
]


@pytest.mark.parametrize("loop", ["uvloop", "asyncio"])
@pytest.mark.parametrize(("sparql", "dataset", "fmt"), CASES)
def test_answers_are_those_of_in_process_evaluation(
    sample: OxigraphStore, tmp_path: Path, sparql: str, dataset: QueryDataset, fmt: ResultFormat, loop: str
) -> None:
    expected = in_process(sample, sparql, fmt, dataset)

    async def body(engine: QueryEngine) -> None:
        got = await answer(engine, sparql, fmt, dataset)
        if isinstance(fmt, ox.RdfFormat):
            assert sorted(got.splitlines()) == sorted(expected.splitlines())
        else:
            assert got == expected

    run(body, sample, tmp_path, loop=loop)


def test_errors_come_back_with_their_type_message_and_position(sample: OxigraphStore, tmp_path: Path) -> None:
    with pytest.raises(RdfSyntaxError) as local_syntax:
        execute(sample, "SELECT ?s WHERE {\n  ?s ?p \n}")
    with pytest.raises(OSError) as local_fault:
        list(execute(sample, "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"))  # type: ignore[arg-type]

    async def body(engine: QueryEngine) -> None:
        pid = engine.worker_pids()
        with pytest.raises(RdfSyntaxError) as syntax:
            await answer(engine, "SELECT ?s WHERE {\n  ?s ?p \n}", JSON)
        assert (syntax.value.message, syntax.value.line, syntax.value.column) == (
            local_syntax.value.message,
            local_syntax.value.line,
            local_syntax.value.column,
        )
        with pytest.raises(OSError) as fault:
            await answer(engine, "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }", JSON)
        assert type(fault.value) is type(local_fault.value) and str(fault.value) == str(local_fault.value)
        assert isinstance(fault.value.__cause__, WorkerTraceback)
        assert "Traceback" in str(fault.value.__cause__)
        assert engine.worker_pids() == pid, "an error is an answer: the worker is kept"
        assert await answer(engine, "ASK { ?s ?p ?o }", JSON) == b'{"head":{},"boolean":true}'

    run(body, sample, tmp_path)


def test_a_runaway_query_is_killed_at_its_deadline(sample: OxigraphStore, tmp_path: Path) -> None:
    async def body(engine: QueryEngine) -> None:
        [pid] = engine.worker_pids()
        started = time.monotonic()
        with pytest.raises(QueryTimeoutError, match=r"^query exceeded the 0.5 s time limit$"):
            await answer(engine, HEAVY, JSON)
        assert time.monotonic() - started < 1.5
        assert engine.running == 0
        [new_pid] = await replaced(engine, pid)
        assert new_pid != pid
        assert await answer(engine, "ASK { ?s ?p ?o }", JSON) == b'{"head":{},"boolean":true}'

    run(body, sample, tmp_path, timeout=0.5)


def test_a_stream_abandoned_midway_kills_its_worker(sample: OxigraphStore, tmp_path: Path) -> None:
    async def body(engine: QueryEngine) -> None:
        [pid] = engine.worker_pids()
        running = await engine.start(BIG)
        chunks = running.chunks(CSV)
        assert await anext(chunks)
        await chunks.aclose()
        assert engine.running == 0
        await replaced(engine, pid)

    run(body, sample, tmp_path)


def test_no_free_worker_is_engine_busy_and_a_query_cancelled_before_its_format_keeps_its_worker(
    sample: OxigraphStore, tmp_path: Path
) -> None:
    async def body(engine: QueryEngine) -> None:
        pid = engine.worker_pids()
        holding = await engine.start(MANY)  # the form is known; the worker waits for the format
        with pytest.raises(EngineBusyError, match="the server is busy: all 1 query slots"):
            await engine.start("ASK {}")
        holding.cancel()
        assert await answer(engine, "ASK {}", JSON) == b'{"head":{},"boolean":true}'
        assert engine.worker_pids() == pid

    run(body, sample, tmp_path, timeout=0.5)


def test_refresh_makes_a_new_snapshot_and_drops_the_old_one(sample: OxigraphStore, tmp_path: Path) -> None:
    async def body(engine: QueryEngine) -> None:
        ask = f"ASK {{ <{EX}new> ?p ?o }}"
        assert b"false" in await answer(engine, ask, JSON)
        sample.update(f"INSERT DATA {{ GRAPH <{EX}g3> {{ <{EX}new> <{EX}p> 1 }} }}")
        engine.refresh()
        assert b"true" in await answer(engine, ask, JSON)
        assert [path.name for path in tmp_path.iterdir()] == [f"{SNAPSHOT_PREFIX}2.nq"]

    run(body, sample, tmp_path, workers=2)


def test_closing_the_pool_ends_its_workers_and_removes_the_snapshots(
    sample: OxigraphStore, tmp_path: Path
) -> None:
    async def main() -> list[int]:
        async with engine_over(sample, tmp_path, 10, 2) as engine:
            pids = engine.worker_pids()
            assert len(pids) == 2 and all(Path(f"/proc/{pid}").exists() for pid in pids)
            return pids

    pids = asyncio.run(main())
    assert not [pid for pid in pids if Path(f"/proc/{pid}").exists()]
    assert not list(tmp_path.iterdir())


def test_the_writer_tells_its_observers_of_committed_writes_only(built_data: Path, tmp_path: Path) -> None:
    shutil.copytree(built_data, tmp_path / "data", symlinks=True)
    settings = Settings(data_dir=tmp_path / "data")
    writer = GuardedWriter(
        open_store(settings.resolved_store_path), Validator(settings.shapes_path, settings.ontology_path)
    )
    calls: list[int] = []
    writer.observe(lambda changes: calls.append(len(writer.store.named_graphs())))
    with pytest.raises(RejectedWriteError):
        writer.update(f"INSERT DATA {{ GRAPH <{RECORD}x> {{ qcr:atlantis a qc:Country }} }}")
    assert calls == []
    before = len(writer.store.named_graphs())
    writer.update(f"CREATE GRAPH <{RECORD}empty>")
    assert calls == [before + 1]


def test_a_committed_change_reaches_the_workers_as_a_delta_without_a_new_dump(
    sample: OxigraphStore, tmp_path: Path
) -> None:
    async def body(engine: QueryEngine) -> None:
        count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{EX}g3> {{ ?s ?p ?o }} }}"
        for i in range(3):
            quad = ox.Quad(
                ox.NamedNode(f"{EX}new{i}"),
                ox.NamedNode(f"{EX}p"),
                ox.Literal(str(i)),
                ox.NamedNode(f"{EX}g3"),
            )
            change = StoreChanges(added={quad}, created={ox.NamedNode(f"{EX}g3")} if i == 0 else set())
            sample.apply(change)
            engine.refresh(change)
            assert f'"{i + 1}"'.encode() in await answer(engine, count, JSON), "a client reads its own writes"
        assert [path.name for path in tmp_path.iterdir()] == [f"{SNAPSHOT_PREFIX}1.nq"], "no new dump"
        [pid] = engine.worker_pids()
        with pytest.raises(QueryTimeoutError):
            await answer(engine, HEAVY, JSON)
        await replaced(engine, pid)
        assert b'"3"' in await answer(engine, count, JSON), "a new worker loads the dump and every delta"
        engine.refresh(None)  # a change that is not itemized: a new dump
        assert [path.name for path in tmp_path.iterdir()] == [f"{SNAPSHOT_PREFIX}5.nq"]
        assert b'"3"' in await answer(engine, count, JSON)

    run(body, sample, tmp_path, timeout=2)
