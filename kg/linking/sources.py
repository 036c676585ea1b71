"""Where link candidates come from: Wikidata and DBpedia, offline (the shipped snapshot) or online.

Both ways ask the same SPARQL queries: offline they run in an in-memory Oxigraph store loaded
with kg/data/reference/{target}.ttl, online they go over HTTP to the endpoint named by the
settings (wikidata_endpoint, dbpedia_endpoint), with the configured User-Agent. The queries look
names up by exact literal (the way the public endpoints answer fast) and then fetch labels,
aliases, types, codes and owl:sameAs of the candidates; the scoring is done in
kg.linking.scoring.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from kg.errors import LinkingSourceError
from kg.linking.profiles import (
    DBPEDIA,
    OWL_SAME_AS,
    PROFILES,
    RDFS_LABEL,
    REFERENCE_DIR,
    SKOS_ALT,
    WIKIDATA,
    TargetProfile,
    TypeRule,
)
from kg.linking.runners import HttpRunner, LocalRunner, QueryRunner, Value

__all__ = [
    "CHUNK", "DBPEDIA", "LANGUAGES", "PROFILES", "RDFS_LABEL", "REFERENCE_DIR", "SKOS_ALT", "WIKIDATA",
    "Candidate", "CandidateSource", "LinkingSourceError", "QueryRunner", "TargetProfile", "TypeRule",
    "open_source",
]

LANGUAGES = ("en", "fr", "de", "ja", "zh", "es", "mul")
CHUNK = 40


@dataclass
class Candidate:
    """What a target says about one of its items, as far as matching needs it."""

    iri: str
    labels: list[tuple[str, str]] = field(default_factory=list)
    aliases: list[tuple[str, str]] = field(default_factory=list)
    redirects: list[tuple[str, str]] = field(default_factory=list)
    types: set[str] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)
    same_as: set[str] = field(default_factory=set)
    dissolved: bool = False
    description: str | None = None

    def label(self, lang: str = "en") -> str:
        """The label in one language, else any label, else the IRI's last segment."""
        for text, tag in self.labels:
            if tag == lang:
                return text
        return self.labels[0][0] if self.labels else self.iri.rsplit("/", 1)[-1]


def _literal(text: str, lang: str | None) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def _chunks(items: list[str], size: int = CHUNK) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class CandidateSource:
    """Finds and describes candidates in one target through a QueryRunner."""

    def __init__(self, profile: TargetProfile, runner: QueryRunner) -> None:
        self.profile = profile
        self.runner = runner

    @property
    def description(self) -> str:
        return self.runner.description

    def find_by_names(self, names: Iterable[tuple[str, str]]) -> dict[tuple[str, str], set[str]]:
        """For each (name, language) the items with exactly that label or alias (or redirect)."""
        wanted = sorted(set(names))
        found: dict[tuple[str, str], set[str]] = {}
        profile = self.profile
        predicates = profile.label_predicates + profile.alias_predicates
        for chunk in _chunks([_literal(n, lang) for n, lang in wanted], 60):
            patterns = [f"{{ ?item <{p}> ?name }}" for p in predicates]
            if profile.redirect_predicate:
                patterns.append(
                    f"{{ ?page <{RDFS_LABEL}> ?name ; <{profile.redirect_predicate}> ?item }}"
                )
            excluded = "".join(
                f" FILTER NOT EXISTS {{ ?item <{p}> ?excluded{i} }}"
                for i, p in enumerate(profile.exclude_predicates)
            )
            sparql = (
                f"SELECT DISTINCT ?item ?name WHERE {{ VALUES ?name {{ {' '.join(chunk)} }} "
                f"{' UNION '.join(patterns)} "
                f'FILTER(isIRI(?item) && STRSTARTS(STR(?item), "{profile.uri_space}")){excluded} }}'
            )
            for row in self.runner.select(sparql):
                key = (row["name"].text, row["name"].lang or "")
                found.setdefault(key, set()).add(row["item"].text)
        return found

    def find_by_words(self, words: Iterable[str], limit: int = 8) -> dict[str, set[str]]:
        """Items with an English label or alias containing each word (snapshot only).

        Words found in more than `limit` items say little and are dropped."""
        found: dict[str, set[str]] = {}
        if not getattr(self.runner, "scannable", False):
            return found
        profile = self.profile
        predicates = " ".join(f"<{p}>" for p in profile.label_predicates + profile.alias_predicates)
        excluded = "".join(
            f" FILTER NOT EXISTS {{ ?item <{p}> ?excluded{i} }}"
            for i, p in enumerate(profile.exclude_predicates)
        )
        for chunk in _chunks(sorted(set(words)), 60):
            values = " ".join(_literal(w, None) for w in chunk)
            sparql = (
                f"SELECT DISTINCT ?item ?word WHERE {{ VALUES ?word {{ {values} }} "
                f"VALUES ?p {{ {predicates} }} ?item ?p ?name "
                'FILTER(LANGMATCHES(LANG(?name), "en") && CONTAINS(LCASE(STR(?name)), ?word)) '
                f'FILTER(STRSTARTS(STR(?item), "{profile.uri_space}")){excluded} }}'
            )
            for row in self.runner.select(sparql):
                found.setdefault(row["word"].text, set()).add(row["item"].text)
        return {word: items for word, items in found.items() if len(items) <= limit}

    def find_by_same_as(self, iris: Iterable[str]) -> dict[str, set[str]]:
        """Items stating owl:sameAs each given IRI (DBpedia resources for Wikidata items)."""
        wanted = sorted(set(iris))
        found: dict[str, set[str]] = {}
        if not self.profile.same_as_space or not wanted:
            return found
        for chunk in _chunks(wanted):
            values = " ".join(f"<{iri}>" for iri in chunk)
            sparql = (
                f"SELECT DISTINCT ?item ?other WHERE {{ VALUES ?other {{ {values} }} "
                f"?item <{OWL_SAME_AS}> ?other "
                f'FILTER(STRSTARTS(STR(?item), "{self.profile.uri_space}")) }}'
            )
            for row in self.runner.select(sparql):
                found.setdefault(row["other"].text, set()).add(row["item"].text)
        return found

    def describe(self, iris: Iterable[str]) -> dict[str, Candidate]:
        """Labels, aliases, redirects, codes, sameAs, dissolution and the known types of items."""
        wanted = sorted(set(iris))
        candidates = {iri: Candidate(iri) for iri in wanted}
        profile = self.profile
        languages = ", ".join(f'"{lang}"' for lang in LANGUAGES)
        properties = [*profile.label_predicates, *profile.alias_predicates, *profile.dissolved_predicates]
        for optional in (profile.code_predicate, profile.description_predicate):
            if optional:
                properties.append(optional)
        if profile.same_as_space:
            properties.append(OWL_SAME_AS)
        for chunk in _chunks(wanted):
            values = " ".join(f"<{iri}>" for iri in chunk)
            props = " ".join(f"<{p}>" for p in properties)
            parts = [
                f"{{ VALUES ?p {{ {props} }} ?item ?p ?o "
                f'FILTER(!isLiteral(?o) || LANG(?o) = "" || LANG(?o) IN ({languages})) }}'
            ]
            if profile.redirect_predicate:
                parts.append(
                    f"{{ ?page <{profile.redirect_predicate}> ?item ; <{RDFS_LABEL}> ?o "
                    f"BIND(<{profile.redirect_predicate}> AS ?p) FILTER(LANG(?o) IN ({languages})) }}"
                )
            sparql = f"SELECT ?item ?p ?o WHERE {{ VALUES ?item {{ {values} }} {' UNION '.join(parts)} }}"
            for row in self.runner.select(sparql):
                self._absorb(candidates[row["item"].text], row["p"].text, row["o"])
            classes = " ".join(f"<{c}>" for c in sorted(profile.type_classes()))
            sparql = (
                f"SELECT DISTINCT ?item ?class WHERE {{ VALUES ?item {{ {values} }} "
                f"VALUES ?class {{ {classes} }} ?item {profile.type_path} ?class }}"
            )
            for row in self.runner.select(sparql):
                candidates[row["item"].text].types.add(row["class"].text)
        return candidates

    def _absorb(self, candidate: Candidate, predicate: str, value: Value) -> None:
        profile = self.profile
        entry = (value.text, value.lang or "")
        if predicate in profile.label_predicates:
            candidate.labels.append(entry)
        elif predicate in profile.alias_predicates:
            candidate.aliases.append(entry)
        elif predicate == profile.redirect_predicate:
            candidate.redirects.append(entry)
        elif predicate == profile.code_predicate:
            candidate.codes.add(value.text.upper())
        elif predicate in profile.dissolved_predicates:
            candidate.dissolved = True
        elif predicate == OWL_SAME_AS:
            if profile.same_as_space and value.text.startswith(profile.same_as_space):
                candidate.same_as.add(value.text)
        elif predicate == profile.description_predicate and value.lang in ("en", ""):
            candidate.description = candidate.description or value.text


def open_source(profile: TargetProfile, endpoint: str | None, user_agent: str) -> CandidateSource:
    """The live endpoint when one is configured, else the shipped snapshot."""
    if endpoint:
        return CandidateSource(profile, HttpRunner(endpoint, user_agent))
    return CandidateSource(profile, LocalRunner.from_snapshot(profile.snapshot))
