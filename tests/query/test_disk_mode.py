"""Disk mode: query workers open read-only checkpoints of the on-disk store, not copies in memory."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
import uvloop

from kg.errors import QueryTimeoutError
from kg.query.engine import QueryEngine
from kg.query.workers import WorkerPool
from kg.store.oxigraph import OxigraphStore
from kg.store.snapshots import SNAPSHOT_PREFIX, Snapshots
from tests.live_server import running_server  # noqa: I001

EX = "http://example.org/"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
JSON = ox.QueryResultsFormat.JSON


@pytest.fixture
def on_disk(tmp_path: Path) -> OxigraphStore:
    store = OxigraphStore(tmp_path / "store")
    store.update(
        f"INSERT DATA {{ GRAPH <{EX}g> {{ {' '.join(f'<{EX}s{i}> <{EX}p> {i} .' for i in range(500))} }} }}"
    )
    return store


@asynccontextmanager
async def disk_engine(
    store: OxigraphStore, folder: Path, timeout: float, workers: int
) -> AsyncIterator[QueryEngine]:
    pool = WorkerPool(Snapshots(store, folder, "disk"), workers)
    await pool.start()
    try:
        yield QueryEngine(pool, timeout)
    finally:
        await pool.close()


async def answer(engine: QueryEngine, sparql: str) -> bytes:
    running = await engine.start(sparql)
    return b"".join([chunk async for chunk in running.chunks(JSON)])


def run(body, store: OxigraphStore, folder: Path, timeout: float = 10, workers: int = 1) -> None:  # type: ignore[no-untyped-def]
    async def main() -> None:
        async with disk_engine(store, folder, timeout, workers) as engine:
            await body(engine)

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(main())


def test_workers_read_a_checkpoint_and_see_each_new_one(on_disk: OxigraphStore, tmp_path: Path) -> None:
    folder = tmp_path / "snapshots"

    async def body(engine: QueryEngine) -> None:
        assert [p.name for p in folder.iterdir()] == [f"{SNAPSHOT_PREFIX}1"]
        assert (folder / f"{SNAPSHOT_PREFIX}1").is_dir(), (
            "a checkpoint is a RocksDB folder, not an N-Quads dump"
        )
        count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{EX}g> {{ ?s ?p ?o }} }}"
        assert b'"500"' in await answer(engine, count)
        on_disk.update(f"INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}new> <{EX}p> 1 }} }}")
        engine.refresh()
        assert b'"501"' in await answer(engine, count), "a client reads its own writes"
        assert [p.name for p in folder.iterdir()] == [f"{SNAPSHOT_PREFIX}2"], "the old checkpoint goes"

    run(body, on_disk, folder)
    assert not list(folder.iterdir())


def test_a_checkpoint_a_worker_has_open_stays_until_it_moves_on(
    on_disk: OxigraphStore, tmp_path: Path
) -> None:
    folder = tmp_path / "snapshots"

    async def body(engine: QueryEngine) -> None:
        await answer(engine, "ASK { ?s ?p ?o }")
        await answer(engine, "ASK { ?s ?p ?o }")  # both workers have generation 1 open
        engine.refresh()
        assert {p.name for p in folder.iterdir()} == {f"{SNAPSHOT_PREFIX}1", f"{SNAPSHOT_PREFIX}2"}

    run(body, on_disk, folder, workers=2)


def test_a_runaway_query_on_a_checkpoint_is_killed_at_its_deadline(
    on_disk: OxigraphStore, tmp_path: Path
) -> None:
    async def body(engine: QueryEngine) -> None:
        started = time.monotonic()
        with pytest.raises(QueryTimeoutError):
            await answer(engine, HEAVY)
        assert time.monotonic() - started < 1.5
        assert engine.running == 0

    run(body, on_disk, tmp_path / "snapshots", timeout=0.5)


def test_the_service_in_disk_mode_answers_and_reads_its_own_writes(built_data: Path, tmp_path: Path) -> None:
    with (
        running_server(built_data, tmp_path, QCOLLAB_STORE_MODE="disk") as live,
        httpx.Client(base_url=live.base_url, timeout=30) as client,
    ):
        def ask(query: str) -> bool:
            headers = {"Accept": "application/sparql-results+json"}
            return client.get("/sparql", params={"query": query}, headers=headers).json()["boolean"]

        assert ask("ASK { <https://w3id.org/qcollab/resource/japan> ?p ?o }") is True
        rename = (
            "DELETE { GRAPH ?g { qcr:japan rdfs:label ?old } } INSERT { GRAPH ?g { qcr:japan rdfs:label "
            '"Nippon"@en } } WHERE { GRAPH ?g { qcr:japan rdfs:label ?old } }'
        )
        headers = {**live.admin_headers, "Content-Type": "application/sparql-update"}
        assert client.post("/sparql", content=rename, headers=headers).status_code == 204
        assert ask('ASK { qcr:japan rdfs:label "Nippon"@en }') is True
        snapshots = list(live.data_dir.glob(f"{SNAPSHOT_PREFIX}*"))
        assert snapshots and all(p.is_dir() for p in snapshots)
