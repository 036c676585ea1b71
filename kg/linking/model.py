"""What a linking run works on and reports: our entities, scored candidates, links and reports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from rdflib import URIRef
from rdflib.namespace import OWL, RDFS, SKOS

from kg.linking.sources import RDFS_LABEL, SKOS_ALT, Candidate, TargetProfile
from kg.namespaces import QC

# The kind of an entity decides the link predicate and the type rules (first class that applies).
KIND_OF_CLASS: tuple[tuple[URIRef, str], ...] = (
    (QC.Country, "country"),
    (QC.SupranationalUnion, "union"),
    (QC.Region, "region"),
    (QC.University, "organization"),
    (QC.ResearchInstitute, "organization"),
    (QC.Company, "organization"),
    (QC.GovernmentAgency, "organization"),
    (QC.StandardsBody, "organization"),
    (QC.Organization, "organization"),
    (QC.Legislation, "program"),
    (QC.Program, "program"),
    (QC.TechnologyArea, "concept"),
    (QC.ApplicationDomain, "concept"),
    (QC.Actor, "actor"),
)
CONCEPT_KINDS = frozenset({"concept"})

PREF = str(SKOS.prefLabel)


@dataclass
class LocalEntity:
    """One thing of ours to link: its IRI, kind, names and codes."""

    iri: str
    kind: str
    classes: set[str] = field(default_factory=set)
    labels: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    codes: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        return self.labels[0] if self.labels else self.iri.rsplit("/", 1)[-1]

    @property
    def class_name(self) -> str:
        for cls, _ in KIND_OF_CLASS:
            if str(cls) in self.classes:
                return cls.rsplit("#", 1)[-1]
        return "Thing"

    def names(self) -> list[tuple[str, str]]:
        """(name, field IRI) pairs: preferred labels first, then aliases."""
        seen: dict[str, str] = {}
        for text in self.labels:
            seen.setdefault(text, PREF)
        for text in self.aliases:
            seen.setdefault(text, SKOS_ALT)
        return list(seen.items())


@dataclass
class Scored:
    """A candidate with its score and the evidence for and against it."""

    candidate: Candidate
    score: float = 0.0
    exact: bool = False
    local_name: str = ""
    local_field: str = PREF
    match_string: str = ""
    remote_field: str = RDFS_LABEL
    evidence: list[str] = field(default_factory=list)
    rejected: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "iri": self.candidate.iri,
            "label": self.candidate.label(),
            "description": self.candidate.description,
            "score": round(self.score, 3),
            "matched": self.match_string,
            "evidence": self.evidence,
            **({"rejected": self.rejected} if self.rejected else {}),
        }


@dataclass
class Link:
    entity: LocalEntity
    predicate: str
    scored: Scored
    rejected: list[Scored] = field(default_factory=list)

    @property
    def target(self) -> str:
        return self.scored.candidate.iri


@dataclass
class TargetReport:
    """The outcome for one target: links written, candidates to review, entities unmatched."""

    profile: TargetProfile
    source: str
    links: list[Link] = field(default_factory=list)
    review: list[tuple[LocalEntity, list[Scored], str]] = field(default_factory=list)
    unmatched: list[tuple[LocalEntity, list[Scored]]] = field(default_factory=list)
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    ended: datetime | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "target": self.profile.name,
            "graph": self.profile.graph,
            "source": self.source,
            "links": [
                {
                    "entity": link.entity.iri,
                    "label": link.entity.label,
                    "class": link.entity.class_name,
                    "target": link.target,
                    "target_label": link.scored.candidate.label(),
                    "predicate": link.predicate,
                    "score": round(link.scored.score, 3),
                    "evidence": link.scored.evidence,
                    "rejected": [s.as_dict() for s in link.rejected],
                }
                for link in self.links
            ],
            "review": [
                {
                    "entity": entity.iri,
                    "label": entity.label,
                    "class": entity.class_name,
                    "reason": reason,
                    "candidates": [s.as_dict() for s in scored],
                }
                for entity, scored, reason in self.review
            ],
            "unmatched": [
                {
                    "entity": entity.iri,
                    "label": entity.label,
                    "class": entity.class_name,
                    "rejected": [s.as_dict() for s in rejected],
                }
                for entity, rejected in self.unmatched
            ],
        }


@dataclass
class LinkReport:
    threshold: float
    entities: int = 0
    targets: dict[str, TargetReport] = field(default_factory=dict)
    written: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "threshold": self.threshold,
            "entities": self.entities,
            "written": self.written,
            "targets": {name: report.as_dict() for name, report in self.targets.items()},
        }


def curies(iris: Iterable[str]) -> str:
    return ", ".join(sorted(curie(i) for i in iris))


def curie(iri: str) -> str:
    for prefix, space in (
        ("wd", "http://www.wikidata.org/entity/"),
        ("dbr", "http://dbpedia.org/resource/"),
        ("dbo", "http://dbpedia.org/ontology/"),
        ("rdfs", str(RDFS)),
        ("skos", str(SKOS)),
        ("owl", str(OWL)),
    ):
        if iri.startswith(space):
            return f"{prefix}:{iri[len(space):]}"
    return iri
