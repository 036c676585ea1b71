"""Writes behind a SHACL gate: a change is tried on a copy, validated, then committed or refused."""

from __future__ import annotations

import threading
from collections.abc import Callable

from rdflib import Graph, URIRef

from kg.errors import RejectedWriteError
from kg.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH
from kg.quality.reasoning import materialize
from kg.quality.shacl import Validator
from kg.store.interface import KnowledgeStore, StoreChanges

Change = Callable[[KnowledgeStore], None]
Observer = Callable[[], None]
NOT_DATA = (str(ONTOLOGY_GRAPH), str(INFERRED_GRAPH))




class GuardedWriter:
    """Applies SPARQL updates and Graph Store writes only when the result conforms.

    The change runs first on an in-memory copy of the store; the nodes it touches (and the
    nodes pointing at them) are validated with SHACL in the context of the whole copy, against
    the shapes and the ontology; only then is the difference committed to the real store and
    the inferred graph rebuilt. Writes are serialized by a lock. The copy costs time linear in
    the store size, which is right for a curated graph of this size.
    """

    def __init__(self, store: KnowledgeStore, validator: Validator) -> None:
        self.store = store
        self.validator = validator
        self._lock = threading.Lock()
        self._observers: list[Observer] = []

    def observe(self, observer: Observer) -> None:
        """Call `observer` after every committed write, before the write returns (under the write lock)."""
        self._observers.append(observer)

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 update if its result conforms (RdfSyntaxError propagates)."""
        self._apply(lambda target: target.update(sparql))

    def put_graph(self, graph_iri: str | None, data: Graph) -> bool:
        """Replace a graph's content (None: the default graph); True when the graph is new."""
        created = not self.store.has_graph_or_default(graph_iri)
        self._apply(lambda target: target.put_graph(graph_iri, data))
        return created

    def post_graph(self, graph_iri: str | None, data: Graph) -> bool:
        """Merge triples into a graph (None: the default graph); True when the graph is new."""
        created = not self.store.has_graph_or_default(graph_iri)
        self._apply(lambda target: target.post_graph(graph_iri, data))
        return created

    def delete_graph(self, graph_iri: str | None) -> bool:
        """Remove a graph (the default graph is emptied); False when it did not exist."""
        if not self.store.has_graph_or_default(graph_iri):
            return False
        self._apply(lambda target: target.delete_graph(graph_iri))
        return True

    def _apply(self, change: Change) -> None:
        with self._lock:
            candidate = self.store.copy()
            change(candidate)
            changes = self.store.changes_to(candidate)
            if not changes:
                return
            self._check(candidate, changes)
            self.store.apply(changes)
            materialize(self.store)
            self.store.flush()
            for observer in self._observers:
                observer()

    def _check(self, candidate: KnowledgeStore, changes: StoreChanges) -> None:
        """Validate what the change touches (and what points at it) in the context of all the data."""
        touched = changes.touched_iris()
        focus = touched | candidate.referrers(touched, exclude=NOT_DATA)
        if not focus:
            return
        data = candidate.union_graph(exclude=NOT_DATA)
        outcome = self.validator.validate(data, focus_nodes=sorted(URIRef(iri) for iri in focus))
        if not outcome.conforms:
            raise RejectedWriteError(outcome)
