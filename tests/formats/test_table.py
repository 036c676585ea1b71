"""The formats table: lookups by name, media type and file suffix, as data."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from api.negotiation import FORMAT_NAMES, RDF_OFFERS, RESULT_OFFERS
from kg.cli.output import ExportFormat, ResultFormat
from kg.errors import UnsupportedFormatError
from kg.formats.parsing import FORMAT_BY_MEDIA_TYPE, format_for_media_type, format_for_path
from kg.formats.table import (
    W3C_FORMATS,
    Format,
    by_media_type,
    by_name,
    by_suffix,
    rdf_formats,
    results_formats,
    shown_formats,
)

RDF = rdf_formats()
RESULTS = results_formats()
ALL = (*RDF, *RESULTS)

# file suffix -> short name of the syntax read
SUFFIXES = [
    ("ttl", "ttl"), (".TTL", "ttl"), ("turtle", "ttl"), ("nt", "nt"), ("ntriples", "nt"),
    ("jsonld", "jsonld"), ("json-ld", "jsonld"), ("json", "jsonld"), ("rdf", "rdfxml"), ("rdfxml", "rdfxml"),
    ("xml", "rdfxml"), (".owl", "rdfxml"), ("nq", "nq"), ("trig", "trig"),
]
# Content-Type -> short name of the syntax read
MEDIA_TYPES = [
    ("text/turtle", "ttl"), ("text/turtle; charset=utf-8", "ttl"), ("TEXT/Turtle ;charset=UTF-8", "ttl"),
    ("application/x-turtle", "ttl"), ("application/n-triples", "nt"), ("text/plain", "nt"),
    ("application/ld+json", "jsonld"), ('application/ld+json; profile="http://www.w3.org/ns/json-ld#expanded"',
                                        "jsonld"),
    ("application/json", "jsonld"), ("application/rdf+xml", "rdfxml"), ("application/n-quads", "nq"),
    ("application/trig", "trig"),
]


@pytest.mark.parametrize("fmt", RDF, ids=lambda f: f.name)
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's N-Quads parser
def test_rdf_format_round_trips(fmt: Format) -> None:
    assert by_name(fmt.name) is fmt
    assert by_media_type(fmt.media_type) is fmt
    assert by_suffix(fmt.suffix) is fmt
    assert ox.RdfFormat.from_media_type(fmt.media_type) == fmt.rdf
    assert fmt.iri.startswith(W3C_FORMATS)
    assert fmt.rdflib is not None
    quad = ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o"))
    data = ox.serialize([quad], format=fmt.rdf)
    assert len(Graph().parse(data=data, format=fmt.rdflib)) == 1


@pytest.mark.parametrize("fmt", RESULTS, ids=lambda f: f.name)
def test_results_format_round_trips(fmt: Format) -> None:
    assert by_name(fmt.name) is fmt
    assert by_media_type(fmt.media_type, RESULTS) is fmt
    assert not fmt.is_rdf and not fmt.dataset
    assert fmt.iri == f"{W3C_FORMATS}SPARQL_Results_{fmt.name.upper()}"
    with pytest.raises(TypeError):
        _ = fmt.rdf


def test_names_are_unique_and_name_their_syntax() -> None:
    assert len({f.name for f in ALL}) == len(ALL)
    for fmt in ALL:
        assert all(fmt.media_type in FORMAT_NAMES[name] for name in fmt.format_names)
    assert [f.name for f in RDF if f.dataset] == ["trig", "nq"]
    assert [f.name for f in shown_formats()] == ["ttl", "jsonld", "nt", "rdfxml"]


@pytest.mark.parametrize(("suffix", "name"), SUFFIXES)
def test_suffix_lookup(suffix: str, name: str) -> None:
    assert by_suffix(suffix).name == name
    path = Path("record" + ("" if suffix.startswith(".") else ".") + suffix)
    assert format_for_path(path) == by_name(name).rdf


@pytest.mark.parametrize(("media_type", "name"), MEDIA_TYPES)
def test_media_type_lookup_ignores_parameters(media_type: str, name: str) -> None:
    assert by_media_type(media_type).name == name
    assert format_for_media_type(media_type) == by_name(name).rdf


def test_content_types_say_utf8_for_text() -> None:
    assert by_name("ttl").content_type == "text/turtle; charset=utf-8"
    assert by_name("csv").content_type == "text/csv; charset=utf-8"
    assert by_name("nt").content_type == "application/n-triples"
    assert by_name("json").content_type == "application/sparql-results+json"


@pytest.mark.parametrize(
    ("lookup", "value", "message"),
    [
        (by_name, "yaml", "unknown format 'yaml'"),
        (by_suffix, ".docx", "unknown file suffix '.docx'"),
        (by_suffix, "", "unknown file suffix ''"),
        (by_media_type, "application/xml", "unsupported media type 'application/xml'"),
        (by_media_type, "text/csv; charset=utf-8", "unsupported media type 'text/csv'"),
        (format_for_media_type, "image/png", "unsupported media type 'image/png': use one of application/"),
        (lambda v: format_for_path(Path(v)), "notes.docx", "cannot tell the RDF syntax of notes.docx: use"),
    ],
)
def test_unknown_ones_raise(lookup: Callable[[str], object], value: str, message: str) -> None:
    with pytest.raises(UnsupportedFormatError, match=re.escape(message)):
        lookup(value)


def test_results_are_not_read_as_rdf() -> None:
    with pytest.raises(UnsupportedFormatError):
        by_media_type("application/sparql-results+json")
    assert "application/sparql-results+json" not in FORMAT_BY_MEDIA_TYPE


def test_offers_come_from_the_table() -> None:
    canonical = [o.media_type for o in RDF_OFFERS][: len(RDF)]
    assert canonical == [f.media_type for f in RDF]
    offered = {m for f in RDF for m in (*f.read_media_types, *f.accept_only)}
    assert {o.media_type for o in RDF_OFFERS} == offered
    assert [o.media_type for o in RESULT_OFFERS][: len(RESULTS)] == [f.media_type for f in RESULTS]


def test_cli_choices_are_table_names() -> None:
    assert {m.value for m in ExportFormat} <= {f.name for f in RDF}
    assert {m.value for m in ResultFormat} - {"table"} <= {f.name for f in ALL}
