"""A write-ahead journal that makes a change to an on-disk store all or nothing across a crash.

Before a change is applied, its quads (removed, added) and the named graphs it creates and drops are
written to one file beside the store and renamed into place; once the change is applied the
file goes. A store opened with a journal in place applies it first: applying a change twice leaves the
store as applying it once, so a crash at any moment leaves either the state before the change (no
journal yet) or, after the replay, the state after it. (RocksDB's write-ahead log keeps what was
applied through a crash of the process.)
"""

from __future__ import annotations

import io
from pathlib import Path

import pyoxigraph as ox

from kg.store.interface import StoreChanges

REMOVED = ox.NamedNode("urn:qcollab:journal:removed")  # the graph names of the journal's quads
ADDED = ox.NamedNode("urn:qcollab:journal:added")
DEFAULT = ox.NamedNode("urn:qcollab:journal:default-graph")
GRAPH_LINE = b"#graph "


def _encode(quad: ox.Quad, part: ox.NamedNode) -> ox.Quad:
    """A quad of the change as a journal line: <graph> <part> <<( s p o )>> (an RDF 1.2 triple term)."""
    graph = quad.graph_name if isinstance(quad.graph_name, ox.NamedNode) else DEFAULT
    return ox.Quad(graph, part, ox.Triple(quad.subject, quad.predicate, quad.object))  # type: ignore[arg-type]


class Journal:
    """The journal file of one store: `<store>.journal` beside it."""

    def __init__(self, store_path: Path) -> None:
        self.path = store_path.with_name(store_path.name + ".journal")
        self.partial = store_path.with_name(store_path.name + ".journal.partial")

    def write(self, changes: StoreChanges) -> None:
        """Record a change: one file, renamed into place (no fsync: like the store's own log, it is meant
        to survive a crash of the process, not of the machine)."""
        self.partial.write_bytes(encode_changes(changes))
        self.partial.replace(self.path)

    def clear(self) -> None:
        """The change is applied: forget it."""
        self.path.unlink(missing_ok=True)

    def pending(self) -> StoreChanges | None:
        """The change a crash interrupted, if any (a half-written journal is dropped: nothing was applied)."""
        self.partial.unlink(missing_ok=True)
        if not self.path.is_file():
            return None
        return decode_changes(self.path.read_bytes())


def encode_changes(changes: StoreChanges) -> bytes:
    """A change as bytes: comment lines for the graphs created and dropped, then N-Quads."""
    body = io.BytesIO()
    for kind, graphs in ((b"created", changes.created), (b"dropped", changes.dropped)):
        body.writelines(GRAPH_LINE + kind + b" " + str(g).encode() + b"\n" for g in graphs)
    quads = [_encode(q, REMOVED) for q in changes.removed] + [_encode(q, ADDED) for q in changes.added]
    ox.serialize(quads, body, ox.RdfFormat.N_QUADS)
    return body.getvalue()


def decode_changes(data: bytes) -> StoreChanges:
    """The change `encode_changes` wrote."""
    changes = StoreChanges()
    for line in data.splitlines():
        if line.startswith(GRAPH_LINE):
            kind, _, iri = line[len(GRAPH_LINE) :].decode().partition(" ")
            graphs = changes.created if kind == "created" else changes.dropped
            graphs.add(ox.NamedNode(iri.strip()[1:-1]))
    for quad in ox.parse(data, ox.RdfFormat.N_QUADS):
        graph, triple = quad.subject, quad.object
        target = ox.DefaultGraph() if graph == DEFAULT else graph
        decoded = ox.Quad(triple.subject, triple.predicate, triple.object, target)  # type: ignore[union-attr]
        (changes.removed if quad.predicate == REMOVED else changes.added).add(decoded)
    return changes
