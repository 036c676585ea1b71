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
from kg.query.backends import running_engine
from kg.query.engine import QueryEngine
from kg.settings import Settings, get_settings
from kg.store.factory import open_configured_store
from kg.store.interface import KnowledgeStore


def remove_leftovers(data_dir: Path) -> None:
    """Remove the upload files and update checkpoints a killed server left in the data folder."""
    for leftover in [*data_dir.glob(".upload-*"), *data_dir.glob(".update-copy-*")]:
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


def writer_for(
    store: KnowledgeStore, validator: Validator, settings: Settings, engine: QueryEngine
) -> GuardedWriter:
    """The SHACL-gated writer; over the embedded store the query workers' snapshots follow each committed
    change. Over a remote store (QCOLLAB_STORE=sparql) the workers hold no data (the remote engine
    answers the queries), and no update is tried on a copy (the writer answers those forms 501)."""
    policy = WritePolicy.for_clients(settings.allow_wipe)
    remote = settings.store == "sparql"
    writer = GuardedWriter(store, validator, policy, scratch_dir=None if remote else settings.data_dir)
    if not remote:
        writer.observe(engine.refresh)
    return writer


def create_app(settings: Settings) -> FastAPI:
    """Build the service for one store; nothing is shared at module level."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = open_configured_store(settings)
        remote = settings.store == "sparql"  # no interrupted load to finish there (kg.store.remote)
        try:
            if not remote:
                await asyncio.to_thread(finish_interrupted_load, store, settings.data_dir)
            remove_leftovers(settings.data_dir)
            validator = Validator(settings.shapes_path, settings.ontology_path, settings.shacl_engine)
            app.state.store = store
            app.state.validator = validator
            async with running_engine(settings, store) as engine:
                app.state.query_engine = engine
                # One SHACL-gated writer, over either store. Its observers, the name index and the
                # statistics, are told only of committed changes (over a remote store: of each update the
                # remote accepted; a write whose outcome is unknown has them read again from the remote).
                app.state.writer = writer_for(store, validator, settings, engine)
                names, statistics = start_views(app.state.writer.views_store(), settings)
                app.state.names, app.state.statistics = names, statistics
                app.state.writer.observe(names.apply)
                app.state.writer.observe(statistics.apply)
                yield
        finally:
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
