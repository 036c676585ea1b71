"""The index's content: our typed resources with their names, properties and links, and linked names."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from kg.linking.sources import PROFILES, RDFS_LABEL, REFERENCE_DIR, SKOS_ALT
from kg.namespaces import LINKSET_GRAPH_PREFIX, PREFIXES, QC
from kg.store.oxigraph import OxigraphStore

SKOS_PREF = PREFIXES["skos"] + "prefLabel"
DESCRIPTION = PREFIXES["dcterms"] + "description"
SAME_AS = PREFIXES["owl"] + "sameAs"
EXACT_MATCH = PREFIXES["skos"] + "exactMatch"
DBO_REDIRECT = "http://dbpedia.org/ontology/wikiPageRedirects"

# Resources that are not things to reconcile against.
EXCLUDED_CLASSES = frozenset({str(QC.SourceSentence), str(QC.SourceDocument)})


@dataclass
class Entry:
    """One resource that can be a reconciliation candidate."""

    iri: str
    id: str
    name: str = ""
    description: str | None = None
    types: set[str] = field(default_factory=set)
    all_types: set[str] = field(default_factory=set)
    names: list[tuple[str, str, str]] = field(default_factory=list)  # (text, lang, origin)
    properties: dict[str, set[str]] = field(default_factory=dict)
    links: set[str] = field(default_factory=set)


@lru_cache(maxsize=4)
def _snapshot(path: Path) -> ox.Store | None:
    if not path.is_file():
        return None
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


Names = list[tuple[str, str, str]]  # (text, language, origin)


def reference_names(iris: Iterable[str], reference_dir: Path = REFERENCE_DIR) -> dict[str, Names]:
    """Names of external items in the reference snapshots: labels, aliases, redirect names."""
    wanted = sorted(set(iris))
    names: dict[str, Names] = {}
    if not wanted:
        return names
    values = " ".join(f"<{iri}>" for iri in wanted)
    for profile in PROFILES.values():
        snapshot = _snapshot(reference_dir / f"{profile.name}.ttl")
        if snapshot is None:
            continue
        sparql = (
            f"SELECT ?item ?p ?name WHERE {{ VALUES ?item {{ {values} }} "
            f"{{ VALUES ?p {{ <{RDFS_LABEL}> <{SKOS_ALT}> }} ?item ?p ?name }} UNION "
            f"{{ ?page <{DBO_REDIRECT}> ?item ; <{RDFS_LABEL}> ?name BIND(<{DBO_REDIRECT}> AS ?p) }} }}"
        )
        for row in snapshot.query(sparql):
            origin = "linked-label" if row["p"].value == RDFS_LABEL else "linked-alias"
            literal = row["name"]
            names.setdefault(row["item"].value, []).append((literal.value, literal.language or "", origin))
    return names


def _typed_entries(store: OxigraphStore, base_iri: str) -> dict[str, Entry]:
    """Our resources typed with a qc: class (sources excluded), with their most specific types."""
    entries: dict[str, Entry] = {}
    supers: dict[str, set[str]] = {}
    rows = store.query(
        "SELECT DISTINCT ?e ?type ?super WHERE { ?e a ?type . ?type rdfs:subClassOf* ?super "
        f'FILTER(isIRI(?e) && STRSTARTS(STR(?e), "{base_iri}") && STRSTARTS(STR(?type), STR(qc:)) '
        "&& STRSTARTS(STR(?super), STR(qc:))) }"
    )
    for row in rows:
        iri = row["e"].value
        entry = entries.setdefault(iri, Entry(iri, iri[len(base_iri):]))
        entry.types.add(row["type"].value)
        entry.all_types.update((row["type"].value, row["super"].value))
        if row["super"].value != row["type"].value:
            supers.setdefault(row["type"].value, set()).add(row["super"].value)
    for iri in [i for i, e in entries.items() if e.all_types & EXCLUDED_CLASSES]:
        del entries[iri]
    for entry in entries.values():  # keep the most specific types: Country, not also Actor
        implied = set().union(*(supers.get(t, set()) for t in entry.types))
        entry.types -= implied
    return entries


def _class_labels(store: OxigraphStore) -> dict[str, str]:
    """The English label of each qc: class."""
    return {
        row["c"].value: row["l"].value
        for row in store.query(
            'SELECT ?c (SAMPLE(?label) AS ?l) WHERE { ?c a owl:Class ; rdfs:label ?label '
            'FILTER(STRSTARTS(STR(?c), STR(qc:)) && LANGMATCHES(LANG(?label), "en")) } GROUP BY ?c'
        )
    }


def load_entries(
    store: OxigraphStore, base_iri: str, reference_dir: Path = REFERENCE_DIR
) -> tuple[dict[str, Entry], dict[str, str]]:
    """The reconcilable resources under base_iri, by IRI, and the English labels of our classes."""
    entries = _typed_entries(store, base_iri)
    if not entries:
        return {}, {}
    values = " ".join(f"<{iri}>" for iri in entries)
    rows = store.query(
        f"SELECT ?e ?p ?o ?g WHERE {{ VALUES ?e {{ {values} }} GRAPH ?g {{ ?e ?p ?o }} }}"
    )
    for row in rows:
        entry = entries[row["e"].value]
        predicate, value, graph = row["p"].value, row["o"], row["g"].value
        if graph.startswith(LINKSET_GRAPH_PREFIX):
            if predicate in (SAME_AS, EXACT_MATCH) and isinstance(value, ox.NamedNode):
                entry.links.add(value.value)
            continue
        if predicate in (RDFS_LABEL, SKOS_PREF) and isinstance(value, ox.Literal):
            entry.names.append((value.value, value.language or "", "label"))
        elif predicate == SKOS_ALT and isinstance(value, ox.Literal):
            entry.names.append((value.value, value.language or "", "alias"))
        elif predicate == DESCRIPTION and isinstance(value, ox.Literal):
            entry.description = entry.description or value.value
        if isinstance(value, ox.Literal | ox.NamedNode):
            entry.properties.setdefault(predicate, set()).add(value.value)
    linked = reference_names({link for e in entries.values() for link in e.links}, reference_dir)
    for entry in entries.values():
        for link in sorted(entry.links):
            entry.names.extend(linked.get(link, []))
        labels = [t for t, lang, origin in entry.names if origin == "label"]
        english = [t for t, lang, origin in entry.names if origin == "label" and lang == "en"]
        entry.name = (english or labels or [entry.id])[0]
        entry.names = list(dict.fromkeys(entry.names))
    return entries, _class_labels(store)
