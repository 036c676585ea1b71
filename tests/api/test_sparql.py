"""The SPARQL 1.1 Protocol at /sparql, spoken over HTTP to the real service."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import httpx
import pytest
from live_server import LiveServer
from rdflib import Dataset, Graph, Namespace, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, POST, POSTDIRECTLY, TURTLE, XML, SPARQLWrapper
from test_graph_store import NOT_CONFORMING, client, quad_count, writable  # noqa: F401 - fixtures

QC = Namespace("https://w3id.org/qcollab/ontology#")
QCR = Namespace("https://w3id.org/qcollab/resource/")
ONTOLOGY = "https://w3id.org/qcollab/graph/ontology"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
PARTNERS = (
    "SELECT DISTINCT ?country WHERE { ?country a qc:Country ; qc:collaboratesWith qcr:japan } "
    "ORDER BY ?country"
)
PARTNER_GRAPH = (
    "CONSTRUCT { ?country qc:collaboratesWith qcr:japan } "
    "WHERE { ?country a qc:Country ; qc:collaboratesWith qcr:japan }"
)
AUSTRALIA = str(QCR.australia)
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=60) as session:
        yield session


def bindings(response: httpx.Response, name: str) -> list[str]:
    assert response.status_code == 200, response.text
    return [row[name]["value"] for row in response.json()["results"]["bindings"]]


def number(response: httpx.Response) -> int:
    return int(bindings(response, "n")[0])


def test_get_form_post_and_direct_post_agree(http: httpx.Client) -> None:
    by_get = bindings(http.get("/sparql", params={"query": PARTNERS}), "country")
    by_form = bindings(http.post("/sparql", data={"query": PARTNERS}), "country")
    direct = http.post("/sparql", content=PARTNERS, headers={"Content-Type": "application/sparql-query"})
    assert AUSTRALIA in by_get
    assert by_get == by_form == bindings(direct, "country")


def _values_json(body: bytes) -> list[str]:
    return [row["country"]["value"] for row in json.loads(body)["results"]["bindings"]]


def _values_xml(body: bytes) -> list[str]:
    ns = "{http://www.w3.org/2005/sparql-results#}"
    return [uri.text or "" for uri in ET.fromstring(body).iter(f"{ns}uri")]


def _values_csv(body: bytes) -> list[str]:
    return [row["country"] for row in csv.DictReader(io.StringIO(body.decode()))]


def _values_tsv(body: bytes) -> list[str]:
    rows = list(csv.reader(io.StringIO(body.decode()), delimiter="\t"))
    assert rows[0] == ["?country"]
    return [row[0].strip("<>") for row in rows[1:]]


@pytest.mark.parametrize(
    ("accept", "read"),
    [("application/sparql-results+json", _values_json), ("application/sparql-results+xml", _values_xml),
     ("text/csv", _values_csv), ("text/tab-separated-values", _values_tsv)],
)
def test_select_in_every_results_format(http: httpx.Client, accept: str, read: object) -> None:
    response = http.get("/sparql", params={"query": PARTNERS}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    values = read(response.content)  # type: ignore[operator]
    assert AUSTRALIA in values
    assert values == sorted(values)


@pytest.mark.parametrize(
    ("fmt", "rdflib_format", "dataset"),
    [("ttl", "turtle", False), ("nt", "nt", False), ("jsonld", "json-ld", False), ("rdfxml", "xml", False),
     ("trig", "trig", True), ("nq", "nquads", True)],
)
def test_construct_in_every_rdf_format(http: httpx.Client, fmt: str, rdflib_format: str, dataset: bool):
    response = http.get("/sparql", params={"query": PARTNER_GRAPH, "format": fmt})
    assert response.status_code == 200
    parsed: Graph = Dataset() if dataset else Graph()
    parsed.parse(data=response.content, format=rdflib_format)
    triples = set(parsed.quads()) if dataset else set(parsed)
    assert any(t[:3] == (URIRef(AUSTRALIA), QC.collaboratesWith, QCR.japan) for t in triples)


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml"])
def test_ask(http: httpx.Client, accept: str) -> None:
    query = "ASK { qcr:australia qc:collaboratesWith qcr:japan }"
    response = http.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    if accept.endswith("json"):
        assert response.json()["boolean"] is True
    else:
        boolean = ET.fromstring(response.content).find("{http://www.w3.org/2005/sparql-results#}boolean")
        assert boolean is not None and boolean.text == "true"


def test_default_and_named_graph_parameters_change_the_dataset(http: httpx.Client) -> None:
    union = number(http.get("/sparql", params={"query": COUNT}))
    ontology_only = number(http.get("/sparql", params={"query": COUNT, "default-graph-uri": ONTOLOGY}))
    assert 0 < ontology_only < union
    from_clause = number(http.get("/sparql", params={"query": f"SELECT (COUNT(*) AS ?n) FROM <{ONTOLOGY}> "
                                                        "WHERE { ?s ?p ?o }"}))
    assert from_clause == ontology_only
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    assert len(bindings(http.get("/sparql", params={"query": graphs}), "g")) > 1
    only = bindings(http.get("/sparql", params={"query": graphs, "named-graph-uri": ONTOLOGY}), "g")
    assert only == [ONTOLOGY]
    empty_default = number(http.get("/sparql", params={"query": COUNT, "named-graph-uri": ONTOLOGY}))
    assert empty_default == 0
    form = http.post("/sparql", data={"query": COUNT, "default-graph-uri": [ONTOLOGY, ONTOLOGY]})
    assert number(form) == ontology_only


def test_large_results_stream(http: httpx.Client) -> None:
    query = "SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 100000"
    with http.stream("GET", "/sparql", params={"query": query}, headers={"Accept": "text/csv"}) as response:
        assert response.status_code == 200
        assert "content-length" not in response.headers
        assert response.headers.get("transfer-encoding") == "chunked"
        lines = sum(chunk.count(b"\n") for chunk in response.iter_bytes())
    assert lines == 100001


def test_sparqlwrapper_works_unchanged(server: LiveServer) -> None:
    wrapper = SPARQLWrapper(f"{server.base_url}/sparql")
    wrapper.setQuery(f"PREFIX qc: <{QC}> PREFIX qcr: <{QCR}> {PARTNERS}")
    wrapper.setReturnFormat(JSON)
    rows = wrapper.queryAndConvert()["results"]["bindings"]  # type: ignore[index]
    assert AUSTRALIA in [row["country"]["value"] for row in rows]
    wrapper.setReturnFormat(XML)
    wrapper.setMethod(POST)
    assert AUSTRALIA in wrapper.queryAndConvert().toxml()  # type: ignore[union-attr]
    wrapper.setRequestMethod(POSTDIRECTLY)
    wrapper.setQuery(f"PREFIX qc: <{QC}> PREFIX qcr: <{QCR}> {PARTNER_GRAPH}")
    wrapper.setReturnFormat(TURTLE)
    graph = Graph().parse(data=wrapper.queryAndConvert(), format="turtle")  # type: ignore[arg-type]
    assert (URIRef(AUSTRALIA), QC.collaboratesWith, QCR.japan) in graph
    wrapper.setReturnFormat(XML)
    assert (URIRef(AUSTRALIA), QC.collaboratesWith, QCR.japan) in wrapper.queryAndConvert()  # type: ignore[operator]


def test_rdflib_sparqlstore_works_unchanged(server: LiveServer) -> None:
    store = SPARQLStore(f"{server.base_url}/sparql")
    rows = list(Graph(store=store).query(f"PREFIX qc: <{QC}> PREFIX qcr: <{QCR}> {PARTNERS}"))
    assert URIRef(AUSTRALIA) in [row[0] for row in rows]  # type: ignore[index]
    ontology = Graph(store=store, identifier=URIRef(ONTOLOGY))
    assert (QC.Country, None, None) in ontology
    assert (URIRef(AUSTRALIA), None, None) not in ontology
    assert store.query("ASK { ?s ?p ?o }").askAnswer is True  # type: ignore[union-attr]


def test_update_commits_through_the_gate(writable: LiveServer, client: httpx.Client) -> None:  # noqa: F811
    graph = "https://w3id.org/qcollab/graph/record/update-test"
    insert = f'INSERT DATA {{ GRAPH <{graph}> {{ qcr:japan skos:altLabel "Nippon" }} }}'
    direct = client.post("/sparql", content=insert, headers={**writable.admin_headers,
                                                             "Content-Type": "application/sparql-update"})
    assert direct.status_code == 204
    ask = client.get("/sparql", params={"query": 'ASK { qcr:japan skos:altLabel "Nippon" }'})
    assert ask.json()["boolean"] is True
    form = client.post("/sparql", data={"update": f"DROP GRAPH <{graph}>"}, headers=writable.admin_headers)
    assert form.status_code == 204
    ask = client.get("/sparql", params={"query": 'ASK { qcr:japan skos:altLabel "Nippon" }'})
    assert ask.json()["boolean"] is False


def test_update_that_cannot_be_carried_out_is_400_and_changes_nothing(
    writable: LiveServer, client: httpx.Client  # noqa: F811
) -> None:
    """Regression: DROP GRAPH of a missing graph was a 500 (the engine's RuntimeError went unmapped)."""
    headers = {**writable.admin_headers, "Content-Type": "application/sparql-update"}
    before = quad_count(client)
    failed = client.post("/sparql", content="DROP GRAPH <urn:qcollab:no-such-graph>", headers=headers)
    assert failed.status_code == 400
    assert "does not exist" in failed.json()["detail"]
    silent = client.post("/sparql", content="DROP SILENT GRAPH <urn:qcollab:no-such-graph>", headers=headers)
    assert silent.status_code == 204
    assert quad_count(client) == before


def test_non_conforming_update_is_422_with_the_report(writable: LiveServer, client: httpx.Client) -> None:  # noqa: F811
    update = f"INSERT DATA {{ GRAPH <https://w3id.org/qcollab/graph/record/bad> {{ {NOT_CONFORMING} }} }}"
    headers = {**writable.admin_headers, "Content-Type": "application/sparql-update"}
    before = quad_count(client)
    summary = client.post("/sparql", content=update, headers=headers)
    assert summary.status_code == 422
    assert summary.headers["content-type"] == "application/problem+json"
    body = summary.json()
    assert body["conforms"] is False and body["count"] >= 1
    assert "atlantis" in body["report"]
    report = client.post("/sparql", content=update, headers={**headers, "Accept": "text/turtle"})
    assert report.status_code == 422
    graph = Graph().parse(data=report.text, format="turtle")
    assert (None, URIRef("http://www.w3.org/ns/shacl#conforms"), None) in graph
    text = client.post("/sparql", content=update, headers={**headers, "Accept": "text/plain"})
    assert text.status_code == 422 and text.text.startswith("Does not conform")
    assert quad_count(client) == before


def test_updates_need_the_admin_token(http: httpx.Client) -> None:
    update = {"update": "INSERT DATA { GRAPH qcg:x { qcr:a rdfs:label 'a' } }"}
    missing = http.post("/sparql", data=update)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    wrong = http.post("/sparql", data=update, headers={"Authorization": "Bearer not-the-token"})
    assert wrong.status_code == 403


@pytest.mark.parametrize(
    ("query", "line"),
    [("SELECT * WHERE { ?s ?p }", 1), ("SELECT *\nWHERE {\n  ?s ?p \n}", 4), ("SELEC * WHERE {}", 1)],
)
def test_malformed_query_is_400_with_line_and_column(http: httpx.Client, query: str, line: int) -> None:
    response = http.get("/sparql", params={"query": query})
    assert response.status_code == 400
    problem = response.json()
    assert problem["line"] == line
    assert isinstance(problem["column"], int)
    assert f"line {line}, column" in problem["detail"]


def test_malformed_update_is_400_with_line_and_column(writable: LiveServer, client: httpx.Client) -> None:  # noqa: F811
    response = client.post("/sparql", content="INSERT DATA {\n  qcr:a qcr:b }",
                           headers={**writable.admin_headers, "Content-Type": "application/sparql-update"})
    assert response.status_code == 400
    assert response.json()["line"] == 2


@pytest.mark.parametrize(
    ("request_kwargs", "status", "message"),
    [
        ({"content": "ASK {}", "headers": {"Content-Type": "text/plain"}}, 415, "unsupported Content-Type"),
        ({"content": "ASK {}"}, 415, "unsupported Content-Type"),
        ({"data": {"query": "ASK {}", "update": "CLEAR ALL"}}, 400, "exactly one"),
        ({"data": {"format": "json"}}, 400, "exactly one"),
        ({"data": {"query": ["ASK {}", "ASK {}"]}}, 400, "at most once"),
        ({"data": {"query": "ASK {}", "default-graph-uri": "not an iri"}}, 400, "absolute IRI"),
    ],
)
def test_bad_requests(http: httpx.Client, request_kwargs: dict, status: int, message: str) -> None:
    response = http.post("/sparql", **request_kwargs)
    assert response.status_code == status
    assert message in response.json()["detail"]


def test_update_by_get_is_refused(http: httpx.Client) -> None:
    response = http.get("/sparql", params={"update": "DROP SILENT GRAPH <urn:x-nothing>"})
    assert response.status_code == 400
    assert "POST" in response.json()["detail"]


def test_service_to_an_endpoint_not_allowed_is_400(http: httpx.Client) -> None:
    query = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    response = http.get("/sparql", params={"query": query})
    assert response.status_code == 400
    assert "allow-list" in response.json()["detail"]


def test_service_description(http: httpx.Client, server: LiveServer) -> None:
    response = http.get("/sparql")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    service = next(graph.subjects(SD.endpoint, URIRef(f"{server.base_url}/sparql")))
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) in graph
    assert (service, SD.resultFormat, URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON")) in graph
    dataset = graph.value(service, SD.defaultDataset)
    assert graph.value(dataset, SD.defaultGraph) is not None
    names = {graph.value(named, SD.name) for named in graph.objects(dataset, SD.namedGraph)}
    assert URIRef(ONTOLOGY) in names
    assert (dataset, URIRef("http://rdfs.org/ns/void#sparqlEndpoint"), None) in graph
    as_json_ld = http.get("/sparql", headers={"Accept": "application/ld+json"})
    assert len(Graph().parse(data=as_json_ld.text, format="json-ld")) == len(graph)


def test_browsers_asking_for_the_endpoint_go_to_the_home_page(http: httpx.Client) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = http.get("/sparql", headers={"Accept": browser})
    assert response.status_code == 303
    assert response.headers["location"] == "/"


@pytest.mark.parametrize(
    ("media", "text"),
    [
        ("application/sparql-query", "ASK { ?s ?p ?o }"),
        ("application/sparql-update", "INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }"),
    ],
)
def test_a_direct_post_in_utf16_is_refused_with_415(server: LiveServer, http: httpx.Client, media: str,
                                                    text: str) -> None:
    """W3C protocol suite (query/update_post_direct, charset=UTF-16): answered 200 and 204 before."""
    before = quad_count(http)
    headers = {**server.admin_headers, "Content-Type": f"{media}; charset=UTF-16"}
    response = http.post("/sparql", content=text.encode("utf-16"), headers=headers)
    assert response.status_code == 415, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "must be sent as UTF-8" in response.json()["detail"]
    assert quad_count(http) == before


def test_a_direct_post_that_is_not_utf8_is_a_400(http: httpx.Client) -> None:
    body = b'ASK { ?s ?p "\xff\xfe" }'
    response = http.post("/sparql", content=body, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400, response.text
    assert "not valid utf-8" in response.json()["detail"]


def test_a_direct_post_declared_utf8_is_answered(http: httpx.Client) -> None:
    headers = {"Content-Type": "application/sparql-query; charset=UTF-8",
               "Accept": "application/sparql-results+json"}
    response = http.post("/sparql", content=b"ASK { ?s ?p ?o }", headers=headers)
    assert response.status_code == 200 and response.json()["boolean"] is True
