"""The entity index: our resources with their names, classes and links, kept in step with the store.

Lookup (kg.names.lookup), reconciliation (kg.reconcile.matching) and linking (kg.linking.run) read the
same entries (kg.names.entries): every resource under the base IRI with a name or a qc: class, but
source sentences and reified statements; its classes (from every graph) with their superclasses; its
owl:sameAs / skos:exactMatch links in the linkset graphs; and the labels, aliases and redirect names
of the linked Wikidata / DBpedia items in the reference snapshot.
`EntityIndex.apply` takes one write's StoreChanges and reads again just the resources it touched;
`NameIndexes` keeps the index of one store and the views over it, built once and then updated.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import Protocol, TypeVar, cast

import pyoxigraph as ox

from kg import data
from kg.names.entries import (
    DESCRIPTION,
    EXACT_MATCH,
    ORIGIN_OF,
    RDF_TYPE,
    RDFS_LABEL,
    READ,
    SAME_AS,
    SKOS_ALT,
    SKOS_PREF,
    SUBCLASS_OF,
    EntityName,
    Entry,
    Row,
    make_entry,
    retyped,
    with_linked_names,
)
from kg.namespaces import LINKSET_GRAPH_PREFIX, QC, QCR
from kg.store.interface import KnowledgeStore, StoreChanges
from kg.store.oxigraph import OxigraphStore
from kg.store.views import LiveView

__all__ = [
    "DESCRIPTION",
    "EXACT_MATCH",
    "ORIGIN_OF",
    "RDF_TYPE",
    "RDFS_LABEL",
    "SAME_AS",
    "SKOS_ALT",
    "SKOS_PREF",
    "EntityIndex",
    "EntityName",
    "Entry",
    "NameIndexes",
    "reference_names",
]

DBO_REDIRECT = "http://dbpedia.org/ontology/wikiPageRedirects"
_PREDICATES = " ".join(f"<{p}>" for p in READ)
_STATEMENTS = f"""
SELECT ?e ?p ?o ?g WHERE {{
  VALUES ?p {{ {_PREDICATES} }}
  {{ ?e ?p ?o }} UNION {{ GRAPH ?g {{ ?e ?p ?o }} }}
  FILTER(isIRI(?e) && STRSTARTS(STR(?e), BASE) && !isBlank(?o))
}} ORDER BY ?e"""
# direct superclasses, closed here: not `rdfs:subClassOf+` with both ends free, which Virtuoso refuses
# ("transitive start not given"); the ontology's class tree is small
_SUBCLASSES = "SELECT DISTINCT ?c ?super WHERE { ?c rdfs:subClassOf ?super . FILTER(isIRI(?super)) }"
_CLASS_LABELS = (
    "SELECT ?c (SAMPLE(?label) AS ?l) WHERE { ?c a owl:Class ; rdfs:label ?label "
    'FILTER(STRSTARTS(STR(?c), STR(qc:)) && LANGMATCHES(LANG(?label), "en")) } GROUP BY ?c'
)

View = TypeVar("View")
R = TypeVar("R")
Replaced = list[tuple[Entry | None, Entry | None]]  # (old, new) entries of the resources a write touched


class EntityIndex:
    """Every resource under the base IRI that a consumer reads, by IRI."""

    def __init__(
        self, store: KnowledgeStore, base_iri: str = str(QCR), reference_dir: Path | None = None
    ) -> None:
        self.store = store
        self.base_iri = base_iri
        self.reference_dir = reference_dir
        self.entries: dict[str, Entry] = {}
        self.superclasses: dict[str, set[str]] = {}
        self.class_labels: dict[str, str] = {}
        self._shared: dict[frozenset[str], frozenset[str]] = {}

    @classmethod
    def from_store(
        cls, store: KnowledgeStore, base_iri: str = str(QCR), reference_dir: Path | None = None
    ) -> EntityIndex:
        """Read the entries, the class hierarchy and the class labels of a store."""
        index = cls(store, base_iri, reference_dir)
        index.superclasses, index.class_labels = index._schema()
        rows = store.query(_STATEMENTS.replace("BASE", json.dumps(base_iri)), union_default_graph=False)
        for iri, group in groupby(rows, key=lambda row: row["e"].value):
            index._put(iri, sorted(_row(row["p"], row["o"], row["g"]) for row in group))
        with_linked_names(index.entries.values(), index._linked)
        return index

    def apply(self, changes: StoreChanges) -> Replaced:
        """Read again the resources one write touched (the store holds the new state)."""
        quads = changes.removed | changes.added
        replaced: dict[str, tuple[Entry | None, Entry | None]] = {}
        schema = (SUBCLASS_OF, RDFS_LABEL, RDF_TYPE)
        if any(q.predicate.value in schema and _in(q.subject, str(QC)) for q in quads):
            superclasses, self.class_labels = self._schema()
            if superclasses != self.superclasses:  # every entry's classes again (rare: the ontology)
                self.superclasses = superclasses
                for iri, entry in list(self.entries.items()):
                    self.entries[iri] = retyped(entry, superclasses, self._share)
                    replaced[iri] = (entry, self.entries[iri])
        read_again = []
        for iri in sorted({q.subject.value for q in quads if _in(q.subject, self.base_iri)}):
            old = replaced[iri][0] if iri in replaced else self.entries.get(iri)
            self.entries.pop(iri, None)
            new = self._put(iri, sorted(self._rows(iri)))
            replaced[iri] = (old, new)
            if new is not None:
                read_again.append(new)
        with_linked_names(read_again, self._linked)
        return list(replaced.values())

    def values(self, iri: str, predicate: str) -> set[str]:
        """The values (IRIs, lexical forms) of one property of a resource, outside the linksets."""
        quads = self.store.quads_matching(ox.NamedNode(iri), ox.NamedNode(predicate), None, None)
        return {q.object.value for q in quads if _kept(q.object) and not _linkset(q.graph_name)}

    def subjects(self, predicate: str, linksets: bool = False) -> set[str]:
        """The indexed resources that have a value for a property (outside the linksets, unless asked)."""
        quads = self.store.quads_matching(None, ox.NamedNode(predicate), None, None)
        return {
            q.subject.value
            for q in quads
            if q.subject.value in self.entries
            and _kept(q.object)
            and (linksets or not _linkset(q.graph_name))
        }

    def _put(self, iri: str, rows: list[Row]) -> Entry | None:
        entry = make_entry(iri, rows, self.base_iri, self.superclasses, self._share)
        if entry is not None:
            self.entries[iri] = entry
        return entry

    def _rows(self, iri: str) -> Iterator[Row]:
        subject = ox.NamedNode(iri)
        for predicate in READ:
            for quad in self.store.quads_matching(subject, ox.NamedNode(predicate), None, None):
                graph = quad.graph_name
                if _kept(quad.object):
                    named = None if isinstance(graph, ox.DefaultGraph) else graph
                    yield _row(quad.predicate, quad.object, named)

    def _schema(self) -> tuple[dict[str, set[str]], dict[str, str]]:
        direct: dict[str, set[str]] = {}
        for row in self.store.query(_SUBCLASSES):
            direct.setdefault(row["c"].value, set()).add(row["super"].value)
        superclasses = {c: _closure(c, direct) for c in direct}
        labels = {row["c"].value: row["l"].value for row in self.store.query(_CLASS_LABELS)}
        return superclasses, labels

    def _share(self, values: frozenset[str]) -> frozenset[str]:
        """One frozenset object for each distinct set of classes (most entries share them)."""
        return self._shared.setdefault(values, values)

    def _linked(self, iris: Iterable[str]) -> dict[str, list[EntityName]]:
        return reference_names(iris, self.reference_dir)


def _closure(start: str, direct: dict[str, set[str]]) -> set[str]:
    """Every class `start` is a subclass of, through one or more rdfs:subClassOf (as `+` reads them)."""
    found: set[str] = set()
    todo = list(direct.get(start, ()))
    while todo:
        if (current := todo.pop()) not in found:
            found.add(current)
            todo.extend(direct.get(current, ()))
    return found


def _row(predicate: ox.NamedNode, value: ox.Term, graph: ox.NamedNode | ox.BlankNode | None) -> Row:
    literal = isinstance(value, ox.Literal)
    language = (value.language or "") if isinstance(value, ox.Literal) else ""
    return predicate.value, value.value, language, graph.value if graph else "", literal


def _kept(term: object) -> bool:
    return isinstance(term, ox.NamedNode | ox.Literal)


def _linkset(graph: object) -> bool:
    return isinstance(graph, ox.NamedNode) and graph.value.startswith(LINKSET_GRAPH_PREFIX)


def _in(term: object, namespace: str) -> bool:
    return isinstance(term, ox.NamedNode) and term.value.startswith(namespace)


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


class NameView(Protocol):
    """What is built over the entity index and follows its changes (LookupIndex, ReconcileIndex)."""

    def update(self, removed: Sequence[Entry], added: Sequence[Entry]) -> None: ...


class _Views:
    """The entity index and the views over it, updated together."""

    def __init__(self, index: EntityIndex, makers: Iterable[Callable[[EntityIndex], NameView]]) -> None:
        self.index = index
        self.views: dict[Callable[[EntityIndex], object], NameView] = {make: make(index) for make in makers}

    def view(self, make: Callable[[EntityIndex], View]) -> View:
        if make not in self.views:
            self.views[make] = cast(NameView, make(self.index))
        return cast(View, self.views[make])

    def apply(self, changes: StoreChanges) -> None:
        replaced = self.index.apply(changes)
        removed = [old for old, _ in replaced if old is not None]
        added = [new for _, new in replaced if new is not None]
        for view in self.views.values():
            view.update(removed, added)


class NameIndexes:
    """The entity index of one store and the views built over it, made once and kept in step.

    `start()` builds them in the background (reads wait up to `wait_seconds`, then get a 503);
    `apply` (the writer's observer) updates them from each write's StoreChanges before the write
    returns; `None` (a bulk load) builds them again in the background, the old ones serving meanwhile.
    """

    def __init__(
        self,
        store: KnowledgeStore,
        base_iri: str = str(QCR),
        reference_dir: Path | None = None,
        views: Iterable[Callable[[EntityIndex], NameView]] = (),
        wait_seconds: float = 30.0,
    ) -> None:
        makers = tuple(views)
        self._live: LiveView[_Views] = LiveView(
            "name index",
            lambda: _Views(EntityIndex.from_store(store, base_iri, reference_dir), makers),
            _Views.apply,
            replayable=True,
            wait_seconds=wait_seconds,
        )

    def start(self) -> None:
        """Build the index and its views in a background thread."""
        self._live.start()

    def apply(self, changes: StoreChanges | None) -> None:
        """The writer's observer: follow one committed write (None: build everything again)."""
        self._live.observe(changes)

    def invalidate(self, changes: object = None) -> None:
        """Anything may have changed: build again (in the background, the old index serving meanwhile)."""
        self._live.observe(None)

    def read(self, make: Callable[[EntityIndex], View], use: Callable[[View], R]) -> R:
        """`use(view)` on the current view made by `make`, with no write applied meanwhile."""
        return self._live.read(lambda views: use(views.view(make)))

    def view(self, make: Callable[[EntityIndex], View]) -> View:
        """The current view made by `make` (LookupIndex, ReconcileIndex), made once, then updated."""
        return self.read(make, lambda view: view)

    def index(self) -> EntityIndex:
        """The current entity index."""
        return self._live.read(lambda views: views.index)
