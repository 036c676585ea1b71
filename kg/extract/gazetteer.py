"""Known entities and their aliases (kg/data/gazetteer.ttl), and a matcher that finds them in text."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.term import Node

from kg import data
from kg.names.normalize import alias_key, straight_apostrophes
from kg.namespaces import QC, QCR, RDF, SKOS

GAZETTEER_PATH = data.gazetteer_path()

ACTOR_CLASSES = frozenset(
    QC[name]
    for name in (
        "Actor",
        "Country",
        "SupranationalUnion",
        "Region",
        "Organization",
        "University",
        "ResearchInstitute",
        "Company",
        "GovernmentAgency",
        "StandardsBody",
    )
)
PROGRAM_CLASSES = frozenset({QC.Program, QC.Legislation})

_CASE_SENSITIVE_MAX_LETTERS = 5


@dataclass(frozen=True)
class KnownEntity:
    """One known entity: its IRI, classes, preferred label and aliases."""

    iri: URIRef
    types: frozenset[URIRef]
    pref_label: str
    alt_labels: tuple[str, ...]

    @property
    def slug(self) -> str:
        """The IRI without the resource namespace."""
        return str(self.iri).removeprefix(str(QCR))

    @property
    def kind(self) -> str:
        """A coarse kind: actor, program, technology_area, application_domain or other."""
        if self.types & ACTOR_CLASSES:
            return "actor"
        if self.types & PROGRAM_CLASSES:
            return "program"
        if QC.TechnologyArea in self.types:
            return "technology_area"
        if QC.ApplicationDomain in self.types:
            return "application_domain"
        return "other"


@dataclass(frozen=True)
class Mention:
    """A match of a known entity in a text, with offsets into that text."""

    entry: KnownEntity
    start: int
    end: int
    text: str


def is_case_sensitive(alias: str) -> bool:
    """Short all-capital aliases ("US", "U.K.", "EU") must match exactly, with their case."""
    letters = [c for c in alias if c.isalpha()]
    return alias == alias.upper() and len(letters) <= _CASE_SENSITIVE_MAX_LETTERS


def _alias_pattern(aliases: Iterable[str], flags: int) -> re.Pattern[str] | None:
    ordered = sorted(set(aliases), key=lambda a: (-len(a), a))
    if not ordered:
        return None
    parts = []
    for alias in ordered:
        escaped = re.escape(straight_apostrophes(alias))
        parts.append(escaped.replace(r"\ ", r"\s+").replace("'", "['’]"))
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", flags)


class Gazetteer:
    """The known entities, looked up by alias and matched in running text."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.entries: dict[URIRef, KnownEntity] = {}
        self._exact: dict[str, KnownEntity] = {}
        self._folded: dict[str, KnownEntity] = {}
        for subject in sorted(set(graph.subjects(SKOS.prefLabel, None)), key=str):
            assert isinstance(subject, URIRef)
            entry = KnownEntity(
                iri=subject,
                types=frozenset(t for t in graph.objects(subject, RDF.type) if isinstance(t, URIRef)),
                pref_label=str(graph.value(subject, SKOS.prefLabel)),
                alt_labels=tuple(sorted(str(a) for a in graph.objects(subject, SKOS.altLabel))),
            )
            self.entries[subject] = entry
            for alias in (entry.pref_label, *entry.alt_labels):
                self._register(alias, entry)
        self._sensitive = _alias_pattern(self._exact, 0)
        self._insensitive = _alias_pattern(self._folded, re.IGNORECASE)

    @classmethod
    def load(cls, path: Path = GAZETTEER_PATH) -> Gazetteer:
        """Read a gazetteer from a Turtle file (the packaged one by default)."""
        return cls(Graph().parse(path, format="turtle"))

    def _register(self, alias: str, entry: KnownEntity) -> None:
        sensitive = is_case_sensitive(alias)
        table = self._exact if sensitive else self._folded
        key = alias_key(alias, case_sensitive=sensitive)
        owner = table.setdefault(key, entry)
        if owner.iri != entry.iri:
            raise ValueError(f"alias {alias!r} names both {owner.iri} and {entry.iri}")

    def get(self, iri: URIRef) -> KnownEntity | None:
        """The entry with this IRI, if known."""
        return self.entries.get(iri)

    def lookup(self, name: str) -> KnownEntity | None:
        """The entry one of whose aliases is exactly this name (case rules as in matching)."""
        exact = self._exact.get(alias_key(name, case_sensitive=True))
        return exact or self._folded.get(alias_key(name, case_sensitive=False))

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Mention]:
        """All non-overlapping mentions in text[start:end], longest match first, in text order."""
        stop = len(text) if end is None else end
        candidates: list[Mention] = []
        for pattern, sensitive in ((self._sensitive, True), (self._insensitive, False)):
            if pattern is None:
                continue
            table = self._exact if sensitive else self._folded
            for match in pattern.finditer(text, start, stop):
                entry = table[alias_key(match.group(), case_sensitive=sensitive)]
                candidates.append(Mention(entry, match.start(), match.end(), match.group()))
        candidates.sort(key=lambda m: (-(m.end - m.start), m.start))
        chosen: list[Mention] = []
        for mention in candidates:
            if all(mention.end <= c.start or mention.start >= c.end for c in chosen):
                chosen.append(mention)
        return sorted(chosen, key=lambda m: m.start)

    def triples(self, iri: URIRef) -> Iterable[tuple[URIRef, URIRef, Node]]:
        """The gazetteer's own statements about an entity (types, labels, codes)."""
        for predicate, obj in sorted(self.graph.predicate_objects(iri)):
            assert isinstance(predicate, URIRef)
            yield iri, predicate, obj
