"""The entity index: our resources with their names, classes and links, read from the store at once.

Lookup (kg.names.lookup), reconciliation (kg.reconcile.matching) and linking (kg.linking.run) read the
same entries.
An entry holds what the data graphs say about a resource under the base IRI (every graph but
the linksets, the default graph included): rdfs:label and skos:prefLabel as labels,
skos:altLabel as aliases, its description and property values; its classes (from every graph)
with their superclasses; its owl:sameAs / skos:exactMatch links in the linkset graphs; and the
labels, aliases and redirect names of the linked Wikidata / DBpedia items in the reference
snapshot. Statements are read in a fixed order (subject, predicate, value, language, graph), so
"the first label" or "the first description" is the same whatever the store's layout.
`NameIndexes` keeps the index of one store (and what is built over it) until a write.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TypeVar, cast

import pyoxigraph as ox

from kg import data
from kg.namespaces import LINKSET_GRAPH_PREFIX, PREFIXES, QC, QCR
from kg.store.interface import KnowledgeStore
from kg.store.oxigraph import OxigraphStore

RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS_LABEL = PREFIXES["rdfs"] + "label"
SKOS_ALT = PREFIXES["skos"] + "altLabel"
SKOS_PREF = PREFIXES["skos"] + "prefLabel"
DESCRIPTION = PREFIXES["dcterms"] + "description"
SAME_AS = PREFIXES["owl"] + "sameAs"
EXACT_MATCH = PREFIXES["skos"] + "exactMatch"
DBO_REDIRECT = "http://dbpedia.org/ontology/wikiPageRedirects"
ORIGIN_OF = {RDFS_LABEL: "label", SKOS_PREF: "label", SKOS_ALT: "alias"}

_STATEMENTS = """
SELECT ?e ?p ?o ?g WHERE {
  { ?e ?p ?o } UNION { GRAPH ?g { ?e ?p ?o } }
  FILTER(isIRI(?e) && STRSTARTS(STR(?e), BASE) && !isBlank(?o))
}"""
_SUBCLASSES = "SELECT DISTINCT ?c ?super WHERE { ?c rdfs:subClassOf+ ?super . FILTER(isIRI(?super)) }"
_CLASS_LABELS = (
    "SELECT ?c (SAMPLE(?label) AS ?l) WHERE { ?c a owl:Class ; rdfs:label ?label "
    'FILTER(STRSTARTS(STR(?c), STR(qc:)) && LANGMATCHES(LANG(?label), "en")) } GROUP BY ?c'
)

View = TypeVar("View")
Statement = tuple[str, str, str, str, str, bool]  # subject, predicate, value, language, graph, literal


@dataclass(frozen=True)
class EntityName:
    """One name of an entity: its text, language ("" for none) and origin.

    The origin is "label" or "alias" for our own names, "linked-label" or "linked-alias" for
    the names of a linked item in the reference snapshot (redirect names count as aliases).
    """

    text: str
    language: str = ""
    origin: str = "label"

    @property
    def preferred(self) -> bool:
        """Labels are preferred names, aliases are not."""
        return self.origin in ("label", "linked-label")

    @property
    def local(self) -> bool:
        """Whether the name is ours rather than a linked item's."""
        return not self.origin.startswith("linked-")


@dataclass
class Entry:
    """One resource of ours: its names, classes, description, property values and links."""

    iri: str
    id: str
    name: str = ""
    names: list[EntityName] = field(default_factory=list)
    types: set[str] = field(default_factory=set)
    all_types: set[str] = field(default_factory=set)
    description: str | None = None
    properties: dict[str, set[str]] = field(default_factory=dict)
    links: set[str] = field(default_factory=set)


class EntityIndex:
    """Every resource under the base IRI that has a name or a class, by IRI (in IRI order).

    `name` is the first English label (else the first label, else the id); `types` are the
    most specific qc: classes, `all_types` every class with all its superclasses; the
    description is the first English (or untagged) one, else the first.
    """

    def __init__(
        self,
        entries: dict[str, Entry],
        superclasses: dict[str, set[str]],
        class_labels: dict[str, str],
        base_iri: str,
    ) -> None:
        self.entries = entries
        self.superclasses = superclasses
        self.class_labels = class_labels
        self.base_iri = base_iri

    @classmethod
    def from_store(
        cls, store: KnowledgeStore, base_iri: str = str(QCR), reference_dir: Path | None = None
    ) -> EntityIndex:
        """Read the entries, the class hierarchy and the class labels of a store."""
        superclasses: dict[str, set[str]] = {}
        for row in store.query(_SUBCLASSES):
            superclasses.setdefault(row["c"].value, set()).add(row["super"].value)
        entries = _entries(sorted(_statements(store, base_iri)), base_iri, superclasses)
        linked = reference_names({link for e in entries.values() for link in e.links}, reference_dir)
        for entry in entries.values():
            for link in sorted(entry.links):
                entry.names.extend(linked.get(link, []))
            entry.names = list(dict.fromkeys(entry.names))
        labels = {row["c"].value: row["l"].value for row in store.query(_CLASS_LABELS)}
        return cls(entries, superclasses, labels, base_iri)


def _statements(store: KnowledgeStore, base_iri: str) -> Iterable[Statement]:
    """Every statement about a resource under base_iri, in any graph ("" for the default graph)."""
    rows = store.query(_STATEMENTS.replace("BASE", json.dumps(base_iri)), union_default_graph=False)
    for row in rows:
        value, graph = row["o"], row["g"]
        literal = isinstance(value, ox.Literal)
        language = (value.language or "") if isinstance(value, ox.Literal) else ""
        yield row["e"].value, row["p"].value, value.value, language, graph.value if graph else "", literal


def _entries(rows: list[Statement], base_iri: str, superclasses: dict[str, set[str]]) -> dict[str, Entry]:
    """The entries of the sorted statements: those with at least one name or class."""
    entries: dict[str, Entry] = {}
    asserted: dict[str, set[str]] = {}
    descriptions: dict[str, list[tuple[str, str]]] = {}
    for iri, predicate, value, language, graph, literal in rows:
        entry = entries.get(iri)
        if entry is None:
            entry = entries[iri] = Entry(iri, iri[len(base_iri):])
        if predicate == RDF_TYPE and not literal:
            asserted.setdefault(iri, set()).add(value)
        if graph.startswith(LINKSET_GRAPH_PREFIX):
            if predicate in (SAME_AS, EXACT_MATCH) and not literal:
                entry.links.add(value)
            continue
        if predicate in ORIGIN_OF and literal:
            entry.names.append(EntityName(value, language, ORIGIN_OF[predicate]))
        elif predicate == DESCRIPTION and literal:
            descriptions.setdefault(iri, []).append((value, language))
        entry.properties.setdefault(predicate, set()).add(value)
    for iri in [i for i, e in entries.items() if not e.names and i not in asserted]:
        del entries[iri]
    for iri, entry in entries.items():
        classes = asserted.get(iri, set())
        entry.all_types = classes.union(*(superclasses.get(t, set()) for t in classes))
        own = {t for t in classes if t.startswith(str(QC))}
        entry.types = own - set().union(*(superclasses.get(t, set()) - {t} for t in own))
        labels = [n for n in entry.names if n.origin == "label"]
        english = [n for n in labels if n.language == "en"]
        entry.name = (english or labels)[0].text if labels else entry.id
        found = descriptions.get(iri, [])
        plain = [text for text, language in found if language in ("", "en")]
        entry.description = (plain or [text for text, _ in found] or [None])[0]
    return entries


@lru_cache(maxsize=4)
def _snapshot(path: Path) -> OxigraphStore | None:
    return OxigraphStore.from_file(path) if path.is_file() else None


def reference_names(iris: Iterable[str], reference_dir: Path | None = None) -> dict[str, list[EntityName]]:
    """Names of external items in the reference snapshots: labels, aliases, redirect names."""
    wanted = sorted(set(iris))
    names: dict[str, list[EntityName]] = {}
    if not wanted:
        return names
    values = " ".join(f"<{iri}>" for iri in wanted)
    for target in data.REFERENCE_TARGETS:
        snapshot = _snapshot(data.reference_snapshot(target, reference_dir))
        if snapshot is None:
            continue
        sparql = (
            f"SELECT ?item ?p ?name WHERE {{ VALUES ?item {{ {values} }} "
            f"{{ VALUES ?p {{ <{RDFS_LABEL}> <{SKOS_ALT}> }} ?item ?p ?name }} UNION "
            f"{{ ?page <{DBO_REDIRECT}> ?item ; <{RDFS_LABEL}> ?name BIND(<{DBO_REDIRECT}> AS ?p) }} }}"
        )
        for row in snapshot.query(sparql, union_default_graph=False):
            origin = "linked-label" if row["p"].value == RDFS_LABEL else "linked-alias"
            literal = row["name"]
            names.setdefault(row["item"].value, []).append(
                EntityName(literal.value, literal.language or "", origin)
            )
    return names


class NameIndexes:
    """The entity index of one store and the views built over it, made again after a write.

    `invalidate` (the writer's observer) only marks the index stale, so a write never waits
    for a rebuild; the next `index()` or `view()` reads the store again. A rebuild that a write
    overtook is not kept: it is stamped with the generation it started from.
    """

    def __init__(
        self, store: KnowledgeStore, base_iri: str = str(QCR), reference_dir: Path | None = None
    ) -> None:
        self.store = store
        self.base_iri = base_iri
        self.reference_dir = reference_dir
        self._lock = threading.Lock()
        self._stamp = threading.Lock()
        self._generation = 0
        self._built = -1
        self._index: EntityIndex | None = None
        self._views: dict[Callable[[EntityIndex], object], object] = {}

    def invalidate(self) -> None:
        """Forget the index: the next use reads the store again."""
        with self._stamp:
            self._generation += 1

    def index(self) -> EntityIndex:
        """The current entity index, read from the store if a write happened since."""
        with self._lock:
            return self._current()

    def view(self, make: Callable[[EntityIndex], View]) -> View:
        """What `make` builds over the current index (LookupIndex, ReconcileIndex), made once per index."""
        with self._lock:
            index = self._current()
            if make not in self._views:
                self._views[make] = make(index)
            return cast(View, self._views[make])

    def _current(self) -> EntityIndex:
        generation = self._generation
        if self._index is None or self._built != generation:
            self._index = EntityIndex.from_store(self.store, self.base_iri, self.reference_dir)
            self._built = generation
            self._views = {}
        return self._index
