"""An update tried on a copy of the store in a child process, killed at a deadline.

The writer works out most updates without a copy (kg.quality.effects). What it cannot (an operation
that reads what an earlier one of the same request changed, e.g. `INSERT DATA {…} ; DELETE WHERE
{…}`) is run on an in-memory copy of the store, at a cost that grows with the store. For a client's
request that copy is made in a child process, from a checkpoint of the store taken under the write
lock (hard links: milliseconds), so it can be killed at the query deadline like a query: it never
holds the write lock or the server's CPU for longer than a query may.
"""

from __future__ import annotations

import multiprocessing
import shutil
import tempfile
from multiprocessing.connection import Connection
from pathlib import Path

from kg.errors import QueryTimeoutError, RdfSyntaxError, UpdateFailedError
from kg.store.interface import KnowledgeStore, StoreChanges
from kg.store.journal import decode_changes, encode_changes
from kg.store.oxigraph import open_store

_ERRORS: dict[str, type[Exception]] = {"syntax": RdfSyntaxError, "failed": UpdateFailedError}


def _context() -> multiprocessing.context.BaseContext:
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


def _run(conn: Connection, checkpoint: str, sparql: str, base_iri: str | None) -> None:
    """In the child: copy the checkpoint into memory, run the update there, send back the difference."""
    try:
        with open_store(Path(checkpoint), read_only=True) as source:
            candidate = source.copy()
            try:
                candidate.update(sparql, base_iri)
            except RdfSyntaxError as error:
                conn.send(("syntax", error.message))
                return
            except UpdateFailedError as error:
                conn.send(("failed", str(error)))
                return
            conn.send(("ok", None))
            conn.send_bytes(encode_changes(source.changes_to(candidate)))
    finally:
        conn.close()


def changes_on_copy(
    store: KnowledgeStore, scratch_dir: Path, sparql: str, seconds: float, base_iri: str | None = None
) -> StoreChanges:
    """What `sparql` changes in the on-disk `store`, worked out in a child process (its checkpoint in
    a temporary folder of `scratch_dir`).

    QueryTimeoutError when it takes longer than `seconds` (the child is killed, nothing changes);
    the engine's RdfSyntaxError or UpdateFailedError as running the update would raise them.
    """
    folder = Path(tempfile.mkdtemp(prefix=".update-copy-", dir=scratch_dir))
    receiver, sender = _context().Pipe(duplex=False)
    child = None
    try:
        store.backup(folder / "checkpoint")
        arguments = (sender, str(folder / "checkpoint"), sparql, base_iri)
        child = _context().Process(target=_run, args=arguments, daemon=True)
        child.start()
        sender.close()
        if not receiver.poll(seconds):
            raise QueryTimeoutError(seconds)
        kind, detail = receiver.recv()
        if kind != "ok":
            raise _ERRORS[kind](detail)
        return decode_changes(receiver.recv_bytes())
    except EOFError:
        raise UpdateFailedError(
            "the update could not be tried on a copy of the store: its process stopped"
        ) from None
    finally:
        receiver.close()
        if child is not None and child.is_alive():
            child.kill()
        if child is not None:
            child.join(5)
        shutil.rmtree(folder, ignore_errors=True)
