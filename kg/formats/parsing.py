"""Reading RDF in any supported syntax, with parse errors that carry line and column."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import RdfSyntaxError, UnsupportedFormatError

FORMAT_BY_NAME: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "json-ld": ox.RdfFormat.JSON_LD,
    "json": ox.RdfFormat.JSON_LD,
    "rdf": ox.RdfFormat.RDF_XML,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "xml": ox.RdfFormat.RDF_XML,
    "owl": ox.RdfFormat.RDF_XML,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}

FORMAT_BY_MEDIA_TYPE: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}

_QUERY_POSITION = re.compile(r"error at (\d+):(\d+): ?(.*)", re.DOTALL)


def format_for_path(path: Path) -> ox.RdfFormat:
    """The RDF syntax of a file, from its extension."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMAT_BY_NAME:
        known = ", ".join(sorted({f".{name}" for name in FORMAT_BY_NAME}))
        raise UnsupportedFormatError(f"cannot tell the RDF syntax of {path.name}: use one of {known}")
    return FORMAT_BY_NAME[suffix]


def format_for_media_type(media_type: str) -> ox.RdfFormat:
    """The RDF syntax of a Content-Type value (parameters ignored)."""
    essence = media_type.split(";", 1)[0].strip().lower()
    if essence not in FORMAT_BY_MEDIA_TYPE:
        known = ", ".join(sorted(FORMAT_BY_MEDIA_TYPE))
        raise UnsupportedFormatError(f"unsupported media type {essence!r}: use one of {known}")
    return FORMAT_BY_MEDIA_TYPE[essence]


def syntax_error_from(error: SyntaxError) -> RdfSyntaxError:
    """Turn a pyoxigraph SyntaxError (data, query or update) into one with line and column."""
    text = error.msg or str(error)
    if error.lineno is not None:
        detail = text.split(": ", 1)[1] if ": " in text else text
        return RdfSyntaxError(detail, error.lineno, error.offset)
    match = _QUERY_POSITION.search(text)
    if match:
        return RdfSyntaxError(match.group(3).strip(), int(match.group(1)), int(match.group(2)))
    return RdfSyntaxError(text)


def parse_rdf(data: bytes | str, fmt: ox.RdfFormat, base_iri: str | None = None) -> Graph:
    """Parse a document into an rdflib Graph (quads are flattened to triples)."""
    try:
        quads = list(ox.parse(data, fmt, base_iri=base_iri))
    except SyntaxError as error:
        raise syntax_error_from(error) from None
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    graph = Graph()
    if triples:
        graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    return graph


def parse_rdf_file(path: Path) -> Graph:
    """Parse a file, guessing the syntax from its extension."""
    return parse_rdf(path.read_bytes(), format_for_path(path), base_iri=path.resolve().as_uri())
