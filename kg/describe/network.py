"""The collaboration network: actors and programs, the collaborations between them and their sentences.

The network is read with a few flat SELECT queries (`queries`), each cheap on its own, and put together
here (`assemble`): the kinds, technology areas and models of the edges are joined in Python, not in one
query whose OPTIONALs multiply its rows. The caller runs the queries (the service: in the query workers,
under the query deadline).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.names.normalize import fold, tokens
from kg.namespaces import QC

# A node's kind is its most specific class: the first of this list it has.
KINDS: tuple[tuple[str, str], ...] = (
    ("country", str(QC.Country)),
    ("union", str(QC.SupranationalUnion)),
    ("region", str(QC.Region)),
    ("agency", str(QC.GovernmentAgency)),
    ("university", str(QC.University)),
    ("institute", str(QC.ResearchInstitute)),
    ("company", str(QC.Company)),
    ("standards-body", str(QC.StandardsBody)),
    ("organization", str(QC.Organization)),
    ("program", str(QC.Program)),
    ("actor", str(QC.Actor)),
)
KIND_NAMES = tuple(name for name, _ in KINDS)
# The statements that make an edge: actor with actor, or actor with program.
RELATIONS = ("collaboratesWith", "participatesIn", "hasParticipant", "leads", "ledBy", "funds", "fundedBy")
MAX_EDGES = 20_000
MAX_SEARCH_CHARS = 200

Row = Mapping[str, ox.NamedNode | ox.BlankNode | ox.Literal | None]  # a solution, by variable name

_EVIDENCE = """
  {
    ?st a rdf:Statement ; rdf:subject ?a ; rdf:predicate ?rel ; rdf:object ?b ; qc:extractedFrom ?sentence .
    VALUES ?rel { RELATIONS_ }
  } UNION {
    ?via a qc:Collaboration ; qc:participant ?a, ?b ; qc:extractedFrom ?sentence .
    FILTER(?a != ?b) BIND(qc:collaboratesWith AS ?rel)
  }"""
_EDGES = """
SELECT ?x ?y (COUNT(DISTINCT ?sentence) AS ?weight)
  (GROUP_CONCAT(DISTINCT STR(?rel); separator=" ") AS ?rels)
  (GROUP_CONCAT(DISTINCT STR(?doc); separator=" ") AS ?docs)
WHERE {
  EVIDENCE_
  FILTER(isIRI(?a) && isIRI(?b))
  DOCUMENT_
  BIND(IF(STR(?a) < STR(?b), ?a, ?b) AS ?x)
  BIND(IF(STR(?a) < STR(?b), ?b, ?a) AS ?y)
  OPTIONAL { ?sentence qc:inDocument ?doc }
}
GROUP BY ?x ?y"""
# What an edge is about: a qc:Collaboration of both ends (?x ?y), or a program at one end (?x alone).
_TOPICS = """
SELECT DISTINCT ?facet ?x ?y ?value WHERE {
  { ?c a qc:Collaboration ; qc:participant ?x, ?y . FILTER(STR(?x) < STR(?y))
    { ?c qc:focusArea ?value BIND("area" AS ?facet) }
    UNION { ?c qc:collaborationModel|qc:exemplifies ?value BIND("model" AS ?facet) } }
  UNION { ?x a qc:Program ; qc:focusArea ?value BIND("area" AS ?facet) }
  UNION { ?x qc:exemplifies ?value BIND("model" AS ?facet) }
  FILTER(isIRI(?value))
}"""
_NODES = """
SELECT ?n ?class ?label WHERE {
  ?n a ?class . VALUES ?class { CLASSES_ }
  FILTER(isIRI(?n))
  OPTIONAL { ?n skos:prefLabel|rdfs:label ?label
             FILTER(LANG(?label) = "" || LANGMATCHES(LANG(?label), "en")) }
}"""
_FACETS = """
SELECT ?facet ?x ?label WHERE {
  VALUES (?facet ?class) { ("area" qc:TechnologyArea) ("area" qc:ApplicationDomain)
                           ("model" qc:CollaborationModel) ("document" qc:SourceDocument) }
  ?x a ?class .
  FILTER(isIRI(?x))
  OPTIONAL { ?x skos:prefLabel|rdfs:label|dcterms:title ?label
             FILTER(LANG(?label) = "" || LANGMATCHES(LANG(?label), "en")) }
}"""
_SENTENCES = """
SELECT ?sentence ?text ?start ?end ?doc ?title ?rel WHERE {
  VALUES (?a ?b) { PAIRS_ }
  EVIDENCE_
  DOCUMENT_
  ?sentence prov:value ?text .
  OPTIONAL { ?sentence qc:startOffset ?start ; qc:endOffset ?end }
  OPTIONAL { ?sentence qc:inDocument ?doc OPTIONAL { ?doc dcterms:title ?title } }
}
ORDER BY ?doc ?start ?sentence"""


@dataclass(frozen=True)
class NetworkFilter:
    """Which part of the network to draw; IRIs are checked by the caller (ox.NamedNode)."""

    kinds: tuple[str, ...] = ()
    area: str | None = None
    document: str | None = None
    model: str | None = None
    limit: int = 5000
    search: str | None = None  # words a node's label holds (case and accents folded)

    @property
    def on_edges(self) -> bool:
        """Whether the filter keeps only some edges (and then only the nodes they touch)."""
        return bool(self.area or self.document or self.model or self.search)


@dataclass
class Edge:
    """One undirected edge with what it says, where it is said and what it is about."""

    source: str
    target: str
    weight: int
    relations: list[str]
    documents: list[str]
    areas: list[str]
    models: list[str]


@dataclass
class Network:
    """Nodes, edges and the values the edges can be filtered by (with labels)."""

    nodes: list[dict[str, object]]
    edges: list[Edge]
    truncated: bool
    facets: dict[str, list[dict[str, str]]] = field(default_factory=dict)


def _ref(iri: str) -> str:
    return str(ox.NamedNode(iri))


def _classes(kinds: Sequence[str]) -> str:
    chosen = set(kinds) or set(KIND_NAMES)
    return " ".join(_ref(iri) for name, iri in KINDS if name in chosen)


def _evidence() -> str:
    return _EVIDENCE.replace("RELATIONS_", " ".join(f"qc:{r}" for r in RELATIONS))


def _document(document: str | None) -> str:
    return f"?sentence qc:inDocument {_ref(document)} ." if document else ""


def queries(selection: NetworkFilter) -> dict[str, str]:
    """The SELECT queries the network of a selection is made of, by name (see `assemble`)."""
    return {
        "edges": _EDGES.replace("EVIDENCE_", _evidence()).replace("DOCUMENT_", _document(selection.document)),
        "topics": _TOPICS,
        "nodes": _NODES.replace("CLASSES_", _classes(selection.kinds)),
        "facets": _FACETS,
    }


def _value(row: Row, name: str) -> str | None:
    term = row[name]
    return term.value if term is not None else None


def _split(row: Row, name: str) -> list[str]:
    return sorted(set((_value(row, name) or "").split()))


def matches(label: str, search: str) -> bool:
    """Whether a label holds the search text (case and accents folded), or each of its words."""
    words = tokens(search)
    return fold(search.strip()) in fold(label) or bool(words) and set(words) <= set(tokens(label))


def _nodes(rows: Iterable[Row]) -> dict[str, dict[str, object]]:
    """The nodes of the chosen kinds by IRI, each with its most specific kind and a label."""
    rank = {iri: index for index, (_, iri) in enumerate(KINDS)}
    kind_of: dict[str, int] = {}
    labels: dict[str, str] = {}
    for row in rows:
        iri = _value(row, "n") or ""
        kind_of[iri] = min(kind_of.get(iri, len(KINDS)), rank[_value(row, "class") or ""])
        label = _value(row, "label")
        if label is not None:
            labels.setdefault(iri, label)
    return {iri: {"id": iri, "label": labels.get(iri) or iri.rstrip("/").rsplit("/", 1)[-1],
                  "kind": KINDS[kind_of[iri]][0]} for iri in sorted(kind_of)}


Topics = dict[tuple[str, str | None], set[str]]  # by (x, y) for a collaboration of both, (x, None) for x


def _topics(rows: Iterable[Row]) -> dict[str, Topics]:
    """The areas and the models of collaborations (by their two participants) and of programs."""
    found: dict[str, Topics] = {"area": defaultdict(set), "model": defaultdict(set)}
    for row in rows:
        about = found[_value(row, "facet") or "area"]
        about[_value(row, "x") or "", _value(row, "y")].add(_value(row, "value") or "")
    return found


def _about(topics: Topics, x: str, y: str) -> list[str]:
    return sorted(topics.get((x, y), set()) | topics.get((x, None), set()) | topics.get((y, None), set()))


def _edges(rows: Iterable[Row], known: Mapping[str, object], topics: dict[str, Topics]) -> list[Edge]:
    """Every edge between two known nodes, with its areas and models."""
    found = []
    for row in rows:
        x, y = _value(row, "x") or "", _value(row, "y") or ""
        if x not in known or y not in known:
            continue
        relations = [r.rsplit("#", 1)[-1] for r in _split(row, "rels")]
        found.append(Edge(x, y, int(_value(row, "weight") or 0), relations, _split(row, "docs"),
                          _about(topics["area"], x, y), _about(topics["model"], x, y)))
    return found


def facets(rows: Iterable[Row]) -> dict[str, list[dict[str, str]]]:
    """The technology areas, collaboration models and documents there are to filter by, with labels."""
    found: dict[str, dict[str, str]] = {"area": {}, "model": {}, "document": {}}
    for row in rows:
        iri = _value(row, "x") or ""
        found[_value(row, "facet") or "area"].setdefault(iri, _value(row, "label") or iri)
    return {f"{facet}s": [{"id": iri, "label": label}
                          for iri, label in sorted(values.items(), key=lambda item: item[1].lower())]
            for facet, values in found.items()}


def assemble(selection: NetworkFilter, rows: Mapping[str, Iterable[Row]]) -> Network:
    """The network of the selection from the answers to its `queries`: the edges between nodes of its kinds
    (of its area, model and document; touching a node whose label matches its search), heaviest first up
    to its limit; the nodes they join (without an edge filter, also the nodes that join nothing); each
    node's degree and weight; and the facets to filter by."""
    known = _nodes(rows["nodes"])
    found = _edges(rows["edges"], known, _topics(rows["topics"]))
    if selection.area:
        found = [edge for edge in found if selection.area in edge.areas]
    if selection.model:
        found = [edge for edge in found if selection.model in edge.models]
    matched: set[str] = set()
    if selection.search:
        matched = {iri for iri, node in known.items() if matches(str(node["label"]), selection.search)}
        found = [edge for edge in found if edge.source in matched or edge.target in matched]
    found.sort(key=lambda edge: (-edge.weight, edge.source, edge.target))
    limit = min(max(selection.limit, 1), MAX_EDGES)
    chosen, truncated = found[:limit], len(found) > limit
    ends = {end for edge in chosen for end in (edge.source, edge.target)}
    shown = [node for iri, node in known.items() if not selection.on_edges or iri in ends or iri in matched]
    weight: dict[str, int] = defaultdict(int)
    degree: dict[str, int] = defaultdict(int)
    for edge in chosen:
        for end in (edge.source, edge.target):
            weight[end] += edge.weight
            degree[end] += 1
    for node in shown:
        node["degree"], node["weight"] = degree[str(node["id"])], weight[str(node["id"])]
        if selection.search:
            node["match"] = node["id"] in matched
    return Network(shown, chosen, truncated, facets(rows["facets"]))


def sentences_query(source: str, target: str, document: str | None = None) -> str:
    """The SELECT query of the sentences that state an edge between two nodes (either way)."""
    pairs = f"({_ref(source)} {_ref(target)}) ({_ref(target)} {_ref(source)})"
    return (_SENTENCES.replace("PAIRS_", pairs).replace("EVIDENCE_", _evidence())
            .replace("DOCUMENT_", _document(document)))


def sentences(rows: Iterable[Row]) -> list[dict[str, object]]:
    """The answer to `sentences_query`: each sentence once, with what it states."""
    found: dict[str, dict[str, object]] = {}
    relations: dict[str, list[str]] = {}
    for row in rows:
        iri = _value(row, "sentence") or ""
        start, end = _value(row, "start"), _value(row, "end")
        found.setdefault(iri, {
            "sentence": iri, "text": _value(row, "text"), "relations": relations.setdefault(iri, []),
            "start": int(start) if start is not None else None, "end": int(end) if end is not None else None,
            "document": _value(row, "doc"), "documentTitle": _value(row, "title"),
        })
        relation = (_value(row, "rel") or "").rsplit("#", 1)[-1]
        if relation not in relations[iri]:
            relations[iri].append(relation)
    return list(found.values())
