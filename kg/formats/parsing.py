"""Reading RDF in any supported syntax, with parse errors that carry line and column."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import RdfSyntaxError, UnsupportedFormatError
from kg.formats.table import by_media_type, by_suffix, rdf_formats

FORMAT_BY_NAME: dict[str, ox.RdfFormat] = {
    suffix: f.rdf for f in rdf_formats() for suffix in f.file_suffixes
}
FORMAT_BY_MEDIA_TYPE: dict[str, ox.RdfFormat] = {
    media: f.rdf for f in rdf_formats() for media in f.read_media_types
}

_QUERY_POSITION = re.compile(r"error at (\d+):(\d+): ?(.*)", re.DOTALL)


def format_for_path(path: Path) -> ox.RdfFormat:
    """The RDF syntax of a file, from its extension."""
    try:
        return by_suffix(path.suffix).rdf
    except UnsupportedFormatError:
        known = ", ".join(sorted(f".{suffix}" for suffix in FORMAT_BY_NAME))
        message = f"cannot tell the RDF syntax of {path.name}: use one of {known}"
        raise UnsupportedFormatError(message) from None


def format_for_media_type(media_type: str) -> ox.RdfFormat:
    """The RDF syntax of a Content-Type value (parameters ignored)."""
    return by_media_type(media_type).rdf


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
