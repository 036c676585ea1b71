"""Reading RDF in any supported syntax, with parse errors that carry line and column.

A client's document is read under `ParseLimits`: RDF/XML that declares entities, nests too deep or
gives one element too many attributes is refused unread (kg.formats.xml_checks); RDF/XML and JSON-LD
are parsed in a child process under a deadline (kg.formats.sandbox); and reading stops once the terms
hold more than `max_chars` characters. The triples become rdflib terms directly, one by one (linear
time: no detour through rdflib's parsers, whose N-Triples reader is quadratic on long literals).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import RdfSyntaxError, UnsafeInputError, UnsupportedFormatError
from kg.formats.sandbox import chars_of, parse_in_child, too_large
from kg.formats.table import by_media_type, by_suffix, rdf_formats
from kg.formats.xml_checks import check_xml
from kg.settings import Settings

FORMAT_BY_NAME: dict[str, ox.RdfFormat] = {suffix: f.rdf for f in rdf_formats() for suffix in f.file_suffixes}
FORMAT_BY_MEDIA_TYPE: dict[str, ox.RdfFormat] = {
    media: f.rdf for f in rdf_formats() for media in f.read_media_types
}
XML_FORMATS = frozenset({ox.RdfFormat.RDF_XML})  # checked by kg.formats.xml_checks before parsing
IN_CHILD = frozenset({ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD})  # parse cost may outgrow the size

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LANG_STRING = RDF + "langString"
# rdflib parses the lexical forms of these into Python values (html5rdf takes 7 s for a 30 KB
# rdf:HTML literal of nested tags): a client's document may hold this many characters of them.
MARKUP_DATATYPES = frozenset({RDF + "HTML", RDF + "XMLLiteral"})
MAX_MARKUP_CHARS = 8192
REMOTE_CONTEXT = "remote JSON-LD contexts are not fetched: put the @context in the document"

_QUERY_POSITION = re.compile(r"error at (\d+):(\d+): ?(.*)", re.DOTALL)


@dataclass(frozen=True)
class ParseLimits:
    """How much reading a client's document may take."""

    max_chars: int  # characters of all the terms together
    seconds: float  # wall-clock time of a parse in a child process
    max_triples: int | None = None  # triples of the document (None: as many as the characters allow)

    @classmethod
    def of(cls, settings: Settings) -> ParseLimits:
        return cls(settings.max_parsed_chars, settings.parse_timeout_seconds)

    @classmethod
    def record(cls, settings: Settings) -> ParseLimits:
        """The limits of a record to validate (POST /validate, /records): a bounded number of triples too."""
        return cls(settings.max_parsed_chars, settings.parse_timeout_seconds, settings.max_record_triples)


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


def rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """The rdflib term of a pyoxigraph term (xsd:string literals plain, as N-Triples has them)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype in (XSD_STRING, LANG_STRING):
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(datatype), normalize=False)  # the lexical form as written


def _json_ld_document(data: bytes) -> bool:
    """JSON-LD 1.1 section 9: a document is a JSON object or array (pyoxigraph also reads a bare value)."""
    start = data[:4096].decode("utf-8", "ignore").lstrip("\ufeff \t\r\n")
    return not start or start[0] in "{["


def parse_rdf(
    data: bytes | str, fmt: ox.RdfFormat, base_iri: str | None = None, limits: ParseLimits | None = None
) -> Graph:
    """Parse a document into an rdflib Graph (quads are flattened to triples); bounded by `limits`.

    Blank nodes get fresh labels, so two documents that both say `_:b1` do not share a node.
    """
    raw = data.encode() if isinstance(data, str) else data
    if fmt == ox.RdfFormat.JSON_LD and not _json_ld_document(raw):
        raise RdfSyntaxError("a JSON-LD document must be a JSON object or array", 1, 1)
    try:
        if limits is not None and fmt in XML_FORMATS:
            check_xml(raw)
        if limits is not None and fmt in IN_CHILD:
            raw = parse_in_child(raw, fmt, base_iri, limits.max_chars, limits.seconds)
            return _graph(ox.parse(raw, ox.RdfFormat.N_TRIPLES), limits)
        return _graph(ox.parse(raw, fmt, base_iri=base_iri, rename_blank_nodes=True), limits)
    except SyntaxError as error:
        found = syntax_error_from(error)
        if "LoadDocumentCallback" in found.message:  # pyoxigraph never fetches a remote JSON-LD context
            raise RdfSyntaxError(REMOTE_CONTEXT, found.line, found.column) from None
        raise found from None


def _graph(quads: ox.QuadParser, limits: ParseLimits | None) -> Graph:
    """The triples of the quads as rdflib terms, counting their characters against the limits."""
    graph = Graph()
    chars = markup = 0
    for quad in quads:
        subject, predicate, value = quad.subject, quad.predicate, quad.object
        if isinstance(subject, ox.Triple) or isinstance(value, ox.Triple):
            raise RdfSyntaxError("triple terms (RDF 1.2 <<( ... )>>) are not supported")
        chars += chars_of(subject) + chars_of(predicate) + chars_of(value)
        if limits is not None and chars > limits.max_chars:
            raise too_large(limits.max_chars)
        if isinstance(value, ox.Literal) and value.datatype.value in MARKUP_DATATYPES:
            markup += len(value.value)
            if limits is not None and markup > MAX_MARKUP_CHARS:
                raise UnsafeInputError(
                    f"the document holds more than the limit of {MAX_MARKUP_CHARS} characters of "
                    "rdf:HTML and rdf:XMLLiteral literals",
                    MAX_MARKUP_CHARS,
                )
        try:
            graph.add((rdflib_term(subject), rdflib_term(predicate), rdflib_term(value)))
        except ValueError as error:  # a language tag pyoxigraph accepts and rdflib does not
            raise RdfSyntaxError(str(error)) from None
        if limits is not None and limits.max_triples is not None and len(graph) > limits.max_triples:
            raise UnsafeInputError(
                f"the record holds more than the limit of {limits.max_triples} triples "
                "(setting QCOLLAB_MAX_RECORD_TRIPLES)",
                limits.max_triples,
            )
    return graph


def parse_rdf_file(path: Path) -> Graph:
    """Parse a file, guessing the syntax from its extension."""
    return parse_rdf(path.read_bytes(), format_for_path(path), base_iri=path.resolve().as_uri())
