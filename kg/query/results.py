"""Query results: their form (SELECT, ASK, graph) and their serialization."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import IO, Literal

import pyoxigraph as ox
from rdflib import Graph

from kg.namespaces import PREFIXES
from kg.store.interface import QueryResult

QueryForm = Literal["select", "ask", "graph"]
ResultFormat = ox.QueryResultsFormat | ox.RdfFormat

_FORMS: dict[type, QueryForm] = {
    ox.QuerySolutions: "select",
    ox.QueryBoolean: "ask",
    ox.QueryTriples: "graph",
}


def form_of(result: QueryResult) -> QueryForm:
    """SELECT, ASK, or a graph (CONSTRUCT and DESCRIBE)."""
    return _FORMS[type(result)]


def write_triples(
    triples: Iterable[ox.Triple],
    fmt: ox.RdfFormat,
    output: IO[bytes],
    prefixes: dict[str, str] = PREFIXES,
) -> None:
    """Serialize triples (as the default graph for dataset formats)."""
    items: Iterable[ox.Triple | ox.Quad] = triples
    if fmt.supports_datasets:
        items = (ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in items)
    ox.serialize(items, output, fmt, prefixes=prefixes)


def write_result(result: QueryResult, fmt: ResultFormat, output: IO[bytes]) -> None:
    """Serialize a query result: SELECT/ASK in a results format, a graph in an RDF format."""
    if isinstance(result, ox.QueryTriples):
        write_triples(result, fmt, output)  # type: ignore[arg-type]
    else:
        result.serialize(output, fmt)  # type: ignore[arg-type]


def serialize_graph(graph: Graph, fmt: ox.RdfFormat) -> bytes:
    """A small rdflib Graph in an RDF format, sorted by subject, with the prefixes it uses."""
    data = graph.serialize(format="nt", encoding="utf-8")
    triples = sorted(ox.parse(data, ox.RdfFormat.N_TRIPLES), key=str)
    iris = {term.value for t in triples for term in t if isinstance(term, ox.NamedNode)}
    bound = {prefix: str(ns) for prefix, ns in graph.namespaces() if prefix}
    prefixes = {p: ns for p, ns in {**bound, **PREFIXES}.items() if any(iri.startswith(ns) for iri in iris)}
    output = io.BytesIO()
    write_triples(triples, fmt, output, prefixes=prefixes)
    return output.getvalue()
