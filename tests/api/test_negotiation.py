"""Content negotiation: Accept parsing as data, and the format each header yields over HTTP."""

from __future__ import annotations

import httpx
import pytest
from live_server import LiveServer

from api.negotiation import (
    OFFERS_BY_FORM,
    RDF_OFFERS,
    RESULT_OFFERS,
    MediaRange,
    UnknownFormatError,
    choose,
    parse_accept,
    quality,
)

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
JSON_RESULTS = "application/sparql-results+json"
XML_RESULTS = "application/sparql-results+xml"

# Accept header -> Content-Type chosen for a SELECT and for a CONSTRUCT (None: 406).
TABLE = [
    (None, JSON_RESULTS, "text/turtle; charset=utf-8"),
    ("", JSON_RESULTS, "text/turtle; charset=utf-8"),
    ("*/*", JSON_RESULTS, "text/turtle; charset=utf-8"),
    (BROWSER, XML_RESULTS, "application/rdf+xml"),
    ("application/sparql-results+json;q=0.5, text/csv", "text/csv; charset=utf-8", None),
    ("*/*;q=0", None, None),
    ("application/json", JSON_RESULTS, "application/ld+json"),
    ("application/sparql-results+xml", XML_RESULTS, None),
    ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8", None),
    ("text/*", "text/csv; charset=utf-8", "text/turtle; charset=utf-8"),
    ("text/turtle", None, "text/turtle; charset=utf-8"),
    ("application/n-triples", None, "application/n-triples"),
    ("application/ld+json", None, "application/ld+json"),
    ("application/rdf+xml", None, "application/rdf+xml"),
    ("application/trig", None, "application/trig"),
    ("application/n-quads", None, "application/n-quads"),
    ("image/png", None, None),
    # specificity: the exact type's q=0 beats the wildcard
    ("text/csv;q=0, text/*", "text/tab-separated-values; charset=utf-8", "text/turtle; charset=utf-8"),
    ("*/*;q=0.1, application/sparql-results+xml", XML_RESULTS, "text/turtle; charset=utf-8"),
    # ties go to the server's preference, whatever the client's order
    ("text/csv, application/sparql-results+json", JSON_RESULTS, None),
    ("application/n-triples, text/turtle", None, "text/turtle; charset=utf-8"),
    # parameters: charset must be UTF-8; a more specific range (with parameters) wins
    ("text/turtle;charset=iso-8859-1", None, None),
    ("text/turtle;charset=UTF-8, */*;q=0.1", JSON_RESULTS, "text/turtle; charset=utf-8"),
    ("text/turtle;q=0.2, text/turtle;charset=utf-8;q=0.9, application/ld+json;q=0.5", None,
     "text/turtle; charset=utf-8"),
    ('application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted"', None, "application/ld+json"),
    # SPARQLWrapper's and rdflib's headers
    ("application/sparql-results+json,application/json,text/javascript,application/javascript", JSON_RESULTS,
     "application/ld+json"),
    ("application/sparql-results+xml, application/rdf+xml", XML_RESULTS, "application/rdf+xml"),
    # malformed pieces are skipped
    ("garbage, text/csv;q=2, text/tab-separated-values", "text/tab-separated-values; charset=utf-8", None),
]


@pytest.mark.parametrize(("accept", "select", "construct"), TABLE)
def test_accept_table(accept: str | None, select: str | None, construct: str | None) -> None:
    chosen_select = choose(accept, None, OFFERS_BY_FORM["select"])
    chosen_graph = choose(accept, None, OFFERS_BY_FORM["graph"])
    assert (chosen_select.content_type if chosen_select else None) == select
    assert (chosen_graph.content_type if chosen_graph else None) == construct


@pytest.mark.parametrize(
    ("fmt", "select", "construct"),
    [
        ("json", JSON_RESULTS, "application/ld+json"),
        ("xml", XML_RESULTS, "application/rdf+xml"),
        ("csv", "text/csv; charset=utf-8", None),
        ("tsv", "text/tab-separated-values; charset=utf-8", None),
        ("ttl", None, "text/turtle; charset=utf-8"),
        ("nt", None, "application/n-triples"),
        ("jsonld", None, "application/ld+json"),
        ("rdfxml", None, "application/rdf+xml"),
        ("trig", None, "application/trig"),
        ("nq", None, "application/n-quads"),
        ("JSON", JSON_RESULTS, "application/ld+json"),
        ("text/csv", "text/csv; charset=utf-8", None),
    ],
)
def test_format_parameter_overrides_accept(fmt: str, select: str | None, construct: str | None) -> None:
    chosen_select = choose("application/sparql-results+xml", fmt, RESULT_OFFERS)
    chosen_graph = choose("application/n-quads", fmt, RDF_OFFERS)
    assert (chosen_select.content_type if chosen_select else None) == select
    assert (chosen_graph.content_type if chosen_graph else None) == construct


def test_unknown_format_name_is_an_error() -> None:
    with pytest.raises(UnknownFormatError, match="unknown format 'yaml'"):
        choose(None, "yaml", RESULT_OFFERS)


def test_parse_accept_reads_types_parameters_and_weights() -> None:
    ranges = parse_accept('Text/HTML;level=1;q=0.5;ext="a,b", application/*;q=0, */*;q=0.001')
    assert ranges == [
        MediaRange("text", "html", (("level", "1"),), 0.5),
        MediaRange("application", "*", (), 0.0),
        MediaRange("*", "*", (), 0.001),
    ]
    assert [r.specificity for r in ranges] == [3, 1, 0]
    assert quality(ranges, "application/json") == 0.0
    assert quality(ranges, "image/png") == 0.001


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        (None, JSON_RESULTS),
        (BROWSER, XML_RESULTS),
        ("application/sparql-results+json;q=0.5, text/csv", "text/csv; charset=utf-8"),
        ("application/json", JSON_RESULTS),
    ],
)
def test_server_follows_accept_for_select(server: LiveServer, accept: str | None, content_type: str) -> None:
    headers = {"Accept": accept} if accept else {}
    response = httpx.get(f"{server.base_url}/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"},
                         headers=headers, timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert "Accept" in response.headers["vary"]


def test_server_answers_406_with_what_it_can_produce(server: LiveServer) -> None:
    response = httpx.get(f"{server.base_url}/sparql", params={"query": "ASK { ?s ?p ?o }"},
                         headers={"Accept": "*/*;q=0"}, timeout=30)
    assert response.status_code == 406
    body = response.json()
    assert JSON_RESULTS in body["available"] and "text/csv" in body["available"]
    assert "text/csv" in body["detail"]
    assert "Accept" in response.headers["vary"]  # a cache must not serve this 406 to another Accept


def test_json_means_json_ld_for_construct(server: LiveServer) -> None:
    query = "CONSTRUCT WHERE { ?s a owl:Class } LIMIT 2"
    response = httpx.get(f"{server.base_url}/sparql", params={"query": query},
                         headers={"Accept": "application/json"}, timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/ld+json"
    assert isinstance(response.json(), list | dict)


def test_unknown_format_parameter_is_400(server: LiveServer) -> None:
    params = {"query": "ASK {}", "format": "yaml"}
    response = httpx.get(f"{server.base_url}/sparql", params=params, timeout=30)
    assert response.status_code == 400
    assert "unknown format" in response.json()["detail"]
