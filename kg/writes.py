"""Writes behind a SHACL gate: a change is tried on a copy, validated, then committed or refused."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg.errors import QcollabError
from kg.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, PREFIXES
from kg.reasoning import materialize
from kg.store import OxigraphStore
from kg.validate import ValidationOutcome, Validator

Change = Callable[[ox.Store], None]
_NOT_DATA = {ox.NamedNode(str(ONTOLOGY_GRAPH)), ox.NamedNode(str(INFERRED_GRAPH))}


class RejectedWriteError(QcollabError):
    """The change would leave data that does not conform; nothing was written."""

    def __init__(self, outcome: ValidationOutcome) -> None:
        self.outcome = outcome
        super().__init__("the change was refused: the data would not conform to the SHACL shapes\n"
                         + outcome.report_text)


def _target(graph_iri: str | None) -> ox.NamedNode | ox.DefaultGraph:
    return ox.NamedNode(graph_iri) if graph_iri else ox.DefaultGraph()


def _graph_exists(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph) -> bool:
    if isinstance(graph, ox.DefaultGraph):
        return True
    return store.contains_named_graph(graph)


def _quad_graph(graph: ox.NamedNode | ox.DefaultGraph, data: Graph) -> list[ox.Quad]:
    triples = ox.parse(data.serialize(format="nt"), ox.RdfFormat.N_TRIPLES)
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]


def _affected_nodes(store: ox.Store, changed: set[ox.Quad]) -> list[URIRef]:
    """The IRIs a change touches, and the IRIs that point at them: what the shapes must re-check."""
    touched = {term for q in changed for term in (q.subject, q.object) if isinstance(term, ox.NamedNode)}
    pointing = {
        quad.subject
        for node in touched
        for quad in store.quads_for_pattern(None, None, node)
        if quad.graph_name not in _NOT_DATA and isinstance(quad.subject, ox.NamedNode)
    }
    return sorted(URIRef(node.value) for node in touched | pointing)


def _data_graph(store: ox.Store) -> Graph:
    """Everything but the ontology and the inferences, merged for validation."""
    quads = [q for q in store if q.graph_name not in _NOT_DATA]
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    graph = Graph()
    if triples:
        graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    return graph


class GuardedWriter:
    """Applies SPARQL updates and Graph Store writes only when the result conforms.

    The change runs first on an in-memory copy of the store; the nodes it touches (and the
    nodes pointing at them) are validated with SHACL in the context of the whole copy, against
    the shapes and the ontology; only then is the difference committed to the real store and
    the inferred graph rebuilt. Writes are serialized by a lock. The copy costs time linear in
    the store size, which is right for a curated graph of this size.
    """

    def __init__(self, store: OxigraphStore, validator: Validator) -> None:
        self.store = store
        self.validator = validator
        self._lock = threading.Lock()

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 update if its result conforms (SyntaxError propagates)."""
        self._apply(lambda target: target.update(sparql, prefixes=PREFIXES))

    def put_graph(self, graph_iri: str | None, data: Graph) -> bool:
        """Replace a graph's content; True when the graph did not exist before."""
        graph = _target(graph_iri)
        created = not _graph_exists(self.store.inner, graph)

        def replace(target: ox.Store) -> None:
            if _graph_exists(target, graph):
                target.clear_graph(graph)
            if isinstance(graph, ox.NamedNode):
                target.add_graph(graph)
            target.extend(_quad_graph(graph, data))

        self._apply(replace)
        return created

    def post_graph(self, graph_iri: str | None, data: Graph) -> bool:
        """Merge triples into a graph; True when the graph did not exist before."""
        graph = _target(graph_iri)
        created = not _graph_exists(self.store.inner, graph)
        self._apply(lambda target: target.extend(_quad_graph(graph, data)))
        return created

    def delete_graph(self, graph_iri: str | None) -> bool:
        """Remove a graph (the default graph is emptied); False when it did not exist."""
        graph = _target(graph_iri)
        if not _graph_exists(self.store.inner, graph):
            return False

        def drop(target: ox.Store) -> None:
            if isinstance(graph, ox.DefaultGraph):
                target.clear_graph(graph)
            else:
                target.remove_graph(graph)

        self._apply(drop)
        return True

    def _apply(self, change: Change) -> None:
        with self._lock:
            before = set(self.store.inner)
            graphs_before = set(self.store.inner.named_graphs())
            candidate = ox.Store()
            for graph in graphs_before:
                candidate.add_graph(graph)
            candidate.extend(before)
            change(candidate)
            after = set(candidate)
            graphs_after = set(candidate.named_graphs())
            if before == after and graphs_before == graphs_after:
                return
            focus = _affected_nodes(candidate, before ^ after)
            if focus:
                outcome = self.validator.validate(_data_graph(candidate), focus_nodes=focus)
                if not outcome.conforms:
                    raise RejectedWriteError(outcome)
            self._commit(before - after, after - before, graphs_after - graphs_before,
                         graphs_before - graphs_after)
            materialize(self.store)
            self.store.flush()

    def _commit(self, removed: set[ox.Quad], added: set[ox.Quad],
                created: set[ox.NamedNode], dropped: set[ox.NamedNode]) -> None:
        """Apply a validated difference: graphs, then quads (the additions in one transaction)."""
        for graph in created:
            self.store.inner.add_graph(graph)
        for quad in removed:
            self.store.inner.remove(quad)
        if added:
            self.store.inner.extend(added)
        for graph in dropped:
            self.store.inner.remove_graph(graph)
