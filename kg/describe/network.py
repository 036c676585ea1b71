"""The collaboration network: actors and programs, the collaborations between them and their sentences."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.namespaces import QC
from kg.store.interface import KnowledgeStore

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

_EVIDENCE = """
  {
    ?st a rdf:Statement ; rdf:subject ?a ; rdf:predicate ?rel ; rdf:object ?b ; qc:extractedFrom ?sentence .
    VALUES ?rel { RELATIONS_ }
  } UNION {
    ?via a qc:Collaboration ; qc:participant ?a, ?b ; qc:extractedFrom ?sentence .
    FILTER(?a != ?b) BIND(qc:collaboratesWith AS ?rel)
  }"""
# What an edge is about: a qc:Collaboration of both ends, or a program at one end.
_AREA = """{ ?c a qc:Collaboration ; qc:participant ?a, ?b ; qc:focusArea AREA_ }
  UNION { ?a a qc:Program ; qc:focusArea AREA_ } UNION { ?b a qc:Program ; qc:focusArea AREA_ }"""
_MODEL = """{ ?c a qc:Collaboration ; qc:participant ?a, ?b ; qc:collaborationModel|qc:exemplifies MODEL_ }
  UNION { ?a qc:exemplifies MODEL_ } UNION { ?b qc:exemplifies MODEL_ }"""
_EDGES = """
SELECT ?x ?y (COUNT(DISTINCT ?sentence) AS ?weight)
  (GROUP_CONCAT(DISTINCT STR(?rel); separator=" ") AS ?rels)
  (GROUP_CONCAT(DISTINCT STR(?doc); separator=" ") AS ?docs)
  (GROUP_CONCAT(DISTINCT STR(?area); separator=" ") AS ?areas)
  (GROUP_CONCAT(DISTINCT STR(?model); separator=" ") AS ?models)
WHERE {
  EVIDENCE_
  ?a a ?ka . VALUES ?ka { CLASSES_ }
  ?b a ?kb . VALUES ?kb { CLASSES_ }
  DOCUMENT_
  FILTERS_
  BIND(IF(STR(?a) < STR(?b), ?a, ?b) AS ?x)
  BIND(IF(STR(?a) < STR(?b), ?b, ?a) AS ?y)
  OPTIONAL { ?sentence qc:inDocument ?doc }
  OPTIONAL { AREA_PATTERN_ }
  OPTIONAL { MODEL_PATTERN_ }
}
GROUP BY ?x ?y
ORDER BY DESC(?weight) ?x ?y
LIMIT LIMIT_"""
_NODES = """
SELECT ?n ?class ?label WHERE {
  NODES_
  ?n a ?class . VALUES ?class { CLASSES_ }
  OPTIONAL { ?n skos:prefLabel|rdfs:label ?label
             FILTER(LANG(?label) = "" || LANGMATCHES(LANG(?label), "en")) }
}"""
_FACETS = """
SELECT ?facet ?x ?label WHERE {
  VALUES (?facet ?class) { ("area" qc:TechnologyArea) ("area" qc:ApplicationDomain)
                           ("model" qc:CollaborationModel) ("document" qc:SourceDocument) }
  ?x a ?class .
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

    @property
    def on_edges(self) -> bool:
        """Whether the filter keeps only some edges (and then only the nodes they touch)."""
        return bool(self.area or self.document or self.model)


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


def _edges_query(selection: NetworkFilter) -> str:
    filters = []
    if selection.area:
        filters.append("FILTER EXISTS { " + _AREA.replace("AREA_", _ref(selection.area)) + " }")
    if selection.model:
        filters.append("FILTER EXISTS { " + _MODEL.replace("MODEL_", _ref(selection.model)) + " }")
    return (_EDGES.replace("EVIDENCE_", _evidence()).replace("CLASSES_", _classes(selection.kinds))
            .replace("DOCUMENT_", _document(selection.document)).replace("FILTERS_", "\n  ".join(filters))
            .replace("AREA_PATTERN_", _AREA.replace("AREA_", "?area").replace("?c ", "?c1 "))
            .replace("MODEL_PATTERN_", _MODEL.replace("MODEL_", "?model").replace("?c ", "?c2 "))
            .replace("LIMIT_", str(min(max(selection.limit, 1), MAX_EDGES) + 1)))


def _split(value: ox.Literal | None) -> list[str]:
    return sorted(set(value.value.split())) if value is not None else []


def edges(store: KnowledgeStore, selection: NetworkFilter) -> tuple[list[Edge], bool]:
    """The edges of the selection, heaviest first, and whether the limit cut some off."""
    found = []
    for row in store.query(_edges_query(selection)):
        relations = [r.rsplit("#", 1)[-1] for r in _split(row["rels"])]
        found.append(Edge(row["x"].value, row["y"].value, int(row["weight"].value), relations,
                          _split(row["docs"]), _split(row["areas"]), _split(row["models"])))
    limit = min(max(selection.limit, 1), MAX_EDGES)
    return found[:limit], len(found) > limit


def nodes(store: KnowledgeStore, kinds: Sequence[str], only: Iterable[str] | None) -> list[dict[str, object]]:
    """The nodes of these kinds (all, or only these IRIs), each with its most specific kind and a label."""
    restrict = ""
    if only is not None:
        iris = sorted(set(only))
        if not iris:
            return []
        restrict = "VALUES ?n { " + " ".join(_ref(iri) for iri in iris) + " }"
    rank = {iri: index for index, (_, iri) in enumerate(KINDS)}
    kind_of: dict[str, int] = {}
    labels: dict[str, str] = {}
    query = _NODES.replace("NODES_", restrict).replace("CLASSES_", _classes(kinds))
    for row in store.query(query):
        iri = row["n"].value
        kind_of[iri] = min(kind_of.get(iri, len(KINDS)), rank[row["class"].value])
        if row["label"] is not None:
            labels.setdefault(iri, row["label"].value)
    return [{"id": iri, "label": labels.get(iri) or iri.rstrip("/").rsplit("/", 1)[-1],
             "kind": KINDS[kind_of[iri]][0]} for iri in sorted(kind_of)]


def facets(store: KnowledgeStore) -> dict[str, list[dict[str, str]]]:
    """The technology areas, collaboration models and documents there are to filter by, with labels."""
    found: dict[str, dict[str, str]] = {"area": {}, "model": {}, "document": {}}
    for row in store.query(_FACETS):
        label = row["label"].value if row["label"] is not None else row["x"].value
        found[row["facet"].value].setdefault(row["x"].value, label)
    return {f"{facet}s": [{"id": iri, "label": label}
                          for iri, label in sorted(values.items(), key=lambda item: item[1].lower())]
            for facet, values in found.items()}


def network(store: KnowledgeStore, selection: NetworkFilter) -> Network:
    """The network of the selection: its edges, the nodes they join (and, without an edge filter, the
    nodes of the kinds that join nothing), their degrees, and the facets to filter by."""
    chosen_edges, truncated = edges(store, selection)
    ends = {end for edge in chosen_edges for end in (edge.source, edge.target)}
    chosen_nodes = nodes(store, selection.kinds, ends if selection.on_edges else None)
    weight: dict[str, int] = {}
    degree: dict[str, int] = {}
    for edge in chosen_edges:
        for end in (edge.source, edge.target):
            weight[end] = weight.get(end, 0) + edge.weight
            degree[end] = degree.get(end, 0) + 1
    for node in chosen_nodes:
        node["degree"] = degree.get(str(node["id"]), 0)
        node["weight"] = weight.get(str(node["id"]), 0)
    return Network(chosen_nodes, chosen_edges, truncated, facets(store))


def sentences(store: KnowledgeStore, source: str, target: str, document: str | None = None
              ) -> list[dict[str, object]]:
    """The sentences that state an edge between two nodes (either way), each with what it states."""
    pairs = f"({_ref(source)} {_ref(target)}) ({_ref(target)} {_ref(source)})"
    query = (_SENTENCES.replace("PAIRS_", pairs).replace("EVIDENCE_", _evidence())
             .replace("DOCUMENT_", _document(document)))
    found: dict[str, dict[str, object]] = {}
    for row in store.query(query):
        iri = row["sentence"].value
        entry = found.setdefault(iri, {
            "sentence": iri, "text": row["text"].value, "relations": [],
            "start": int(row["start"].value) if row["start"] is not None else None,
            "end": int(row["end"].value) if row["end"] is not None else None,
            "document": row["doc"].value if row["doc"] is not None else None,
            "documentTitle": row["title"].value if row["title"] is not None else None,
        })
        relation = row["rel"].value.rsplit("#", 1)[-1]
        relations = entry["relations"]
        assert isinstance(relations, list)
        if relation not in relations:
            relations.append(relation)
    return list(found.values())
