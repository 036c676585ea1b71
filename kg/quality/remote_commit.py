"""How the SHACL-gated writer (kg.quality.writer) works over a remote SPARQL store (QCOLLAB_STORE=sparql).

The checks are those of the embedded store, reading the remote store through a RemoteSlice
(kg.store.remote_slice): what a change's checks read is read ahead in a few batched requests. The change
and its inferences are then sent in one update request when they fit in a batch (`sparql_batch_quads`),
which Oxigraph and Fuseki apply as one transaction: all of it or nothing. There is no journal: a crash
of this service cannot leave half a change, since the remote store has it whole or not at all.

What a failure of that request means for what the remote store holds decides what the derived views
(the name index, the statistics) are told: an HTTP error (the update refused, 502) or a connection that
could not be made (503) wrote nothing, so they are told nothing; no answer in time (504), a connection
broken after sending, or a change sent in several batches may have been applied in whole or in part, so
they are told None and read the remote store again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

import pyoxigraph as ox

from kg.errors import (
    RemoteStoreAuthError,
    RemoteStoreError,
    RemoteStoreRefusedError,
    RemoteStoreTimeoutError,
    RemoteStoreUnreachableError,
    StoreLockedError,
)
from kg.quality.inference import Axioms
from kg.store.interface import StoreChanges
from kg.store.remote import RemoteStore
from kg.store.remote_ahead import Prefetching, ViewReads, ends, view_probes
from kg.store.remote_lease import held_by
from kg.store.remote_slice import RemoteSlice
from kg.store.sparql_http import NOT_SENT

log = logging.getLogger(__name__)
Observer = Callable[[StoreChanges | None], None]
_ERRORS = (RemoteStoreAuthError, RemoteStoreUnreachableError, RemoteStoreRefusedError, RemoteStoreError)
BULK_LOAD = (
    "a bulk load (a Graph Store body over 1 MB, gzip-compressed or of unknown length) is not supported over "
    "a remote SPARQL store (QCOLLAB_STORE=sparql) yet: send smaller bodies, or load the file with the "
    "remote server's own tools"
)


def needs_copy(why: str) -> str:
    """The 501 of an update the writer would try on a copy of the store (kg.quality.effects says why)."""
    return (
        "this update cannot be checked against the SHACL shapes over a remote SPARQL store "
        f"(QCOLLAB_STORE=sparql): {why}, which needs a copy of the whole store; send its operations as "
        "separate requests"
    )


def read_ahead(
    reads: Prefetching,
    axioms: Axioms,
    changes: StoreChanges,
    graphs: Iterable[ox.NamedNode | ox.DefaultGraph] = (),
) -> None:
    """Read ahead, in one request, the descriptions of the nodes the change and its candidate inferences
    (kg.quality.inference: the closure of the changed triples) end at, which the checks read pattern by
    pattern, and whether the `graphs` exist."""
    quads = changes.removed | changes.added
    derived = axioms.closure({(q.subject, q.predicate, q.object) for q in quads})  # type: ignore[misc]
    nodes = ends(quads) | {term for s, _, o in derived for term in (s, o)}
    reads.prefetch(subjects=nodes, graphs=graphs)


def send(store: RemoteStore, full: StoreChanges, rebuild: Callable[[], None]) -> None:
    """Apply a change on the remote store; a failure names what it means for what the store holds, and
    `rebuild` (the views read again) runs when some of it may have been applied. Refused (503, nothing
    sent) while a command holds the store's write lease (kg.store.remote_lease)."""
    if (lease := held_by(store)) is not None:
        raise StoreLockedError(lease.describe())
    several = len(full.removed) + len(full.added) > store.batch_quads
    try:
        store.apply(full)
    except RemoteStoreTimeoutError as error:
        rebuild()
        timeout = RemoteStoreTimeoutError(error.seconds, "the write's update request")
        timeout.args = (
            f"{timeout}: whether the write was applied is not known (the service reads its lookup index "
            "and statistics again from the remote store)",
        )
        raise timeout from error
    except RemoteStoreError as error:
        broken = isinstance(error, RemoteStoreUnreachableError) and not isinstance(error.__cause__, NOT_SENT)
        if several or broken:
            rebuild()
            outcome = "some or all of it may have been applied"
        else:
            outcome = "nothing was written"
        kind = next(k for k in _ERRORS if isinstance(error, k))
        raise kind(f"the write was not committed ({outcome}): {error}") from error


def tell_through(views: ViewReads, changes: StoreChanges | None, observers: Iterable[Observer]) -> bool:
    """Tell the observers of a committed change (None: to read the store again), their reads of it read
    ahead in one request: the touched subjects' descriptions and the first quads of the patterns the
    statistics check. False when the remote store could not be read for it: the write is committed all
    the same, and the views are read again at the next write (the writer tells them None)."""
    try:
        if changes is None:
            for observer in observers:
                observer(None)
            return True
        after = RemoteSlice(views.store)
        touched = changes.removed | changes.added
        after.prefetch(subjects={q.subject for q in touched}, probes=view_probes(touched))
        with views.reading(after):
            for observer in observers:
                observer(changes)
    except RemoteStoreError as error:
        log.warning(
            "the derived views could not read the remote store after a write (%s): read again "
            "at the next write",
            error,
        )
        return False
    return True
