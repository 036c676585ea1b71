"""What a client's write may touch: graphs the service keeps itself, and wiping the store."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.errors import PolicyRefusedError
from kg.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH
from kg.store.interface import KnowledgeStore, StoreChanges

SCHEMA_GRAPHS = frozenset({ox.NamedNode(str(ONTOLOGY_GRAPH)), ox.NamedNode(str(INFERRED_GRAPH))})


@dataclass(frozen=True)
class WritePolicy:
    """The limits of a writer: none for the pipeline and the CLI; for the API, `for_clients`.

    `protected` graphs (the ontology and the materialized inferences, which the service derives)
    cannot be changed, created or dropped. Without `allow_wipe`, a change that would leave no data
    quad (outside the protected graphs) in a store that had some is refused.
    """

    protected: frozenset[ox.NamedNode] = frozenset()
    allow_wipe: bool = True

    @classmethod
    def for_clients(cls, allow_wipe: bool) -> WritePolicy:
        """The policy of writes that come through the API."""
        return cls(SCHEMA_GRAPHS, allow_wipe)

    def check(self, store: KnowledgeStore, changes: StoreChanges) -> None:
        """Raise PolicyRefusedError when the change is not allowed (cost: the change and the graph list)."""
        if not self.allow_wipe and _wipes(store, changes):
            raise PolicyRefusedError(
                "the change would remove every data triple of the store: wiping the store is refused "
                "(an operator can allow it with QCOLLAB_ALLOW_WIPE=true)"
            )
        self.check_graph_names(
            {q.graph_name for q in changes.removed | changes.added} | changes.created | changes.dropped
        )

    def check_graph_names(self, graphs: set[ox.NamedNode | ox.DefaultGraph] | set[ox.NamedNode]) -> None:
        """Refuse a write to a protected graph."""
        hit = sorted(graph.value for graph in graphs if graph in self.protected)  # type: ignore[union-attr]
        if hit:
            names = ", ".join(f"<{name}>" for name in hit)
            raise PolicyRefusedError(
                f"{names}: kept by the service itself (the ontology and the inferences drawn from it), "
                "so not writable through the API (an update over GRAPH ?g can leave them out with "
                "FILTER (?g NOT IN (...)))"
            )


def _wipes(store: KnowledgeStore, changes: StoreChanges) -> bool:
    """Whether the change removes the last data quad; looks no further than the quads it removes."""
    removed = {quad for quad in changes.removed if quad.graph_name not in SCHEMA_GRAPHS}
    if not removed or any(quad.graph_name not in SCHEMA_GRAPHS for quad in changes.added):
        return False
    graphs: list[ox.NamedNode | ox.DefaultGraph] = [ox.DefaultGraph()]
    graphs += [ox.NamedNode(name) for name in store.named_graphs()]
    for graph in graphs:
        if graph in SCHEMA_GRAPHS:
            continue
        if any(quad not in removed for quad in store.quads_matching(graph=graph)):
            return False
    return True
