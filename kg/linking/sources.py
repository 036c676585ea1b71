"""Where link candidates come from: Wikidata and DBpedia, offline (the shipped snapshot) or online.

Both ways ask the same SPARQL queries: offline they run in an in-memory Oxigraph store loaded
with kg/data/reference/{target}.ttl, online they go over HTTP to the endpoint named by the
settings (wikidata_endpoint, dbpedia_endpoint), with the configured User-Agent. The queries look
names up by exact literal (the way the public endpoints answer fast) and then fetch labels,
aliases, types, codes and owl:sameAs of the candidates; the scoring is done in kg.link.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import httpx
import pyoxigraph as ox

from kg.errors import QcollabError
from kg.namespaces import LINKSET_GRAPH_PREFIX

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
SCHEMA_DESCRIPTION = "http://schema.org/description"
WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
DBR = "http://dbpedia.org/resource/"
DBO = "http://dbpedia.org/ontology/"

LANGUAGES = ("en", "fr", "de", "ja", "zh", "es", "mul")
CHUNK = 40


class LinkingSourceError(QcollabError):
    """A link target could not be queried (endpoint down, bad answer, missing snapshot)."""


@dataclass(frozen=True)
class TypeRule:
    """Which types a candidate must have (any of; None: no constraint) and must not have."""

    required: frozenset[str] | None = None
    forbidden: frozenset[str] = frozenset()
    reject_dissolved: bool = False


@dataclass(frozen=True)
class TargetProfile:
    """How one link target describes things: predicates, type path and the type rules per kind."""

    name: str
    title: str
    uri_space: str
    endpoint_setting: str
    label_predicates: tuple[str, ...]
    alias_predicates: tuple[str, ...]
    type_path: str
    rules: dict[str, TypeRule]
    redirect_predicate: str | None = None
    exclude_predicates: tuple[str, ...] = ()
    code_predicate: str | None = None
    dissolved_predicates: tuple[str, ...] = ()
    same_as_space: str | None = None
    description_predicate: str | None = None

    @property
    def graph(self) -> str:
        return f"{LINKSET_GRAPH_PREFIX}{self.name}"

    @property
    def snapshot(self) -> Path:
        return REFERENCE_DIR / f"{self.name}.ttl"

    def type_classes(self) -> set[str]:
        classes: set[str] = set()
        for rule in self.rules.values():
            classes |= set(rule.required or ()) | set(rule.forbidden)
        return classes


def _wd(*ids: str) -> frozenset[str]:
    return frozenset(WD + i for i in ids)


def _dbo(*names: str) -> frozenset[str]:
    return frozenset(DBO + n for n in names)


# Wikidata classes: country, sovereign state, historical country, supranational union,
# international / regional organization, continent, geographic region, island, U.S. state,
# human, organization, business, company, university, research institute, government agency and
# organization. Checked through wdt:P31/wdt:P279*, so subclasses count.
_WD_STATES = _wd("Q6256", "Q3624078")
_WD_UNIONS = _wd("Q1335818", "Q484652", "Q4120211")
_WD_REGIONS = _wd("Q5107", "Q82794")
_WD_ORGANIZATIONS = _wd("Q43229", "Q4830453", "Q783794", "Q3918", "Q31855", "Q327333", "Q2659904")
_WD_NOT_A_THING_OF_IDEAS = _wd("Q5", "Q3024240", "Q35657", "Q23442") | _WD_STATES | _WD_REGIONS

WIKIDATA = TargetProfile(
    name="wikidata",
    title="Wikidata",
    uri_space=WD,
    endpoint_setting="wikidata_endpoint",
    label_predicates=(RDFS_LABEL,),
    alias_predicates=(SKOS_ALT,),
    type_path=f"<{WDT}P31>/<{WDT}P279>*",
    code_predicate=f"{WDT}P297",
    dissolved_predicates=(f"{WDT}P576",),
    description_predicate=SCHEMA_DESCRIPTION,
    rules={
        "country": TypeRule(_WD_STATES, _wd("Q3024240", "Q35657"), reject_dissolved=True),
        "union": TypeRule(_WD_UNIONS, _wd("Q3024240") | _WD_STATES, reject_dissolved=True),
        "region": TypeRule(_WD_REGIONS, _WD_STATES | _wd("Q35657")),
        "organization": TypeRule(_WD_ORGANIZATIONS | _WD_UNIONS, _wd("Q5") | _WD_STATES | _WD_REGIONS),
        "actor": TypeRule(
            _WD_STATES | _WD_UNIONS | _WD_REGIONS | _WD_ORGANIZATIONS, _wd("Q5", "Q3024240", "Q35657")
        ),
        "program": TypeRule(None, _WD_NOT_A_THING_OF_IDEAS),
        "concept": TypeRule(None, _WD_NOT_A_THING_OF_IDEAS | _WD_ORGANIZATIONS),
    },
)

_DBO_PLACES = _dbo("Place", "Country", "Continent", "Region", "PopulatedPlace")
DBPEDIA = TargetProfile(
    name="dbpedia",
    title="DBpedia",
    uri_space=DBR,
    endpoint_setting="dbpedia_endpoint",
    label_predicates=(RDFS_LABEL,),
    alias_predicates=(),
    type_path=f"<{RDF_TYPE}>",
    redirect_predicate=f"{DBO}wikiPageRedirects",
    exclude_predicates=(f"{DBO}wikiPageRedirects", f"{DBO}wikiPageDisambiguates"),
    dissolved_predicates=(f"{DBO}dissolutionYear", f"{DBO}dissolutionDate"),
    same_as_space=WD,
    rules={
        "country": TypeRule(_dbo("Country"), _dbo("AdministrativeRegion", "Person"), reject_dissolved=True),
        "union": TypeRule(_dbo("Organisation", "Country"), _dbo("Person"), reject_dissolved=True),
        "region": TypeRule(_dbo("Continent", "Region"), _dbo("Country", "Person")),
        "organization": TypeRule(_dbo("Organisation"), _dbo("Person") | _DBO_PLACES),
        "actor": TypeRule(_dbo("Organisation", "Country", "Continent", "Region"), _dbo("Person")),
        "program": TypeRule(None, _dbo("Person") | _DBO_PLACES),
        "concept": TypeRule(None, _dbo("Person", "Agent", "Work") | _DBO_PLACES),
    },
)

PROFILES: dict[str, TargetProfile] = {p.name: p for p in (WIKIDATA, DBPEDIA)}


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


@dataclass(frozen=True)
class Value:
    """One bound value of a SPARQL solution."""

    text: str
    lang: str | None = None
    is_iri: bool = False


Row = dict[str, Value]


class QueryRunner(Protocol):
    """Runs a SELECT query and returns its solutions."""

    description: str

    def select(self, sparql: str) -> list[Row]: ...


def _solutions(result: ox.QuerySolutions) -> list[Row]:
    names = [v.value for v in result.variables]
    rows: list[Row] = []
    for solution in result:
        row: Row = {}
        for name in names:
            term = solution[name]
            if term is None:
                continue
            if isinstance(term, ox.Literal):
                row[name] = Value(term.value, term.language)
            else:
                row[name] = Value(term.value, None, isinstance(term, ox.NamedNode))
        rows.append(row)
    return rows


class LocalRunner:
    """A pyoxigraph store (the snapshot loaded in memory)."""

    scannable = True  # small enough to scan labels for words (fuzzy candidates)

    def __init__(self, store: ox.Store, description: str) -> None:
        self.store = store
        self.description = description

    @classmethod
    def from_snapshot(cls, path: Path) -> LocalRunner:
        if not path.is_file():
            raise LinkingSourceError(f"the reference snapshot {path} is missing")
        store = ox.Store()
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
        return cls(store, f"reference snapshot {path.name}")

    def select(self, sparql: str) -> list[Row]:
        result = self.store.query(sparql)
        if not isinstance(result, ox.QuerySolutions):
            raise LinkingSourceError("expected a SELECT result")
        return _solutions(result)


class HttpRunner:
    """A remote SPARQL endpoint (SPARQL 1.1 protocol, POST form, JSON results)."""

    scannable = False  # a public endpoint cannot scan all its labels: exact look-ups only

    def __init__(self, endpoint: str, user_agent: str, timeout: float = 60.0) -> None:
        self.endpoint = endpoint
        self.description = f"SPARQL endpoint <{endpoint}>"
        self.client = httpx.Client(
            timeout=timeout,
            headers={"User-Agent": user_agent, "Accept": "application/sparql-results+json"},
            follow_redirects=True,
        )

    def select(self, sparql: str) -> list[Row]:
        try:
            response = self.client.post(self.endpoint, data={"query": sparql})
        except httpx.HTTPError as error:
            raise LinkingSourceError(f"cannot reach {self.endpoint}: {error}") from error
        if response.status_code != 200:
            raise LinkingSourceError(
                f"{self.endpoint} answered {response.status_code}: {response.text[:300]}"
            )
        try:
            bindings = response.json()["results"]["bindings"]
        except (ValueError, KeyError, TypeError) as error:
            raise LinkingSourceError(f"{self.endpoint} did not answer SPARQL JSON results") from error
        rows: list[Row] = []
        for binding in bindings:
            row: Row = {}
            for name, term in binding.items():
                kind = term.get("type")
                row[name] = Value(term["value"], term.get("xml:lang"), kind == "uri")
            rows.append(row)
        return rows

    def close(self) -> None:
        self.client.close()


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
