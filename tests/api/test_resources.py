"""Linked data over the real service: /resource/{id} and /ontology in HTML and in every RDF syntax."""

from __future__ import annotations

import httpx
import pytest
from live_server import LiveServer
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF

QCR = "https://w3id.org/qcollab/resource/"
QC = "https://w3id.org/qcollab/ontology#"
UK, CANADA, AUSTRALIA = URIRef(QCR + "united-kingdom"), URIRef(QCR + "canada"), URIRef(QCR + "australia")
COLLABORATES = URIRef(QC + "collaboratesWith")
EXTRACTED_FROM = URIRef(QC + "extractedFrom")
RDF_SYNTAXES = [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                ("application/n-triples", "nt"), ("application/rdf+xml", "xml")]


def fetch(server: LiveServer, path: str, accept: str) -> httpx.Response:
    return httpx.get(f"{server.base_url}{path}", headers={"Accept": accept}, timeout=30)


def fetch_graph(server: LiveServer, path: str, accept: str, syntax: str) -> Graph:
    response = fetch(server, path, accept)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(accept)
    assert "accept" in response.headers["vary"].lower()
    return Graph().parse(data=response.content, format=syntax)


@pytest.mark.parametrize(("accept", "syntax"), RDF_SYNTAXES)
def test_resource_in_every_syntax_has_outgoing_incoming_and_provenance(
    server: LiveServer, accept: str, syntax: str
) -> None:
    graph = fetch_graph(server, "/resource/united-kingdom", accept, syntax)
    assert (UK, COLLABORATES, CANADA) in graph  # outgoing
    assert (AUSTRALIA, COLLABORATES, UK) in graph  # incoming
    statements = [s for s in graph.subjects(RDF.subject, UK)
                  if (s, RDF.predicate, COLLABORATES) in graph and (s, RDF.object, CANADA) in graph]
    assert statements, "the reified statement UK collaboratesWith Canada is part of the description"
    sentences = set(graph.objects(statements[0], EXTRACTED_FROM))
    texts = [str(text) for sentence in sentences for text in graph.objects(sentence, PROV.value)]
    assert any("National Quantum Technologies Programme" in text for text in texts)
    for sentence in sentences:
        assert graph.value(sentence, URIRef(QC + "startOffset")) is not None
        assert graph.value(sentence, URIRef(QC + "inDocument")) is not None


def test_resource_with_a_slash_in_its_id(server: LiveServer) -> None:
    params = {"q": "intellectual property", "type": "qc:Challenge"}
    hits = httpx.get(f"{server.base_url}/lookup", params=params, timeout=30).json()
    assert hits, "the seed names the challenge Intellectual Property (IP) Sharing"
    iri = hits[0]["iri"]
    assert "/challenge/" in iri
    graph = fetch_graph(server, "/resource/" + iri.removeprefix(QCR), "text/turtle", "turtle")
    assert (URIRef(iri), RDF.type, URIRef(QC + "Challenge")) in graph


def test_html_page_for_people(server: LiveServer) -> None:
    response = fetch(server, "/resource/united-kingdom",
                     "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "accept" in response.headers["vary"].lower()
    page = response.text
    assert "<h1>United Kingdom</h1>" in page
    assert 'href="/resource/canada"' in page
    assert 'href="/resource/australia"' in page  # incoming and outgoing partners link to their pages
    assert "Where this comes from" in page
    assert "National Quantum Technologies Programme, actively seeks international partners" in page
    assert "characters " in page and "Unlocking the Quantum Future" in page  # offsets and document title
    assert 'href="/ontology#collaboratesWith"' in page


def test_format_parameter_overrides_accept(server: LiveServer) -> None:
    response = httpx.get(f"{server.base_url}/resource/canada", params={"format": "ttl"},
                         headers={"Accept": "text/html"}, timeout=30)
    assert response.headers["content-type"].startswith("text/turtle")
    Graph().parse(data=response.text, format="turtle")


def test_unknown_resource_is_404(server: LiveServer) -> None:
    for accept in ("text/turtle", "text/html"):
        response = fetch(server, "/resource/no-such-thing-anywhere", accept)
        assert response.status_code == 404
        assert "accept" in response.headers["vary"].lower()
        assert "no-such-thing-anywhere" in response.text


@pytest.mark.parametrize("resource_id", ["a%20b", "%C2%8F%29", "x%3Cy%3E"])
def test_id_that_makes_no_valid_iri_is_400_not_500(server: LiveServer, resource_id: str) -> None:
    """Regression (found by schemathesis): a space in the id crashed the IRI constructor with a 500."""
    response = httpx.get(f"{server.base_url}/resource/{resource_id}", timeout=30)
    assert response.status_code == 400
    assert "does not make a valid resource IRI" in response.json()["detail"]


def test_unacceptable_media_type_is_406(server: LiveServer) -> None:
    assert fetch(server, "/resource/canada", "image/png").status_code == 406


def test_default_is_turtle(server: LiveServer) -> None:
    response = fetch(server, "/resource/japan", "*/*")
    assert response.headers["content-type"].startswith("text/turtle")


@pytest.mark.parametrize(("accept", "syntax"), RDF_SYNTAXES)
def test_ontology_in_every_syntax(server: LiveServer, accept: str, syntax: str) -> None:
    graph = fetch_graph(server, "/ontology", accept, syntax)
    assert (URIRef("https://w3id.org/qcollab/ontology"), RDF.type, OWL.Ontology) in graph
    assert (URIRef(QC + "Country"), RDF.type, OWL.Class) in graph
    assert (COLLABORATES, RDF.type, OWL.SymmetricProperty) in graph


def test_ontology_html_has_an_anchor_per_term(server: LiveServer) -> None:
    response = fetch(server, "/ontology", "text/html")
    assert response.status_code == 200
    page = response.text
    for term in ("Country", "Program", "SourceSentence", "collaboratesWith", "addresses", "extractedFrom",
                 "ExtractionRun", "confidence", "extractionMethod", "ExtractionMethods", "ManualAssertion"):
        assert f'id="{term}"' in page
    assert "A rule over the dependency parse of a sentence" in page  # a concept's skos:definition
    assert "Country" in page and Literal("Country").value in page
