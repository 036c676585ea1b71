"""The one place the query path is chosen: worker processes over snapshots of the embedded store, or
(QCOLLAB_STORE=sparql) RemoteQueryEngine, whose workers hold an empty store and check queries the remote
store then evaluates."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from kg.query.engine import QueryEngine
from kg.query.remote_engine import RemoteQueryEngine
from kg.query.workers import WorkerPool
from kg.settings import Settings
from kg.store.interface import KnowledgeStore
from kg.store.oxigraph import OxigraphStore
from kg.store.remote import RemoteStore
from kg.store.remote_stream import StreamingQueries
from kg.store.snapshots import Snapshots


@asynccontextmanager
async def running_engine(settings: Settings, store: KnowledgeStore) -> AsyncIterator[QueryEngine]:
    """The query engine for `store`, its workers started; stopped (and its snapshots removed) on exit."""
    remote = store if isinstance(store, RemoteStore) else None
    checked: KnowledgeStore = OxigraphStore(None) if remote is not None else store
    mode = "memory" if remote is not None else settings.store_mode
    snapshots = await asyncio.to_thread(Snapshots, checked, settings.data_dir, mode)
    lanes = settings.query_workers, settings.light_workers
    pool = WorkerPool(snapshots, *lanes, settings.max_queued_per_client)
    queries = StreamingQueries.from_settings(settings) if remote is not None else None
    try:
        await pool.start()
        timeout, budget = settings.query_timeout_seconds, settings.light_budget_seconds
        if remote is not None and queries is not None:
            yield RemoteQueryEngine(pool, timeout, remote, queries, light_budget=budget)
        else:
            yield QueryEngine(pool, timeout, light_budget=budget)
    finally:
        await pool.close()
        if queries is not None:
            await queries.aclose()
        if remote is not None:
            checked.close()
