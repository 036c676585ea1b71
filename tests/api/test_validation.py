"""POST /validate and POST /records over the real service: verdicts, reports, errors, and what is stored."""

from __future__ import annotations

import httpx
import pytest
from live_server import LiveServer
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

SH = "http://www.w3.org/ns/shacl#"
QCR = "https://w3id.org/qcollab/resource/"
DOC = "<https://w3id.org/qcollab/resource/document/ruritania-note>"
SENTENCE = "<https://w3id.org/qcollab/resource/sentence/ruritania-note/0-30>"
PREFIXES = """@prefix qc: <https://w3id.org/qcollab/ontology#> .
@prefix qcr: <https://w3id.org/qcollab/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
SOURCE = f"""
{DOC} a qc:SourceDocument, prov:Entity ; rdfs:label "A note on Ruritania"@en ;
  dcterms:title "A note on Ruritania"@en ;
  qc:sha256 "0000000000000000000000000000000000000000000000000000000000000000" .
{SENTENCE} a qc:SourceSentence, prov:Entity ; rdfs:label "Ruritania partners with Japan."@en ;
  prov:value "Ruritania partners with Japan." ;
  qc:startOffset "0"^^xsd:nonNegativeInteger ; qc:endOffset "30"^^xsd:nonNegativeInteger ;
  qc:inDocument {DOC} .
"""
COUNTRY = f"""qcr:ruritania a qc:Country ; rdfs:label "Ruritania"@en ; skos:prefLabel "Ruritania"@en ;
  qc:extractedFrom {SENTENCE} ; prov:hadPrimarySource {DOC}"""
VALID = f"{PREFIXES}{SOURCE}{COUNTRY} .\n"
VALID_LINKED = f"{PREFIXES}{SOURCE}{COUNTRY} ; qc:collaboratesWith qcr:japan .\n"
INVALID = f'{PREFIXES}{SOURCE}{COUNTRY} ; qc:iso3166Alpha2 "rur" .\n'
BROKEN = f'{PREFIXES}qcr:ruritania rdfs:label "Ruritania ;\n  a qc:Country .\n'
TURTLE = {"Content-Type": "text/turtle"}


def post(server: LiveServer, path: str, body: str | bytes, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{server.base_url}{path}", content=body, headers=headers, timeout=60)


def sparql(server: LiveServer, query: str) -> dict:
    response = httpx.post(f"{server.base_url}/sparql", data={"query": query},
                          headers={"Accept": "application/sparql-results+json"}, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def quad_count(server: LiveServer) -> int:
    result = sparql(server, "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
    return int(result["results"]["bindings"][0]["n"]["value"])


def in_other_syntax(turtle: str, syntax: str) -> str:
    return Graph().parse(data=turtle, format="turtle").serialize(format=syntax)


SYNTAXES = [("text/turtle", None), ("application/ld+json", "json-ld"), ("application/n-triples", "nt")]


@pytest.mark.parametrize(("content_type", "syntax"), SYNTAXES)
def test_conforming_record_is_200_and_nothing_is_stored(
    server: LiveServer, content_type: str, syntax: str | None
) -> None:
    before = quad_count(server)
    body = VALID if syntax is None else in_other_syntax(VALID, syntax)
    response = post(server, "/validate", body, {"Content-Type": content_type})
    assert response.status_code == 200, response.text
    summary = response.json()
    assert summary["conforms"] is True and summary["count"] == 0 and summary["violations"] == []
    assert "Conforms" in summary["text"]
    assert quad_count(server) == before


def test_record_citing_a_stored_entity_is_judged_with_it(server: LiveServer) -> None:
    """Regression: /validate judged a record alone, so citing qcr:japan looked like an undescribed actor."""
    response = post(server, "/validate", VALID_LINKED, TURTLE)
    assert response.status_code == 200, response.text
    assert response.json()["conforms"] is True
    citing_a_program_as_partner = VALID_LINKED.replace("qcr:japan", "qcr:quantum-flagship")
    refused = post(server, "/validate", citing_a_program_as_partner, TURTLE)
    assert refused.status_code == 422
    assert "quantum-flagship" in refused.text
    citing_an_unknown_partner = VALID_LINKED.replace("qcr:japan", "qcr:atlantis")
    unknown = post(server, "/validate", citing_an_unknown_partner, TURTLE)
    assert unknown.status_code == 422
    assert "atlantis" in unknown.text


def test_violating_record_is_422_with_the_message(server: LiveServer) -> None:
    before = quad_count(server)
    response = post(server, "/validate", INVALID, TURTLE)
    assert response.status_code == 422
    summary = response.json()
    assert summary["conforms"] is False and summary["count"] >= 1
    [violation] = [v for v in summary["violations"] if (v["path"] or "").endswith("iso3166Alpha2")]
    assert violation["focus_node"] == QCR + "ruritania"
    assert violation["value"] == "rur"
    assert "alpha-2" in violation["message"]
    assert "alpha-2" in summary["text"]
    assert quad_count(server) == before


@pytest.mark.parametrize(("accept", "syntax"),
                         [("text/turtle", "turtle"), ("application/ld+json", "json-ld")])
def test_report_graph_by_negotiation(server: LiveServer, accept: str, syntax: str) -> None:
    response = post(server, "/validate", INVALID, {**TURTLE, "Accept": accept})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith(accept)
    report = Graph().parse(data=response.text, format=syntax)
    [node] = report.subjects(RDF.type, URIRef(SH + "ValidationReport"))
    assert report.value(node, URIRef(SH + "conforms")) == Literal(False)
    focus = set(report.objects(None, URIRef(SH + "focusNode")))
    assert URIRef(QCR + "ruritania") in focus


def test_broken_turtle_is_400_with_line_and_column(server: LiveServer) -> None:
    response = post(server, "/validate", BROKEN, TURTLE)
    assert response.status_code == 400
    problem = response.json()
    assert "line" in problem["detail"] and "column" in problem["detail"]
    assert problem["line"] >= 8 and problem["column"] >= 1


@pytest.mark.parametrize("content_type", ["text/csv", "image/png"])
def test_unknown_content_type_is_415(server: LiveServer, content_type: str) -> None:
    assert post(server, "/validate", VALID, {"Content-Type": content_type}).status_code == 415


def test_records_need_the_admin_token(server: LiveServer) -> None:
    assert post(server, "/records", VALID_LINKED, TURTLE).status_code == 401
    wrong = {**TURTLE, "Authorization": "Bearer not-the-token"}
    assert post(server, "/records", VALID_LINKED, wrong).status_code == 403


def test_records_are_refused_without_a_configured_token(read_only_server: LiveServer) -> None:
    headers = {**TURTLE, **read_only_server.admin_headers}
    response = post(read_only_server, "/records", VALID_LINKED, headers)
    assert response.status_code == 403
    assert "read-only" in response.text


def test_record_is_stored_in_its_own_graph_and_queryable(server: LiveServer) -> None:
    headers = {**TURTLE, **server.admin_headers}
    response = post(server, "/records", VALID_LINKED, headers)
    assert response.status_code == 201, response.text[:2000]
    created = response.json()
    graph = created["graph"]
    assert graph == "https://w3id.org/qcollab/graph/record/" + created["id"]
    assert response.headers["location"].endswith(f"/records/{created['id']}")
    triple = f"<{QCR}ruritania> <https://w3id.org/qcollab/ontology#collaboratesWith> <{QCR}japan>"
    assert sparql(server, f"ASK {{ GRAPH <{graph}> {{ {triple} }} }}")["boolean"] is True
    stored = httpx.get(response.headers["location"], headers={"Accept": "text/turtle"}, timeout=30)
    assert (URIRef(QCR + "ruritania"), RDF.type, None) in Graph().parse(data=stored.text, format="turtle")
    hits = httpx.get(f"{server.base_url}/lookup", params={"q": "ruritania"}, timeout=30).json()
    assert hits and hits[0]["iri"] == QCR + "ruritania"
    again = post(server, "/records", VALID_LINKED, headers)  # same content, same graph
    assert again.status_code == 200 and again.json()["id"] == created["id"]


def test_non_conforming_record_leaves_the_store_unchanged(server: LiveServer) -> None:
    before = quad_count(server)
    response = post(server, "/records", INVALID.replace("ruritania", "graustark"),
                    {**TURTLE, **server.admin_headers})
    assert response.status_code == 422
    body = response.json()
    assert body["conforms"] is False and body["stored"] is False
    assert any("alpha-2" in v["message"] for v in body["violations"])
    assert quad_count(server) == before
    assert httpx.get(f"{server.base_url}/resource/graustark", timeout=30).status_code == 404


def test_every_refused_write_is_the_same_problem_json(server: LiveServer) -> None:
    """Regression: POST /records answered a refusal as plain JSON, other writes as problem+json."""
    record = INVALID.replace("ruritania", "freedonia")
    admin = server.admin_headers
    update = "INSERT DATA { GRAPH <urn:x-test:refused> { qcr:freedonia a qc:Country } }"
    answers = {
        "records": post(server, "/records", record, {**TURTLE, **admin}),
        "update": post(server, "/sparql", update, {"Content-Type": "application/sparql-update", **admin}),
        "graph store": httpx.put(f"{server.base_url}/rdf-graphs", params={"graph": "urn:x-test:refused"},
                                 content=record, headers={**TURTLE, **admin}, timeout=30),
    }
    for name, response in answers.items():
        assert response.status_code == 422, name
        assert response.headers["content-type"] == "application/problem+json", name
        body = response.json()
        assert body["status"] == 422 and body["conforms"] is False and body["stored"] is False, name
        assert body["violations"] and "nothing was written" in body["detail"], name


HAND_MADE = f"""{PREFIXES}qcr:strelsau-institute-of-quantum-optics a qc:ResearchInstitute ;
  rdfs:label "Strelsau Institute of Quantum Optics"@en ;
  skos:prefLabel "Strelsau Institute of Quantum Optics"@en ;
  qc:collaboratesWith qcr:japan ;
  dcterms:source <https://example.org/strelsau/annual-report-2025> ;
  dcterms:date "2025-06-30"^^xsd:date ;
  prov:wasAttributedTo <https://orcid.org/0000-0002-1825-0097> .
"""


def test_hand_made_record_is_stored_with_its_provenance(server: LiveServer) -> None:
    """A record a person entered needs no source sentence: a source, a date and an attribution do."""
    response = post(server, "/records", HAND_MADE, {**TURTLE, **server.admin_headers})
    assert response.status_code == 201, response.text[:2000]
    graph = response.json()["graph"]
    rows = sparql(server, """
        SELECT ?g ?source ?date ?who ?partner WHERE { GRAPH ?g {
          qcr:strelsau-institute-of-quantum-optics dcterms:source ?source ; dcterms:date ?date ;
            prov:wasAttributedTo ?who ; qc:collaboratesWith ?partner } }""")["results"]["bindings"]
    assert [{name: cell["value"] for name, cell in row.items()} for row in rows] == [{
        "g": graph,
        "source": "https://example.org/strelsau/annual-report-2025",
        "date": "2025-06-30",
        "who": "https://orcid.org/0000-0002-1825-0097",
        "partner": QCR + "japan",
    }]
    assert rows[0]["date"]["datatype"] == "http://www.w3.org/2001/XMLSchema#date"


def test_record_without_any_provenance_is_refused_with_the_either_or(server: LiveServer) -> None:
    before = quad_count(server)
    bare = f"""{PREFIXES}qcr:graustark-institute-of-quantum-optics a qc:ResearchInstitute ;
  rdfs:label "Graustark Institute of Quantum Optics"@en ; qc:collaboratesWith qcr:japan .
"""
    response = post(server, "/records", bare, {**TURTLE, **server.admin_headers})
    assert response.status_code == 422, response.text[:2000]
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 422 and body["conforms"] is False and body["stored"] is False
    either_or = ("needs a source sentence (qc:extractedFrom) or hand-made provenance: dcterms:source or "
                 "dcterms:bibliographicCitation, a date, and prov:wasAttributedTo")
    [violation] = body["violations"]
    assert violation["focus_node"] == QCR + "graustark-institute-of-quantum-optics"
    assert either_or in violation["message"]
    assert either_or in body["report"]
    assert quad_count(server) == before
