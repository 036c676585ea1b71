"""Open the store the settings name: the embedded Oxigraph store, or a remote SPARQL 1.1 server."""

from __future__ import annotations

from kg.settings import Settings
from kg.store.interface import KnowledgeStore
from kg.store.oxigraph import open_store
from kg.store.remote import RemoteStore
from kg.store.remote_bulk import BulkRemoteStore, SentProgress


def open_configured_store(
    settings: Settings, *, read_only: bool = False, bulk: bool = False, on_sent: SentProgress | None = None
) -> KnowledgeStore:
    """QCOLLAB_STORE=embedded (the default): the store at the store path; sparql: a RemoteStore.

    `read_only` applies to the embedded store; a remote store is as writable as its credentials.
    `bulk`, for the commands that write: a remote store whose writes are retried, batched and counted
    (kg.store.remote_bulk, `on_sent` told of each batch), under the store's write lease from its first
    write (StoreLockedError while another command holds it); the embedded store is the same either way."""
    if settings.store == "sparql":
        if bulk:
            store = BulkRemoteStore.from_settings(settings, on_sent=on_sent)
            store.lease_from_first_write(settings.sparql_lease_seconds)
            return store
        return RemoteStore.from_settings(settings)
    return open_store(settings.resolved_store_path, read_only=read_only)


def store_location(settings: Settings) -> str:
    """Where the store is, for messages: the store folder, or the remote update endpoint."""
    if settings.store == "sparql":
        return f"the remote store {settings.sparql_update_url}"
    return str(settings.resolved_store_path)
