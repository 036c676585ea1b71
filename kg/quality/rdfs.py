"""The RDFS entailments SHACL validation needs (rdfs2, 3, 5, 7, 9, 11), in one pass over the data.

pySHACL's own RDFS inference (owlrl) recomputes the whole closure of data and ontology to a fixpoint,
which costs more than validating; the hierarchy here is read once from the ontology, and each data
triple is expanded with its property's super-properties, domains and ranges and their superclasses.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.namespaces import RDF, RDFS


def _transitive(pairs: dict[Node, set[Node]]) -> dict[Node, set[Node]]:
    """Each key with everything above it (itself included)."""
    closed: dict[Node, set[Node]] = {}

    def above(node: Node, seen: frozenset[Node]) -> set[Node]:
        if node in closed:
            return closed[node]
        result = {node}
        for parent in pairs.get(node, ()):
            if parent not in seen:
                result |= above(parent, seen | {node})
        closed[node] = result
        return result

    for node in list(pairs):
        above(node, frozenset())
    return closed


class RdfsSchema:
    """The class and property hierarchy, domains and ranges of an ontology, ready to expand data with."""

    def __init__(self, ontology: Graph) -> None:
        self.ontology = ontology
        classes: dict[Node, set[Node]] = defaultdict(set)
        properties: dict[Node, set[Node]] = defaultdict(set)
        for sub, sup in ontology.subject_objects(RDFS.subClassOf):
            classes[sub].add(sup)
        for sub, sup in ontology.subject_objects(RDFS.subPropertyOf):
            properties[sub].add(sup)
        self.superclasses = _transitive(classes)
        self.superproperties = _transitive(properties)
        self.domains: dict[Node, set[Node]] = defaultdict(set)
        self.ranges: dict[Node, set[Node]] = defaultdict(set)
        for prop, cls in ontology.subject_objects(RDFS.domain):
            self.domains[prop].add(cls)
        for prop, cls in ontology.subject_objects(RDFS.range):
            self.ranges[prop].add(cls)
        self._about: dict[Node, list[tuple[Node, Node, Node]]] = defaultdict(list)
        for triple in ontology:
            self._about[triple[0]].append(triple)

    def _classes(self, cls: Node) -> set[Node]:
        return self.superclasses.get(cls, {cls})

    def entailed(self, data: Graph, into: Graph | None = None, *, whole_ontology: bool = True) -> Graph:
        """The data, the ontology, and what RDFS entails from both (added to `into`, if given).

        Without `whole_ontology`, only the ontology's statements about the terms the data cites come
        along (what shapes read from it: a class's or a concept's own description); the class and
        property hierarchies are applied to the data either way.
        """
        out = Graph() if into is None else into
        if whole_ontology:
            for prefix, namespace in data.namespaces():
                out.bind(prefix, namespace, override=False)
        add = out.add
        ontology: Graph | list[tuple[Node, Node, Node]] = self.ontology
        if not whole_ontology:
            cited = set(data.subjects()) | set(data.objects()) | set(data.predicates())
            ontology = [t for node in cited for t in self._about.get(node, ())]
        for graph in (ontology, data):
            for s, p, o in graph:
                add((s, p, o))
                for q in self.superproperties.get(p, (p,)):
                    add((s, q, o))
                    for cls in self.domains.get(q, ()):
                        for c in self._classes(cls):
                            add((s, RDF.type, c))
                    if not isinstance(o, Literal):
                        for cls in self.ranges.get(q, ()):
                            for c in self._classes(cls):
                                add((o, RDF.type, c))
                if p == RDF.type and isinstance(o, URIRef):
                    for c in self._classes(o):
                        add((s, RDF.type, c))
                elif p == RDFS.subClassOf:
                    for c in self._classes(o):
                        add((s, RDFS.subClassOf, c))
                elif p == RDFS.subPropertyOf:
                    for q in self.superproperties.get(o, {o}):
                        add((s, RDFS.subPropertyOf, q))
        return out
