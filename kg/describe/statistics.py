"""The numbers VoID and the Service Description report, counted once and then kept in step with writes.

`DatasetStatistics.from_store` counts with SPARQL (at start-up, and for `qcollab export --void`);
`apply` updates the numbers from one write's StoreChanges with a few existence checks on the store
per distinct triple, subject, object, property and class the write touched (the store already holds
the new state; what it held before is that state without the added quads, with the removed ones).
Like VoID, the dataset is the union of the named graphs: the default graph is not counted.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

import pyoxigraph as ox

from kg.namespaces import LINKSET_GRAPH_PREFIX, PREFIXES, QC
from kg.store.interface import KnowledgeStore, StoreChanges
from kg.store.views import LiveView

RDF_TYPE = PREFIXES["rdf"] + "type"
STARTED = PREFIXES["prov"] + "startedAtTime"
ACTIVITY = PREFIXES["prov"] + "Activity"
LINK_PREDICATES = tuple(
    PREFIXES[p] + local for p, local in (("owl", "sameAs"), ("skos", "exactMatch"), ("skos", "closeMatch"))
)
EXAMPLE_CLASSES = ("Country", "SupranationalUnion", "Program", "TechnologyArea", "ApplicationDomain")

_COUNTS = """SELECT ?kind ?n WHERE {
  { SELECT ("triples" AS ?kind) (COUNT(*) AS ?n)
    WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } } }
  UNION { SELECT ("subjects" AS ?kind) (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } }
  UNION { SELECT ("objects" AS ?kind) (COUNT(DISTINCT ?o) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } }
  UNION { SELECT ("entities" AS ?kind) (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o }
          FILTER(isIRI(?s) && STRSTARTS(STR(?s), BASE)) } }
}"""
_PROPERTIES = "SELECT DISTINCT ?p WHERE { GRAPH ?g { ?s ?p ?o } }"
_CLASSES = "SELECT DISTINCT ?c WHERE { GRAPH ?g { ?s a ?c } }"
_PARTITIONS = (
    "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } "
    "FILTER(STRSTARTS(STR(?c), STR(qc:)) && STRSTARTS(STR(?s), BASE)) } GROUP BY ?c"
)
_EXAMPLE = (
    "SELECT ?s WHERE { GRAPH ?g { ?s a <CLASS> } FILTER(isIRI(?s) && STRSTARTS(STR(?s), BASE)) } "
    "ORDER BY ?s LIMIT 1"
)
_LINKS = (
    "SELECT ?p (COUNT(*) AS ?n) WHERE { GRAPH <GRAPH> { ?s ?p ?o } VALUES ?p { PREDICATES } "
    "FILTER(isIRI(?o) && !STRSTARTS(STR(?o), BASE)) } GROUP BY ?p"
)
_MODIFIED = (
    "SELECT (MAX(?t) AS ?when) WHERE { GRAPH <GRAPH> { ?run a prov:Activity ; prov:startedAtTime ?t } }"
)

Pattern = tuple[object, object, object]  # subject, predicate, object; None matches anything
K = TypeVar("K")


@dataclass
class DatasetStatistics:
    """What VoID says about the dataset, its named graphs and its linksets."""

    base_iri: str
    triples: int = 0  # distinct triples in the union of the named graphs
    subjects: int = 0
    objects: int = 0
    entities: int = 0  # distinct subjects under the base IRI
    properties: set[str] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)
    class_entities: dict[str, int] = field(default_factory=dict)  # qc: class -> entities of that class
    examples: dict[str, str] = field(default_factory=dict)  # example class -> its first entity (IRI order)
    graphs: dict[str, int] = field(default_factory=dict)  # named graph -> quads
    links: dict[str, dict[str, int]] = field(default_factory=dict)  # linkset graph -> predicate -> links
    modified: dict[str, str] = field(default_factory=dict)  # linkset graph -> its latest run's start

    @classmethod
    def from_store(cls, store: KnowledgeStore, base_iri: str) -> DatasetStatistics:
        """Count everything with SPARQL."""
        stats = cls(base_iri)
        for row in store.query(stats._sparql(_COUNTS)):
            setattr(stats, row["kind"].value, int(row["n"].value))
        stats.properties = {row["p"].value for row in store.query(_PROPERTIES)}
        stats.classes = {row["c"].value for row in store.query(_CLASSES) if row["c"] is not None}
        stats.class_entities = {
            row["c"].value: int(row["n"].value) for row in store.query(stats._sparql(_PARTITIONS))
        }
        for name in EXAMPLE_CLASSES:
            stats._find_example(store, name)
        for graph in store.named_graphs():
            stats.graphs[graph] = store.triple_count(graph)
            if graph.startswith(LINKSET_GRAPH_PREFIX):
                stats._count_links(store, graph)
        return stats

    def copy(self) -> DatasetStatistics:
        return copy.deepcopy(self)

    # ------------------------------------------------------------ following a write

    def apply(self, store: KnowledgeStore, changes: StoreChanges) -> None:
        """Update the numbers from one write (the store holds the new state)."""
        removed = {q for q in changes.removed if isinstance(q.graph_name, ox.NamedNode)}
        added = {q for q in changes.added if isinstance(q.graph_name, ox.NamedNode)}
        for graph in changes.created:
            self.graphs.setdefault(graph.value, 0)
        before = _Before(store, removed, added)
        touched = removed | added
        self.triples += before.delta({(q.subject, q.predicate, q.object) for q in touched}, lambda key: key)
        subjects = {q.subject for q in touched}
        self.subjects += before.delta(subjects, lambda s: (s, None, None))
        self.entities += before.delta(
            {s for s in subjects if _under(s, self.base_iri)}, lambda s: (s, None, None)
        )
        self.objects += before.delta({q.object for q in touched}, lambda o: (None, None, o))
        for predicate, present in before.changed({q.predicate for q in touched}, lambda p: (None, p, None)):
            _mark(self.properties, predicate.value, present)
        typed = {q for q in touched if q.predicate.value == RDF_TYPE}
        for cls, present in before.changed({q.object for q in typed}, lambda c: (None, _TYPE, c)):
            _mark(self.classes, cls.value, present)
        members = {(q.subject, q.object) for q in typed if _under(q.subject, self.base_iri)}
        for (subject, cls), present in before.changed(members, lambda m: (m[0], _TYPE, m[1])):
            self._member(store, subject.value, cls.value, present)
        for quad in removed:
            self._count(quad, -1)
        for quad in added:
            self._count(quad, +1)
        for graph in changes.dropped:
            for table in (self.graphs, self.links, self.modified):
                table.pop(graph.value, None)
        runs = {
            q.graph_name.value for q in touched if _in_linkset(q) and q.predicate.value in (STARTED, RDF_TYPE)
        }
        for graph in runs - {g.value for g in changes.dropped}:
            self._find_modified(store, graph)

    def _count(self, quad: ox.Quad, step: int) -> None:
        graph = quad.graph_name.value
        self.graphs[graph] = self.graphs.get(graph, 0) + step
        predicate, target = quad.predicate.value, quad.object
        if (
            _in_linkset(quad)
            and predicate in LINK_PREDICATES
            and not _under(target, self.base_iri)
            and (isinstance(target, ox.NamedNode))
        ):
            counts = self.links.setdefault(graph, {})
            counts[predicate] = counts.get(predicate, 0) + step
            if not counts[predicate]:
                del counts[predicate]
            if not counts:
                del self.links[graph]

    def _member(self, store: KnowledgeStore, subject: str, cls: str, present: bool) -> None:
        """One entity gained or lost a class."""
        if cls.startswith(str(QC)):
            count = self.class_entities.get(cls, 0) + (1 if present else -1)
            if count:
                self.class_entities[cls] = count
            else:
                self.class_entities.pop(cls, None)
        name = cls[len(str(QC)) :]
        if name in EXAMPLE_CLASSES and cls.startswith(str(QC)):
            current = self.examples.get(name)
            if present and (current is None or subject < current):
                self.examples[name] = subject
            elif not present and subject == current:
                self._find_example(store, name)

    # ------------------------------------------------------------ small queries

    def _sparql(self, template: str) -> str:
        return template.replace("BASE", json.dumps(self.base_iri))

    def _find_example(self, store: KnowledgeStore, name: str) -> None:
        rows = list(store.query(self._sparql(_EXAMPLE).replace("CLASS", str(QC) + name)))
        if rows:
            self.examples[name] = rows[0]["s"].value
        else:
            self.examples.pop(name, None)

    def _count_links(self, store: KnowledgeStore, graph: str) -> None:
        predicates = " ".join(f"<{p}>" for p in LINK_PREDICATES)
        sparql = self._sparql(_LINKS).replace("GRAPH>", f"{graph}>").replace("PREDICATES", predicates)
        counts = {row["p"].value: int(row["n"].value) for row in store.query(sparql)}
        if any(counts.values()):
            self.links[graph] = {p: n for p, n in counts.items() if n}
        self._find_modified(store, graph)

    def _find_modified(self, store: KnowledgeStore, graph: str) -> None:
        rows = [row["when"] for row in store.query(_MODIFIED.replace("GRAPH>", f"{graph}>"))]
        if rows and rows[0] is not None:
            self.modified[graph] = rows[0].value
        else:
            self.modified.pop(graph, None)


_TYPE = ox.NamedNode(RDF_TYPE)


class _Before:
    """Whether a pattern matches a quad of a named graph now, after the write, and before it."""

    def __init__(self, store: KnowledgeStore, removed: set[ox.Quad], added: set[ox.Quad]) -> None:
        self.store, self.added = store, added
        self.removed: set[Pattern] = set()
        for q in removed:
            s, p, o = q.subject, q.predicate, q.object
            self.removed.update(((s, p, o), (s, None, None), (None, p, None), (None, None, o), (None, p, o)))

    def _named(self, pattern: Pattern) -> Iterator[ox.Quad]:
        subject, predicate, target = pattern
        for quad in self.store.quads_matching(subject, predicate, target, None):  # type: ignore[arg-type]
            if isinstance(quad.graph_name, ox.NamedNode):
                yield quad

    def changed(self, keys: Iterable[K], pattern: Callable[[K], Pattern]) -> Iterator[tuple[K, bool]]:
        """(key, whether it matches now) for each key that matches now and not before, or the reverse."""
        for key in keys:
            now = next(self._named(pattern(key)), None) is not None
            then = pattern(key) in self.removed or any(q not in self.added for q in self._named(pattern(key)))
            if now != then:
                yield key, now

    def delta(self, keys: Iterable[K], pattern: Callable[[K], Pattern]) -> int:
        """How many more of the keys match now than before."""
        return sum(1 if now else -1 for _, now in self.changed(keys, pattern))


def _under(term: object, base_iri: str) -> bool:
    return isinstance(term, ox.NamedNode) and term.value.startswith(base_iri)


def _in_linkset(quad: ox.Quad) -> bool:
    return quad.graph_name.value.startswith(LINKSET_GRAPH_PREFIX)


def _mark(values: set[str], value: str, present: bool) -> None:
    if present:
        values.add(value)
    else:
        values.discard(value)


class LiveStatistics:
    """The statistics of one store, counted at start-up (in the background) and updated by each write."""

    def __init__(self, store: KnowledgeStore, base_iri: str, wait_seconds: float = 30.0) -> None:
        self.store = store
        self._live: LiveView[DatasetStatistics] = LiveView(
            "dataset statistics",
            lambda: DatasetStatistics.from_store(store, base_iri),
            lambda stats, changes: stats.apply(store, changes),
            replayable=False,
            wait_seconds=wait_seconds,
        )

    def start(self) -> None:
        self._live.start()

    def apply(self, changes: StoreChanges | None) -> None:
        """The writer's observer (None: count everything again)."""
        self._live.observe(changes)

    def current(self) -> DatasetStatistics:
        """A copy of the current numbers."""
        return self._live.read(DatasetStatistics.copy)
