"""Open the store the settings name: the embedded Oxigraph store, or a remote SPARQL 1.1 server."""

from __future__ import annotations

from kg.errors import StoreOperationUnsupportedError
from kg.settings import Settings
from kg.store.interface import KnowledgeStore
from kg.store.oxigraph import open_store
from kg.store.remote import RemoteStore


def open_configured_store(settings: Settings, *, read_only: bool = False) -> KnowledgeStore:
    """QCOLLAB_STORE=embedded (the default): the store at the store path; sparql: a RemoteStore.

    `read_only` applies to the embedded store; a remote store is as writable as its credentials."""
    if settings.store == "sparql":
        return RemoteStore.from_settings(settings)
    return open_store(settings.resolved_store_path, read_only=read_only)


def require_embedded(settings: Settings) -> None:
    """Refuse QCOLLAB_STORE=sparql where the code runs on the embedded store only: the commands, until
    they are moved onto `open_configured_store` (issue 12). Never a silent fallback. (The service reads
    over a remote store: api.app opens it with `open_configured_store`.)"""
    if settings.store == "sparql":
        raise StoreOperationUnsupportedError(
            "QCOLLAB_STORE=sparql: the commands run on the embedded store only (the service runs over the "
            "remote store: uvicorn --factory api.app:app_factory, docs/scale-out.md); unset QCOLLAB_STORE"
        )
