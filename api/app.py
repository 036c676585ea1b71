"""The application factory."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from api import (
    documents_page,
    graph_store,
    lookup,
    network,
    openapi,
    reconcile,
    resources,
    sparql,
    validation,
    web,
)
from api.deps import start_views
from api.middleware import install_middleware
from kg import __version__
from kg.quality.loading import finish_interrupted_load
from kg.quality.policy import WritePolicy
from kg.quality.shacl import Validator
from kg.quality.writer import GuardedWriter
from kg.query.engine import QueryEngine
from kg.query.workers import WorkerPool
from kg.settings import Settings, get_settings
from kg.store.factory import require_embedded
from kg.store.oxigraph import open_store
from kg.store.snapshots import Snapshots


def remove_leftovers(data_dir: Path) -> None:
    """Remove the upload files and update checkpoints a killed server left in the data folder."""
    for leftover in [*data_dir.glob(".upload-*"), *data_dir.glob(".update-copy-*")]:
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


def create_app(settings: Settings) -> FastAPI:
    """Build the service for one store; nothing is shared at module level."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        require_embedded(settings)
        store = open_store(settings.resolved_store_path)
        await asyncio.to_thread(finish_interrupted_load, store, settings.data_dir)
        remove_leftovers(settings.data_dir)
        validator = Validator(settings.shapes_path, settings.ontology_path, settings.shacl_engine)
        app.state.store = store
        app.state.validator = validator
        snapshots = await asyncio.to_thread(Snapshots, store, settings.data_dir, settings.store_mode)
        pool = WorkerPool(
            snapshots, settings.query_workers, settings.light_workers, settings.max_queued_per_client
        )
        try:
            await pool.start()
            budget = settings.light_budget_seconds
            engine = QueryEngine(pool, settings.query_timeout_seconds, light_budget=budget)
            app.state.query_engine = engine
            policy = WritePolicy.for_clients(settings.allow_wipe)
            app.state.writer = GuardedWriter(store, validator, policy, scratch_dir=settings.data_dir)
            app.state.writer.observe(engine.refresh)
            names, statistics = start_views(store, settings)
            app.state.names, app.state.statistics = names, statistics
            app.state.writer.observe(names.apply)
            app.state.writer.observe(statistics.apply)
            yield
        finally:
            await pool.close()
            store.close()

    app = FastAPI(
        title="qcollab",
        version=__version__,
        description="SPARQL 1.1, lookup and linked data over a knowledge graph of "
        "international collaboration in quantum computing.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_middleware(app, settings)
    for router in (
        sparql.router,
        graph_store.router,
        lookup.router,
        resources.router,
        validation.router,
        reconcile.router,
        network.router,
        documents_page.router,
        web.router,
    ):
        app.include_router(router)

    @app.get("/healthz", tags=["operations"])
    def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    openapi.install(app)
    return app


def app_factory() -> FastAPI:
    """For `uvicorn --factory api.app:app_factory`: settings from the environment."""
    return create_app(get_settings())
