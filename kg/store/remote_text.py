"""The SPARQL text the remote store sends, and blank nodes across it: skolem IRIs on the wire.

A SPARQL server gives the blank nodes of an INSERT DATA fresh labels, and DELETE DATA, ASK and the
patterns of a SELECT cannot name a blank node at all. So every blank node the remote store writes is
sent as a skolem IRI (RDF 1.1, 3.5) `SKOLEM + label`, and every skolem IRI of an answer is read back as
the blank node of that label: through this store, labels are kept as given, as the embedded store
keeps them. A query sent as is sees the skolem IRIs as IRIs (isBlank is false on the remote engine).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import Any, TypeVar

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import (
    RdfSyntaxError,
    RemoteStoreRefusedError,
    StoreOperationUnsupportedError,
    UpdateFailedError,
)
from kg.formats.parsing import syntax_error_from
from kg.namespaces import PREFIXES
from kg.store.oxigraph import _IGNORED
from kg.store.sparql_http import refusal_detail

SKOLEM = "https://w3id.org/qcollab/.well-known/genid/"
_SKOLEM_BYTES = SKOLEM.encode()
_SKOLEM_IRI = re.compile(rb"<" + re.escape(_SKOLEM_BYTES) + rb"([^>]+)>")
_SKOLEM_XML = re.compile(rb"<uri>" + re.escape(_SKOLEM_BYTES) + rb"([^<]+)</uri>")
LOCAL_PARSE_MAX = 2_000  # characters: a longer text is not re-parsed here (see kg.quality.update_syntax)
EMPTY_GRAPH = "urn:x-qcollab:no-graph"  # named as the default graph: an empty one (no such graph exists)
_WHERE_BRACE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)

Term = TypeVar("Term", ox.NamedNode, ox.BlankNode, ox.Literal, ox.DefaultGraph, ox.Triple)
T = TypeVar("T")


def skolem(term: Term) -> Term:
    """A blank node as its skolem IRI; any other term as it is."""
    return ox.NamedNode(SKOLEM + term.value) if isinstance(term, ox.BlankNode) else term  # type: ignore[return-value]


def unskolem(term: Term) -> Term:
    """A skolem IRI as its blank node; any other term as it is."""
    if isinstance(term, ox.NamedNode) and term.value.startswith(SKOLEM):
        return ox.BlankNode(term.value[len(SKOLEM) :])  # type: ignore[return-value]
    return term


def skolem_quad(quad: ox.Quad) -> ox.Quad:
    return ox.Quad(skolem(quad.subject), quad.predicate, skolem(quad.object), quad.graph_name)


def unskolem_quad(quad: ox.Quad) -> ox.Quad:
    return ox.Quad(unskolem(quad.subject), quad.predicate, unskolem(quad.object), quad.graph_name)


def unskolem_answer(body: bytes, media_type: str) -> bytes:
    """An answer (results in JSON or XML, RDF in N-Triples or Turtle) with skolem IRIs as blank nodes."""
    if _SKOLEM_BYTES not in body:
        return body
    if media_type.endswith("json"):
        return json.dumps(_unskolem_json(json.loads(body))).encode()
    if media_type.endswith("xml"):
        return _SKOLEM_XML.sub(rb"<bnode>\1</bnode>", body)
    return _SKOLEM_IRI.sub(rb"_:\1", body)


def _unskolem_json(value: Any) -> Any:
    if isinstance(value, dict):
        if value.get("type") == "uri" and str(value.get("value", "")).startswith(SKOLEM):
            return {"type": "bnode", "value": value["value"][len(SKOLEM) :]}
        return {key: _unskolem_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unskolem_json(item) for item in value]
    return value


def data_block(quads: Iterable[ox.Quad]) -> str:
    """The quads (skolemized) as the body of INSERT DATA / DELETE DATA, grouped by graph."""
    by_graph: dict[ox.NamedNode | ox.DefaultGraph, list[str]] = {}
    for quad in quads:
        sent = skolem_quad(quad)
        by_graph.setdefault(quad.graph_name, []).append(f"{sent.subject} {sent.predicate} {sent.object} .")
    parts = [
        "\n".join(lines)
        if isinstance(graph, ox.DefaultGraph)
        else f"GRAPH {graph} {{\n" + "\n".join(lines) + "\n}"
        for graph, lines in by_graph.items()
    ]
    return "\n".join(parts)


def ntriples(quads: Iterable[ox.Quad]) -> bytes:
    """The triples of the quads (skolemized) as N-Triples, for a Graph Store body."""
    return "".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in map(skolem_quad, quads)).encode()


def prologue(base_iri: str | None) -> str:
    """One line declaring the project's prefixes (and the base IRI), put before a client's text.

    On one line, so that line n of the client's text is line n + 1 of what the server parses."""
    base = f"BASE <{base_iri}> " if base_iri else ""
    return base + " ".join(f"PREFIX {name}: <{iri}>" for name, iri in PREFIXES.items()) + "\n"


def bind_values(sparql: str, substitutions: Mapping[str, str]) -> str:
    """The query with variables bound to IRIs: a VALUES block first in its WHERE clause (else last)."""
    if not substitutions:
        return sparql
    names = " ".join(f"?{name}" for name in substitutions)
    iris = " ".join(str(ox.NamedNode(iri)) for iri in substitutions.values())
    values = f" VALUES ({names}) {{ ({iris}) }} "
    blanked = _IGNORED.sub(lambda match: " " * len(match.group(0)), sparql)
    found = _WHERE_BRACE.search(blanked)
    if found is None or re.search(r"CONSTRUCT\s+WHERE\s*\{$", blanked[: found.end()], re.IGNORECASE):
        return sparql + "\n" + values
    return sparql[: found.end()] + values + sparql[found.end() :]


_FROM_IRI = re.compile(r"(?<![\w:?$])FROM\s+(NAMED\s+)?<([^<>\"{}|^`\\\s]*)>", re.IGNORECASE)


def dataset_of(sparql: str) -> list[tuple[str, str]]:
    """The query's own FROM <iri> and FROM NAMED <iri> clauses as protocol parameters (for a server whose
    union default graph overrides them, as `oxigraph serve --union-default-graph` does)."""
    blanked = _IGNORED.sub(lambda match: match.group(0) if match.group(0).startswith("<") else " ", sparql)
    return [
        ("named-graph-uri" if named else "default-graph-uri", iri)
        for named, iri in _FROM_IRI.findall(blanked)
    ]


def evaluate_params(
    default_graph: list[ox.NamedNode | ox.DefaultGraph] | None = None,
    named_graphs: list[ox.NamedNode] | None = None,
) -> list[tuple[str, str]]:
    """The protocol parameters of a dataset given as is (KnowledgeStore.evaluate): the remote's own
    default graph unless graphs are named."""
    if default_graph is not None and any(isinstance(g, ox.DefaultGraph) for g in default_graph):
        if default_graph != [ox.DefaultGraph()] or named_graphs is not None:
            raise StoreOperationUnsupportedError(
                "the SPARQL protocol cannot name the remote store's own default graph beside other graphs"
            )
        default_graph = None
    if default_graph is None and named_graphs is not None:
        raise StoreOperationUnsupportedError(
            "the SPARQL protocol cannot restrict the named graphs and keep the remote's own default graph"
        )
    params = [("default-graph-uri", g.value) for g in default_graph or []]  # type: ignore[union-attr]
    if default_graph == []:
        params.append(("default-graph-uri", EMPTY_GRAPH))
    return params + [("named-graph-uri", g.value) for g in named_graphs or []]


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """The items in lists of at most `size`."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def into_graph(quads: Iterable[ox.Quad], graph: str | None) -> Iterator[ox.Quad]:
    """Quads of the default graph moved into `graph` (as the embedded load's to_graph does)."""
    if graph is None:
        yield from quads
        return
    target = ox.NamedNode(graph)
    for q in quads:
        yield (
            ox.Quad(q.subject, q.predicate, q.object, target)
            if isinstance(q.graph_name, ox.DefaultGraph)
            else q
        )


def fresh_blank_nodes(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    """The blank nodes of one document with fresh labels, as the embedded store's loads give them (so
    two files that both say `_:b1` do not share a node); bulk_add and apply keep labels as given."""
    fresh: dict[str, ox.BlankNode] = {}

    def renamed(term: Any) -> Any:
        return fresh.setdefault(term.value, ox.BlankNode()) if isinstance(term, ox.BlankNode) else term

    for q in quads:
        yield ox.Quad(renamed(q.subject), q.predicate, renamed(q.object), q.graph_name)


def quads_of(triples: Graph, graph: str | None) -> list[ox.Quad]:
    target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    parsed = ox.parse(triples.serialize(format="nt"), ox.RdfFormat.N_TRIPLES)
    return [ox.Quad(t.subject, t.predicate, t.object, target) for t in parsed]


def refused_text_error(
    error: RemoteStoreRefusedError, sparql: str, base_iri: str | None, *, update: bool
) -> Exception:
    """A refused query or update as the embedded store reports it: pyoxigraph's own syntax error (line,
    column in the client's text) when it does not parse here either, else the remote's message."""
    status, detail = refusal_detail(error)
    if status != 400:
        return error
    if len(sparql) <= LOCAL_PARSE_MAX and "service" not in sparql.lower():
        try:
            if update:
                ox.Store().update(sparql, prefixes=PREFIXES, base_iri=base_iri)
            else:
                ox.Store().query(sparql, prefixes=PREFIXES, base_iri=base_iri)
        except SyntaxError as parse_error:
            return syntax_error_from(parse_error)
        except (RuntimeError, OSError, ValueError):
            pass
    if update:
        return UpdateFailedError(f"the remote store refused the update: {detail}")
    return RdfSyntaxError(f"the remote store refused the query: {detail}")
