"""One kind per IRI and one value per functional property, across every document of a build.

Documents are extracted one by one, but the graph is their union: if one document reads "Delft" as a
program and another as an actor, or gives a program two different first amounts, the union would
break the ontology's disjoint classes or functional properties. The first reading wins; a later one
that contradicts it is left out of that document's graph (and reported in the review report).
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.term import Node

from kg.extract.gazetteer import ACTOR_CLASSES
from kg.namespaces import QC, RDF, RDFS

# The coarse kind of each class whose instances may not be of another kind (the ontology's disjoint classes).
CLASS_KINDS: dict[URIRef, str] = {cls: "actor" for cls in ACTOR_CLASSES} | {
    QC.Program: "program",
    QC.Legislation: "program",
    QC.Collaboration: "collaboration",
    QC.CollaborationModel: "model",
    QC.Driver: "driver",
    QC.Challenge: "challenge",
    QC.Solution: "solution",
    QC.Recommendation: "recommendation",
    QC.TechnologyArea: "technology_area",
    QC.ApplicationDomain: "application_domain",
    QC.TalentMobilityMechanism: "talent_mobility_mechanism",
    QC.EcosystemStrategy: "ecosystem_strategy",
    QC.FundingCommitment: "funding",
}
FUNCTIONAL = frozenset({QC.fundingAmount, QC.fundingCurrency, QC.iso3166Alpha2})
# What a relation's subject and object must be (None: anything).
PREDICATE_KINDS: dict[URIRef, tuple[str | None, str | None]] = {
    QC.collaboratesWith: ("actor", "actor"),
    QC.leads: ("actor", "program"),
    QC.ledBy: ("program", "actor"),
    QC.funds: ("actor", "program"),
    QC.fundedBy: ("program", "actor"),
    QC.hasFunding: ("program", "funding"),
    QC.fundingAmount: ("program", None),
    QC.fundingCurrency: ("program", None),
    QC.participant: ("collaboration", "actor"),
    QC.basedIn: ("actor", "actor"),
}


class Consistency:
    """The kinds and functional values claimed so far in a build."""

    def __init__(self) -> None:
        self.kinds: dict[URIRef, str] = {}
        self.values: dict[tuple[Node, Node], Node] = {}

    def absorb(self, graph: Graph) -> None:
        """Take in what an already extracted (cached) document graph claims."""
        for subject, cls in graph.subject_objects(RDF.type):
            if isinstance(subject, URIRef) and (kind := CLASS_KINDS.get(cls)):  # type: ignore[arg-type]
                self.kinds.setdefault(subject, kind)
        for predicate in (*FUNCTIONAL, QC.confidence, QC.extractionMethod, RDFS.label):
            for subject, value in graph.subject_objects(predicate):
                self.values.setdefault((subject, predicate), value)

    def kind_of(self, iri: Node) -> str | None:
        return self.kinds.get(iri) if isinstance(iri, URIRef) else None

    def claim_kind(self, iri: URIRef, kind: str) -> bool:
        """True when the IRI is (now) of this kind; False when it is already of another."""
        if kind not in CLASS_KINDS.values():
            return True
        return self.kinds.setdefault(iri, kind) == kind

    def permits(self, subject: Node, predicate: Node, obj: Node) -> bool:
        """Whether a functional value agrees with what was claimed so far, without claiming it."""
        return predicate not in FUNCTIONAL or self.values.get((subject, predicate), obj) == obj

    def allows(self, subject: Node, predicate: Node, obj: Node) -> bool:
        """Whether a fact agrees with the kinds and functional values claimed so far (and claims them)."""
        expected = PREDICATE_KINDS.get(predicate)  # type: ignore[call-overload]
        if expected is not None:
            for node, kind in zip((subject, obj), expected, strict=True):
                known = self.kind_of(node)
                if kind is not None and known is not None and known != kind:
                    return False
        if predicate in FUNCTIONAL:
            return self.values.setdefault((subject, predicate), obj) == obj
        return True
