"""Bounded descriptions of resources and of the ontology, for linked-data pages (HTTP-free)."""

from __future__ import annotations

import pyoxigraph as ox

from kg.namespaces import ONTOLOGY_GRAPH, PREFIXES
from kg.store.interface import KnowledgeStore

MAX_TRIPLES_PER_PART = 5000

_OUTGOING = "CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o } LIMIT LIMIT_"
_INCOMING = "CONSTRUCT { ?s ?p ?x } WHERE { ?s ?p ?x } LIMIT LIMIT_"
_STATEMENTS = """
CONSTRUCT { ?st ?p ?o } WHERE {
  ?st a rdf:Statement . { ?st rdf:subject ?x } UNION { ?st rdf:object ?x }
  ?st ?p ?o
} LIMIT LIMIT_"""
_SENTENCES = """
CONSTRUCT { ?sentence ?p ?o . ?doc dcterms:title ?title ; a ?docType } WHERE {
  { ?x qc:extractedFrom ?sentence }
  UNION { ?st a rdf:Statement ; qc:extractedFrom ?sentence .
          { ?st rdf:subject ?x } UNION { ?st rdf:object ?x } }
  ?sentence ?p ?o .
  OPTIONAL { ?sentence qc:inDocument ?doc . ?doc a ?docType OPTIONAL { ?doc dcterms:title ?title } }
} LIMIT LIMIT_"""
_LABELS = """
SELECT ?x ?label WHERE {
  VALUES (?p ?rank) { (skos:prefLabel 1) (rdfs:label 2) (dcterms:title 3) }
  ?x ?p ?label . FILTER(isLiteral(?label) && (LANG(?label) = "" || LANGMATCHES(LANG(?label), "en")))
} ORDER BY ?rank"""


def _construct(store: KnowledgeStore, sparql: str, iri: str) -> set[ox.Triple]:
    return store.construct(sparql.replace("LIMIT_", str(MAX_TRIPLES_PER_PART)), {"x": iri})


def describe(store: KnowledgeStore, iri: str) -> list[ox.Triple]:
    """Outgoing and incoming statements, their reifications and the sentences they come from.

    Empty when the store says nothing about the resource (neither as subject nor as object).
    """
    direct = _construct(store, _OUTGOING, iri) | _construct(store, _INCOMING, iri)
    if not direct:
        return []
    provenance = _construct(store, _STATEMENTS, iri) | _construct(store, _SENTENCES, iri)
    return sorted(direct | provenance, key=str)


def ontology(store: KnowledgeStore) -> list[ox.Triple]:
    """The ontology graph as triples (empty when it was not loaded)."""
    return sorted((ox.Triple(q.subject, q.predicate, q.object)
                   for q in store.quads_in_graph(str(ONTOLOGY_GRAPH))), key=str)


def labels(store: KnowledgeStore, iris: set[str]) -> dict[str, str]:
    """A readable label for each IRI that has one (skos:prefLabel, rdfs:label or dcterms:title)."""
    if not iris:
        return {}
    values = " ".join(f"<{iri}>" for iri in sorted(iris) if ">" not in iri and " " not in iri)
    query = _LABELS.replace("?x ?p ?label", f"VALUES ?x {{ {values} }} ?x ?p ?label")
    found: dict[str, str] = {}
    for row in store.query(query):
        found.setdefault(row["x"].value, row["label"].value)
    return found


def serialize(triples: list[ox.Triple], fmt: ox.RdfFormat) -> bytes:
    """Triples in an RDF syntax, with the project's prefixes."""
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD) else None
    return ox.serialize(triples, format=fmt, prefixes=prefixes)
