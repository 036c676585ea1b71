"""Open the store the settings name: the embedded Oxigraph store, or a remote SPARQL 1.1 server."""

from __future__ import annotations

from kg.errors import StoreOperationUnsupportedError
from kg.settings import Settings
from kg.store.interface import KnowledgeStore
from kg.store.oxigraph import open_store
from kg.store.remote import RemoteStore
from kg.store.remote_bulk import BulkRemoteStore, SentProgress

# The commands that write or serve over a remote store (QCOLLAB_STORE=sparql), and those that need no
# store (the review report of the last build, the extraction's evaluation and judges); the others (stats,
# query, validate, export) stop with one line.
REMOTE_COMMANDS = ("build", "add", "load", "link", "reason", "serve")
STORELESS_COMMANDS = ("review", "evaluate", "train-judges")


def open_configured_store(
    settings: Settings, *, read_only: bool = False, bulk: bool = False, on_sent: SentProgress | None = None
) -> KnowledgeStore:
    """QCOLLAB_STORE=embedded (the default): the store at the store path; sparql: a RemoteStore.

    `read_only` applies to the embedded store; a remote store is as writable as its credentials.
    `bulk`, for the commands: a remote store whose writes are retried, batched and counted
    (kg.store.remote_bulk, `on_sent` told of each batch); the embedded store is the same either way."""
    if settings.store == "sparql":
        if bulk:
            return BulkRemoteStore.from_settings(settings, on_sent=on_sent)
        return RemoteStore.from_settings(settings)
    return open_store(settings.resolved_store_path, read_only=read_only)


def store_location(settings: Settings) -> str:
    """Where the store is, for messages: the store folder, or the remote update endpoint."""
    if settings.store == "sparql":
        return f"the remote store {settings.sparql_update_url}"
    return str(settings.resolved_store_path)


def require_embedded(settings: Settings, command: str | None = None) -> None:
    """Refuse QCOLLAB_STORE=sparql where the code runs on the embedded store only. Never a silent fallback.

    `qcollab build`, `add`, `load`, `link` and `reason` write to a remote store: they open it with
    `open_configured_store(..., bulk=True)`; `serve` opens it with `open_configured_store`
    (docs/scale-out.md). `review`, `evaluate` and `train-judges` read no store. The others (`stats`,
    `query`, `validate`, `export`) open the store folder on this machine and are refused here."""
    if settings.store == "sparql":
        name = f"`qcollab {command}`" if command else "this command"
        raise StoreOperationUnsupportedError(
            f"QCOLLAB_STORE=sparql: {name} reads the embedded store on this machine only; over a remote "
            f"store run {', '.join(REMOTE_COMMANDS)} (docs/scale-out.md), or unset QCOLLAB_STORE"
        )
