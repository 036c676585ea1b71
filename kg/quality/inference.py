"""The inferences of a change, worked out from the changed quads alone (the incremental `materialize`).

The rules are those of kg.quality.reasoning.materialize: subclass and equivalent-class typing,
subproperties and equivalent properties, inverse and symmetric properties, read from the ontology
graph. Each rule derives one triple from one triple, so what a triple entails is a small closure of
it, and whether a triple is still entailed after a removal is decided by the few triples that could
entail it (same subject and object, either way round). A premise is any triple of a named graph;
a conclusion asserted in a named graph other than qcg:inferred is not stored again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH, PREFIXES
from kg.store.interface import KnowledgeStore, StoreChanges

RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
INFERRED = ox.NamedNode(str(INFERRED_GRAPH))
ONTOLOGY = ox.NamedNode(str(ONTOLOGY_GRAPH))
Triple = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]

_AXIOMS = """
SELECT ?kind ?a ?b WHERE { GRAPH ?ontology {
  { ?a rdfs:subClassOf ?b BIND("class" AS ?kind) }
  UNION { { ?a owl:equivalentClass ?b } UNION { ?b owl:equivalentClass ?a } BIND("class" AS ?kind) }
  UNION { ?a rdfs:subPropertyOf ?b BIND("property" AS ?kind) }
  UNION { { ?a owl:equivalentProperty ?b } UNION { ?b owl:equivalentProperty ?a } BIND("property" AS ?kind) }
  UNION { { ?a owl:inverseOf ?b } UNION { ?b owl:inverseOf ?a } BIND("inverse" AS ?kind) }
  UNION { ?a a owl:SymmetricProperty BIND(?a AS ?b) BIND("symmetric" AS ?kind) }
  FILTER(isIRI(?a) && isIRI(?b))
} }"""


@dataclass
class Axioms:
    """The one-step rules of the ontology: what a class, a property leads to."""

    superclasses: dict[ox.NamedNode, set[ox.NamedNode]] = field(default_factory=lambda: defaultdict(set))
    superproperties: dict[ox.NamedNode, set[ox.NamedNode]] = field(default_factory=lambda: defaultdict(set))
    inverses: dict[ox.NamedNode, set[ox.NamedNode]] = field(default_factory=lambda: defaultdict(set))
    symmetric: set[ox.NamedNode] = field(default_factory=set)

    @classmethod
    def of(cls, store: KnowledgeStore) -> Axioms:
        """Read the axioms from the ontology graph of the store."""
        axioms = cls()
        rows = store.evaluate(_AXIOMS.replace("?ontology", str(ONTOLOGY)))
        for row in rows:  # type: ignore[union-attr]
            kind, a, b = row["kind"].value, row["a"], row["b"]
            if a == b and kind != "symmetric":
                continue
            if kind == "class":
                axioms.superclasses[a].add(b)
            elif kind == "property":
                axioms.superproperties[a].add(b)
            elif kind == "inverse":
                axioms.inverses[a].add(b)
            else:
                axioms.symmetric.add(a)
        return axioms

    def step(self, triple: Triple) -> set[Triple]:
        """What one rule application derives from a triple."""
        s, p, o = triple
        derived: set[Triple] = set()
        if p == RDF_TYPE and isinstance(o, ox.NamedNode):
            derived |= {(s, RDF_TYPE, c) for c in self.superclasses.get(o, ())}
        derived |= {(s, q, o) for q in self.superproperties.get(p, ())}
        if not isinstance(o, ox.Literal):
            derived |= {(o, q, s) for q in self.inverses.get(p, ())}
            if p in self.symmetric:
                derived.add((o, p, s))
        return derived

    def closure(self, triples: set[Triple]) -> set[Triple]:
        """The triples and everything the rules derive from them."""
        closed, frontier = set(triples), set(triples)
        while frontier:
            frontier = {t for triple in frontier for t in self.step(triple)} - closed
            closed |= frontier
        return closed


def _triple(quad: ox.Quad) -> Triple:
    return quad.subject, quad.predicate, quad.object  # type: ignore[return-value]


class IncrementalInference:
    """Keeps qcg:inferred equal to what `materialize` would rebuild, from each change alone."""

    def __init__(self, store: KnowledgeStore) -> None:
        self.store = store
        self.axioms = Axioms.of(store)

    def inferences(self, changes: StoreChanges) -> StoreChanges:
        """The quads of qcg:inferred the change removes and adds (the change not applied yet)."""
        removed = {q for q in changes.removed if _premise_graph(q)}
        added = {_triple(q) for q in changes.added if _premise_graph(q)}
        by_ends: dict[tuple[object, object], set[Triple]] = defaultdict(set)
        for triple in added:
            by_ends[(triple[0], triple[2])].add(triple)
            by_ends[(triple[2], triple[0])].add(triple)
            if triple[1] == RDF_TYPE:
                by_ends[(triple[0], RDF_TYPE)].add(triple)
        candidates = self.axioms.closure({_triple(q) for q in removed}) | self.axioms.closure(added)
        to_remove: set[ox.Quad] = set()
        to_add: set[ox.Quad] = set()
        for triple in candidates:
            quad = ox.Quad(*triple, INFERRED)
            stored = self.store.contains(quad)
            asserted = triple in added or self._asserted(triple, removed)
            wanted = not asserted and self._entailed(triple, removed, by_ends)
            if stored and not wanted:
                to_remove.add(quad)
            elif wanted and not stored:
                to_add.add(quad)
        return StoreChanges(to_remove, to_add)

    def _kept(self, quads: object, removed: set[ox.Quad]) -> set[Triple]:
        return {_triple(q) for q in quads if _premise_graph(q) and q not in removed}  # type: ignore[attr-defined]

    def _entailed(
        self, triple: Triple, removed: set[ox.Quad], by_ends: dict[tuple[object, object], set[Triple]]
    ) -> bool:
        """Whether the triples (after the change) that could entail it do: same ends, either way round."""
        s, p, o = triple
        premises = self._kept(self.store.quads_matching(s, None, o), removed) | by_ends.get((s, o), set())
        if not isinstance(o, ox.Literal):
            premises |= self._kept(self.store.quads_matching(o, None, s), removed)  # type: ignore[arg-type]
        if p == RDF_TYPE:
            premises |= self._kept(self.store.quads_matching(s, RDF_TYPE, None), removed)
            premises |= by_ends.get((s, RDF_TYPE), set())
        premises.discard(triple)
        return triple in self.axioms.closure(premises)

    def _asserted(self, triple: Triple, removed: set[ox.Quad]) -> bool:
        """Whether a named graph other than qcg:inferred still holds the triple."""
        return bool(self._kept(self.store.quads_matching(*triple), removed))


def _premise_graph(quad: ox.Quad) -> bool:
    """Premises and assertions come from the named graphs, qcg:inferred aside."""
    return isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name != INFERRED


class _Derivations:
    """What a property or a class leads to through the rules, worked out once per term."""

    def __init__(self, axioms: Axioms) -> None:
        self.axioms = axioms
        self._properties: dict[tuple[ox.NamedNode, bool], set[tuple[ox.NamedNode, bool]]] = {}
        self._classes: dict[ox.NamedNode, set[ox.NamedNode]] = {}

    def properties(self, predicate: ox.NamedNode, literal: bool) -> set[tuple[ox.NamedNode, bool]]:
        """(q, flipped) pairs: x p y entails x q y, or y q x when flipped (never flipped for a literal)."""
        key = (predicate, literal)
        if key not in self._properties:
            start = (predicate, False)
            reached, frontier = {start}, [start]
            while frontier:
                p, flipped = frontier.pop()
                steps = {(q, flipped) for q in self.axioms.superproperties.get(p, ())}
                if not literal:
                    steps |= {(q, not flipped) for q in self.axioms.inverses.get(p, ())}
                    if p in self.axioms.symmetric:
                        steps.add((p, not flipped))
                frontier += list(steps - reached)
                reached |= steps
            self._properties[key] = reached - {start}
        return self._properties[key]

    def classes(self, cls: ox.NamedNode) -> set[ox.NamedNode]:
        if cls not in self._classes:
            closed = {t[2] for t in self.axioms.closure({(cls, RDF_TYPE, cls)})}  # type: ignore[arg-type]
            self._classes[cls] = {c for c in closed if isinstance(c, ox.NamedNode)} - {cls}
        return self._classes[cls]

    def of(self, quad: ox.Quad) -> Iterator[Triple]:
        s, p, o = quad.subject, quad.predicate, quad.object
        if p == RDF_TYPE and isinstance(o, ox.NamedNode):
            for cls in self.classes(o):
                yield s, RDF_TYPE, cls  # type: ignore[misc]
        for q, flipped in self.properties(p, isinstance(o, ox.Literal)):
            yield (o, q, s) if flipped else (s, q, o)  # type: ignore[misc]


def infer_loaded(store: KnowledgeStore, graphs: list[str], batch: int = 100_000) -> int:
    """Add to qcg:inferred what the triples of newly loaded graphs entail, in one pass over them.

    The store's qcg:inferred must have been up to date before the load. Each triple's conclusions are
    worked out once per property and class; those no named graph asserts are bulk-added, and what the
    loaded graphs now assert leaves qcg:inferred. Not one transaction (bulk writes are not): after a
    crash in the middle, `qcollab reason` rebuilds the graph. Returns the number of triples added.
    """
    derivations = _Derivations(Axioms.of(store))
    added = 0
    found: set[ox.Quad] = set()
    duplicates: set[ox.Quad] = set()
    for graph in graphs:
        for quad in store.quads_matching(graph=ox.NamedNode(graph)):
            same = ox.Quad(quad.subject, quad.predicate, quad.object, INFERRED)
            if store.contains(same):
                duplicates.add(same)
            found.update(ox.Quad(*triple, INFERRED) for triple in derivations.of(quad))
            if len(found) >= batch:
                added += _store_inferred(store, found)
                found = set()
    added += _store_inferred(store, found)
    if duplicates:
        store.apply(StoreChanges(removed=duplicates))
    return added - len(duplicates)


def _store_inferred(store: KnowledgeStore, found: set[ox.Quad]) -> int:
    """Bulk-add the inferred quads that are new and that no named graph asserts; how many they were."""
    new = [
        quad
        for quad in found
        if not any(
            q.graph_name != ox.DefaultGraph()
            for q in store.quads_matching(quad.subject, quad.predicate, quad.object)
        )
    ]
    store.bulk_add(new)
    return len(new)
