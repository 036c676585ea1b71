"""The bounded part of the store a change is validated in: the nodes it touches and what they point at.

The focus is every subject of a changed quad, every node an added quad gives a new type (by the
property's range), and, where a node may have lost a type (a removed rdf:type, or a removed triple
whose property has a domain or range), the nodes pointing at it. The data graph holds the focus
nodes' descriptions after the change, and for every node they point at its types and one triple per
property with a domain or a range (what the RDFS entailments of kg.quality.rdfs type it by). Its
size follows the change and the degree of the nodes it touches, never the size of the store.

Over a remote store (a kg.store.remote_slice.RemoteSlice) the reads are made ahead in a few batched
requests, a step at a time (the ends of the changed quads and the nodes that may have lost a type; the
focus nodes; the typing of the nodes they point at; one witness per property with a range), instead of
one request per pattern; the embedded store is read pattern by pattern as it always was.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from kg.formats.parsing import rdflib_term
from kg.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, PREFIXES
from kg.quality.rdfs import RdfsSchema
from kg.store.interface import KnowledgeStore, StoreChanges
from kg.store.remote_ahead import Prefetching, ends, prefetch

RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
NOT_DATA = {ox.NamedNode(str(ONTOLOGY_GRAPH)), ox.NamedNode(str(INFERRED_GRAPH))}
Resource = ox.NamedNode | ox.BlankNode


@dataclass(frozen=True)
class TypingPredicates:
    """The properties whose use types a node (RDFS domain and range, through super-properties)."""

    with_domain: frozenset[str]
    with_range: frozenset[str]
    range_classes: dict[str, frozenset[str]]  # what a property's value is typed as (superclasses too)
    superclasses: dict[str, frozenset[str]]

    @classmethod
    def of(cls, schema: RdfsSchema) -> TypingPredicates:
        properties = set(schema.superproperties) | set(schema.domains) | set(schema.ranges)

        def classes(table: dict[Node, set[Node]], prop: Node) -> frozenset[str]:
            direct = {c for q in schema.superproperties.get(prop, {prop}) for c in table.get(q, ())}
            return frozenset(str(s) for c in direct for s in schema.superclasses.get(c, {c}))

        ranges = {str(p): classes(schema.ranges, p) for p in properties}
        domains = {str(p): classes(schema.domains, p) for p in properties}
        supers = {str(c): frozenset(str(s) for s in above) for c, above in schema.superclasses.items()}
        return cls(
            frozenset(p for p, found in domains.items() if found),
            frozenset(p for p, found in ranges.items() if found),
            {p: found for p, found in ranges.items() if found},
            supers,
        )


class Neighbourhood:
    """The state after a change, restricted to what validating the change needs."""

    def __init__(self, store: KnowledgeStore, changes: StoreChanges, typing: TypingPredicates) -> None:
        self.store, self.typing = store, typing
        self.removed = {q for q in changes.removed if q.graph_name not in NOT_DATA}
        self.added = {q for q in changes.added if q.graph_name not in NOT_DATA}
        self._added_from: dict[object, list[ox.Quad]] = {}  # the added quads by subject, and by object:
        self._added_to: dict[object, list[ox.Quad]] = {}  # a lookup costs its answer, not the change
        for quad in self.added:
            self._added_from.setdefault(quad.subject, []).append(quad)
            self._added_to.setdefault(quad.object, []).append(quad)

    def _outgoing(self, node: Resource, predicate: ox.NamedNode | None = None) -> Iterable[ox.Quad]:
        for quad in self.store.quads_matching(node, predicate, None):
            if quad.graph_name not in NOT_DATA and quad not in self.removed:
                yield quad
        yield from (q for q in self._added_from.get(node, ()) if predicate in (None, q.predicate))

    def _incoming(self, node: Resource, predicate: ox.NamedNode | None = None) -> Iterable[ox.Quad]:
        for quad in self.store.quads_matching(None, predicate, node):
            if quad.graph_name not in NOT_DATA and quad not in self.removed:
                yield quad
        yield from (q for q in self._added_to.get(node, ()) if predicate in (None, q.predicate))

    def _types(self, node: ox.NamedNode | ox.BlankNode) -> set[str]:
        """The classes a node is asserted to have, with their superclasses."""
        asserted = {q.object.value for q in self.store.quads_matching(node, RDF_TYPE, None)}
        asserted |= {q.object.value for q in self._added_from.get(node, ()) if q.predicate == RDF_TYPE}
        return asserted.union(*(self.typing.superclasses.get(c, ()) for c in asserted))

    def focus(self) -> set[Resource]:
        """The nodes whose shapes the change may break.

        Every subject of a changed quad; a node an added quad points at when the property types it
        as something it was not already (so new shapes reach it); and where a node may have lost a
        type, the nodes pointing at it (their sh:class constraints on it).
        """
        changed = self.removed | self.added
        nodes: set[Resource] = {q.subject for q in changed}  # type: ignore[misc]
        retyped = {
            q.subject
            for q in self.removed
            if q.predicate == RDF_TYPE or q.predicate.value in self.typing.with_domain
        } | {q.object for q in self.removed if q.predicate.value in self.typing.with_range}
        prefetch(self.store, subjects=ends(changed), incoming=retyped)
        for quad in self.added:
            value, classes = quad.object, self.typing.range_classes.get(quad.predicate.value)
            pointed = isinstance(value, ox.NamedNode | ox.BlankNode) and value not in nodes
            if classes and pointed and not classes <= self._types(value):  # type: ignore[arg-type]
                nodes.add(value)  # type: ignore[arg-type]
        for node in retyped:
            if isinstance(node, ox.NamedNode | ox.BlankNode):
                nodes |= {q.subject for q in self._incoming(node)}  # type: ignore[misc]
        return nodes

    def graph(self, focus: set[Resource]) -> Graph:
        """The focus nodes' descriptions, and how the nodes they point at are typed."""
        triples: set[tuple[Node, Node, Node]] = set()

        def add(quad: ox.Quad) -> None:
            triples.add((rdflib_term(quad.subject), rdflib_term(quad.predicate), rdflib_term(quad.object)))

        pointed: set[Resource] = set()
        prefetch(self.store, subjects=focus)
        for node in focus:
            for quad in self._outgoing(node):
                add(quad)
                if isinstance(quad.object, ox.NamedNode | ox.BlankNode) and quad.object not in focus:
                    pointed.add(quad.object)
        typing = [RDF_TYPE, *(ox.NamedNode(p) for p in sorted(self.typing.with_domain))]
        prefetch(self.store, typed=(pointed, typing))
        for node in pointed:
            for predicate in (RDF_TYPE, *(ox.NamedNode(p) for p in self.typing.with_domain)):
                found = self._outgoing(node, predicate)
                for quad in found if predicate == RDF_TYPE else [next(iter(found), None)]:
                    if quad is not None:
                        add(quad)
        for witness in self._witnesses(focus | pointed):
            add(witness)
        data = Graph()
        for triple in triples:
            data.add(triple)
        return data

    def _witnesses(self, nodes: set[Resource]) -> Iterable[ox.Quad | ox.Triple]:
        """For each node, one triple per property with a range that points at it (any one types it)."""
        ranged = [ox.NamedNode(p) for p in sorted(self.typing.with_range)]
        if not isinstance(self.store, Prefetching):
            for node in nodes:
                for predicate in ranged:
                    witness = next(iter(self._incoming(node, predicate)), None)
                    if witness is not None:
                        yield witness
            return
        found = self.store.witnesses(nodes, ranged, NOT_DATA, self.removed)  # one request
        for node in nodes:
            for predicate in ranged:
                added = (q for q in self._added_to.get(node, ()) if q.predicate == predicate)
                witness = found.get((node, predicate)) or next(added, None)
                if witness is not None:
                    yield witness
