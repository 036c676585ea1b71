"""The one formats table: every RDF and SPARQL results syntax we read or write, and its names."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from kg.errors import UnsupportedFormatError

W3C_FORMATS = "http://www.w3.org/ns/formats/"
# Generic JSON and XML types: answered with results or RDF by the kind of answer, and offered before
# the other aliases.
GENERIC_MEDIA_TYPES = ("application/json", "application/xml", "text/xml")


@dataclass(frozen=True)
class Format:
    """One syntax: its names, media types, file suffixes and serializers (the rest from pyoxigraph)."""

    name: str  # the short name of format= parameters, the CLI and exports
    syntax: ox.RdfFormat | ox.QueryResultsFormat
    rdflib: str | None = None  # rdflib's name of the syntax
    dataset: bool = False  # a syntax of named graphs, not offered for one graph
    names: tuple[str, ...] = ()  # other values of format= parameters
    aliases: tuple[str, ...] = ()  # other media types, read (Content-Type) and answered (Accept)
    accept_only: tuple[str, ...] = ()  # media types answered with this syntax but not read as it
    suffixes: tuple[str, ...] = ()  # other file suffixes read as this syntax
    w3c_name: str = ""  # the local name in W3C_FORMATS where pyoxigraph's IRI is elsewhere

    @property
    def label(self) -> str:
        """The name people read: Turtle, JSON-LD, RDF/XML, SPARQL Results in JSON."""
        return self.syntax.name

    @property
    def media_type(self) -> str:
        """The canonical media type, without parameters."""
        return _essence(self.syntax.media_type)

    @property
    def content_type(self) -> str:
        """The Content-Type we answer with: text types say they are UTF-8."""
        kind = self.media_type
        return f"{kind}; charset=utf-8" if kind.startswith("text/") else kind

    @property
    def read_media_types(self) -> tuple[str, ...]:
        """The Content-Type values taken as this syntax."""
        return (self.media_type, *self.aliases)

    @property
    def suffix(self) -> str:
        """The usual file suffix, without the dot (also a format name)."""
        return self.syntax.file_extension

    @property
    def file_suffixes(self) -> tuple[str, ...]:
        """Every file suffix read as this syntax."""
        return (self.suffix, *self.suffixes)

    @property
    def format_names(self) -> tuple[str, ...]:
        """Every value of a format= parameter that stands for this syntax."""
        return (self.name, *self.names)

    @property
    def iri(self) -> str:
        """The syntax's IRI in http://www.w3.org/ns/formats/ (sd:resultFormat, void:feature)."""
        return W3C_FORMATS + self.w3c_name if self.w3c_name else self.syntax.iri

    @property
    def is_rdf(self) -> bool:
        """Whether this is an RDF syntax (else a SPARQL results syntax)."""
        return isinstance(self.syntax, ox.RdfFormat)

    @property
    def rdf(self) -> ox.RdfFormat:
        """The pyoxigraph RdfFormat of an RDF syntax (TypeError for a results syntax)."""
        if not isinstance(self.syntax, ox.RdfFormat):
            raise TypeError(f"{self.name} is not an RDF syntax")
        return self.syntax

    @property
    def results(self) -> ox.QueryResultsFormat:
        """The pyoxigraph QueryResultsFormat of a results syntax (TypeError for an RDF syntax)."""
        if not isinstance(self.syntax, ox.QueryResultsFormat):
            raise TypeError(f"{self.name} is not a SPARQL results syntax")
        return self.syntax


# In the server's order of preference: triple syntaxes, then dataset syntaxes.
_RDF = (
    Format("ttl", ox.RdfFormat.TURTLE, "turtle", names=("turtle", "n3"), aliases=("application/x-turtle",),
           suffixes=("turtle",)),
    Format("nt", ox.RdfFormat.N_TRIPLES, "nt", names=("ntriples",), aliases=("text/plain",),
           suffixes=("ntriples",)),
    Format("jsonld", ox.RdfFormat.JSON_LD, "json-ld", names=("json-ld", "json"),
           aliases=("application/json",), suffixes=("json-ld", "json"), w3c_name="JSON-LD"),
    Format("rdfxml", ox.RdfFormat.RDF_XML, "xml", names=("rdf+xml", "rdf", "xml"),
           accept_only=("application/xml", "text/xml"), suffixes=("rdfxml", "xml", "owl")),
    Format("trig", ox.RdfFormat.TRIG, "trig", dataset=True),
    Format("nq", ox.RdfFormat.N_QUADS, "nquads", dataset=True, names=("nquads",)),
)
_RESULTS = (
    Format("json", ox.QueryResultsFormat.JSON, aliases=("application/json",)),
    Format("xml", ox.QueryResultsFormat.XML, accept_only=("application/xml", "text/xml")),
    Format("csv", ox.QueryResultsFormat.CSV),
    Format("tsv", ox.QueryResultsFormat.TSV),
)
# The graph syntaxes in the order people see them (download links, API documentation).
_SHOWN = ("ttl", "jsonld", "nt", "rdfxml")

_BY_NAME = {f.name: f for f in (*_RDF, *_RESULTS)}
_BY_SUFFIX = {suffix: f for f in _RDF for suffix in f.file_suffixes}


def _essence(media_type: str) -> str:
    return media_type.split(";", 1)[0].strip().lower()


def rdf_formats(*, datasets: bool = True) -> tuple[Format, ...]:
    """The RDF syntaxes in order of preference; datasets=False leaves out TriG and N-Quads."""
    return _RDF if datasets else tuple(f for f in _RDF if not f.dataset)


def results_formats() -> tuple[Format, ...]:
    """The SPARQL results syntaxes (SELECT, ASK) in order of preference."""
    return _RESULTS


def shown_formats() -> tuple[Format, ...]:
    """The graph syntaxes offered to people, in the order they are shown."""
    return tuple(_BY_NAME[name] for name in _SHOWN)


def by_name(name: str) -> Format:
    """The syntax of a short name (ttl, nt, nq, trig, jsonld, rdfxml, json, xml, csv, tsv)."""
    if name not in _BY_NAME:
        raise UnsupportedFormatError(f"unknown format {name!r}: use one of {', '.join(_BY_NAME)}")
    return _BY_NAME[name]


def by_media_type(media_type: str, among: Sequence[Format] = _RDF) -> Format:
    """The syntax read for a Content-Type value (parameters ignored), by default among the RDF ones."""
    essence = _essence(media_type)
    for fmt in among:
        if essence in fmt.read_media_types:
            return fmt
    known = ", ".join(sorted(m for f in among for m in f.read_media_types))
    raise UnsupportedFormatError(f"unsupported media type {essence!r}: use one of {known}")


def by_suffix(suffix: str) -> Format:
    """The RDF syntax of a file suffix, with or without its dot, in any case."""
    key = suffix.lower().lstrip(".")
    if key not in _BY_SUFFIX:
        known = ", ".join(sorted(f".{s}" for s in _BY_SUFFIX))
        raise UnsupportedFormatError(f"unknown file suffix {suffix!r}: use one of {known}")
    return _BY_SUFFIX[key]
