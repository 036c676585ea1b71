"""The Graph Store HTTP Protocol at /rdf-graphs: reads, and writes behind the token and the SHACL gate."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import load_support
import pytest
from live_server import LiveServer, running_server
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore

from kg.namespaces import ONTOLOGY_GRAPH

QCR = "https://w3id.org/qcollab/resource/"
NOTE_GRAPH = "https://w3id.org/qcollab/graph/document/note"
RECORD_GRAPH = "https://w3id.org/qcollab/graph/record/gsp-test"
NOTE = f"""
<{QCR}japan> <http://www.w3.org/2000/01/rdf-schema#comment> "A country in East Asia"@en .
<{QCR}australia> <http://www.w3.org/2000/01/rdf-schema#comment> "A country in Oceania"@en .
"""
ALIASES = f"<{QCR}japan> <{SKOS.altLabel}> \"Nippon\" .\n<{QCR}australia> <{SKOS.altLabel}> \"Oz\" .\n"
NOT_CONFORMING = f"<{QCR}atlantis> <{RDF.type}> <https://w3id.org/qcollab/ontology#Country> .\n"


# Writes validate the whole resulting store, so they run on a small store known to conform, served by
# its own server (the shared one stays untouched). It holds no qc:SourceSentence: Oxigraph stores
# xsd:nonNegativeInteger offsets as xsd:integer, which the shapes then refuse.
def conforming_data(root: Path) -> Path:
    """A data folder whose store holds the ontology and the note graph."""
    return load_support.conforming_data(root, NOTE)


@pytest.fixture(scope="module")
def writable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server over the small conforming store, with the admin token."""
    data = conforming_data(tmp_path_factory.mktemp("conforming"))
    with running_server(data, tmp_path_factory.mktemp("writable")) as live:
        yield live


@pytest.fixture
def client(writable: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=writable.base_url, timeout=60) as session:
        yield session


def admin(live: LiveServer, content_type: str = "application/n-triples") -> dict[str, str]:
    return {**live.admin_headers, "Content-Type": content_type}


def quad_count(session: httpx.Client) -> int:
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    accept = {"Accept": "application/sparql-results+json"}
    response = session.get("/sparql", params={"query": query}, headers=accept)
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
     ("application/rdf+xml", "xml")],
)
def test_get_a_graph_in_each_format(server: LiveServer, accept: str, rdflib_format: str) -> None:
    response = httpx.get(f"{server.base_url}/rdf-graphs", params={"graph": str(ONTOLOGY_GRAPH)},
                         headers={"Accept": accept}, timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    graph = Graph().parse(data=response.content, format=rdflib_format)
    assert (URIRef("https://w3id.org/qcollab/ontology#Country"), None, None) in graph
    assert len(graph) > 100


def test_missing_graph_is_404_for_get_and_head(server: LiveServer) -> None:
    params = {"graph": "https://w3id.org/qcollab/graph/no-such-graph"}
    assert httpx.get(f"{server.base_url}/rdf-graphs", params=params, timeout=30).status_code == 404
    assert httpx.head(f"{server.base_url}/rdf-graphs", params=params, timeout=30).status_code == 404


def test_head_gives_the_content_type_without_a_body(server: LiveServer) -> None:
    response = httpx.head(f"{server.base_url}/rdf-graphs", params={"graph": str(ONTOLOGY_GRAPH)},
                          headers={"Accept": "application/n-triples"}, timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/n-triples"
    assert response.content == b""


@pytest.mark.parametrize(
    ("params", "message"),
    [({}, "name the graph"), ({"graph": "relative/iri"}, "absolute IRI"),
     ({"graph": str(ONTOLOGY_GRAPH), "default": ""}, "not both")],
)
def test_bad_graph_identification_is_400(server: LiveServer, params: dict[str, str], message: str) -> None:
    response = httpx.get(f"{server.base_url}/rdf-graphs", params=params, timeout=30)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_put_get_post_delete_round_trip(writable: LiveServer, client: httpx.Client) -> None:
    params = {"graph": RECORD_GRAPH}
    first = client.put("/rdf-graphs", params=params, content=ALIASES, headers=admin(writable))
    assert first.status_code == 201
    again = client.put("/rdf-graphs", params=params, content=ALIASES, headers=admin(writable))
    assert again.status_code == 204

    got = client.get("/rdf-graphs", params=params, headers={"Accept": "text/turtle"})
    assert got.status_code == 200
    assert isomorphic(Graph().parse(data=got.text, format="turtle"), Graph().parse(data=ALIASES, format="nt"))

    extra = f'<{QCR}japan> <{SKOS.altLabel}> "Nihon"@ja .'
    merged = client.post("/rdf-graphs", params=params, content=extra, headers=admin(writable, "text/turtle"))
    assert merged.status_code == 204
    got = Graph().parse(data=client.get("/rdf-graphs", params=params).text, format="turtle")
    assert (URIRef(f"{QCR}japan"), SKOS.altLabel, Literal("Nihon", lang="ja")) in got
    assert len(got) == 3

    query = f'ASK {{ <{QCR}japan> skos:altLabel "Nippon" }}'
    assert client.get("/sparql", params={"query": query}).json()["boolean"] is True

    assert client.delete("/rdf-graphs", params=params, headers=writable.admin_headers).status_code == 204
    assert client.get("/rdf-graphs", params=params).status_code == 404
    assert client.delete("/rdf-graphs", params=params, headers=writable.admin_headers).status_code == 404


def test_post_to_a_new_graph_creates_it(writable: LiveServer, client: httpx.Client) -> None:
    params = {"graph": RECORD_GRAPH + "-post"}
    created = client.post("/rdf-graphs", params=params, content=ALIASES, headers=admin(writable))
    assert created.status_code == 201
    client.delete("/rdf-graphs", params=params, headers=writable.admin_headers)


def test_post_to_the_store_creates_a_record_graph(writable: LiveServer, client: httpx.Client) -> None:
    created = client.post("/rdf-graphs", content=ALIASES, headers=admin(writable))
    assert created.status_code == 201
    location = created.headers["location"]
    assert "graph=https%3A%2F%2Fw3id.org%2Fqcollab%2Fgraph%2Frecord%2F" in location
    got = httpx.get(location, headers={"Accept": "application/n-triples"}, timeout=30)
    assert got.status_code == 200
    assert len(Graph().parse(data=got.text, format="nt")) == 2
    assert httpx.delete(location, headers=writable.admin_headers, timeout=30).status_code == 204


def test_default_graph_round_trip(writable: LiveServer, client: httpx.Client) -> None:
    triple = f'<{QCR}japan> <{RDFS.comment}> "in the default graph" .\n'
    put = client.put("/rdf-graphs", params={"default": ""}, content=triple, headers=admin(writable))
    assert put.status_code in (201, 204)
    got = client.get("/rdf-graphs", params={"default": ""}, headers={"Accept": "application/n-triples"})
    assert got.status_code == 200
    assert isomorphic(Graph().parse(data=got.text, format="nt"), Graph().parse(data=triple, format="nt"))
    cleared = client.delete("/rdf-graphs", params={"default": ""}, headers=writable.admin_headers)
    assert cleared.status_code == 204
    got = client.get("/rdf-graphs", params={"default": ""}, headers={"Accept": "application/n-triples"})
    assert got.text.strip() == ""


def test_non_conforming_put_is_422_and_changes_nothing(writable: LiveServer, client: httpx.Client) -> None:
    before = quad_count(client)
    response = client.put("/rdf-graphs", params={"graph": RECORD_GRAPH}, content=NOT_CONFORMING,
                          headers=admin(writable))
    assert response.status_code == 422
    body = response.json()
    assert body["conforms"] is False
    assert any(v["focus_node"] == f"{QCR}atlantis" for v in body["violations"])
    assert quad_count(client) == before
    assert client.get("/rdf-graphs", params={"graph": RECORD_GRAPH}).status_code == 404


def test_syntax_error_in_body_is_400_with_line_and_column(writable: LiveServer, client: httpx.Client) -> None:
    body = "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e .\n"
    response = client.put("/rdf-graphs", params={"graph": RECORD_GRAPH}, content=body,
                          headers=admin(writable, "text/turtle"))
    assert response.status_code == 400
    problem = response.json()
    assert problem["line"] == 3
    assert problem["column"] is not None


def test_unsupported_content_type_is_415(writable: LiveServer, client: httpx.Client) -> None:
    response = client.put("/rdf-graphs", params={"graph": RECORD_GRAPH}, content="a,b\n",
                          headers=admin(writable, "text/csv"))
    assert response.status_code == 415
    assert "text/turtle" in response.json()["supported"]


def test_writes_need_the_token(writable: LiveServer, client: httpx.Client) -> None:
    params = {"graph": RECORD_GRAPH}
    anonymous = client.put("/rdf-graphs", params=params, content=ALIASES,
                           headers={"Content-Type": "application/n-triples"})
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    wrong = client.delete("/rdf-graphs", params=params, headers={"Authorization": "Bearer wrong"})
    assert wrong.status_code == 403


def test_a_dataset_body_is_flattened_into_the_graph(writable: LiveServer, client: httpx.Client) -> None:
    trig = f"<http://example.org/g> {{ {ALIASES} }}"
    params = {"graph": RECORD_GRAPH + "-trig"}
    assert client.put("/rdf-graphs", params=params, content=trig,
                      headers=admin(writable, "application/trig")).status_code == 201
    got = client.get("/rdf-graphs", params=params, headers={"Accept": "application/n-triples"})
    assert len(Graph().parse(data=got.text, format="nt")) == 2
    client.delete("/rdf-graphs", params=params, headers=writable.admin_headers)


def test_rdflib_sparqlupdatestore_writes_through_the_gate(writable: LiveServer) -> None:
    endpoint = f"{writable.base_url}/sparql"
    store = SPARQLUpdateStore(endpoint, endpoint, headers=dict(writable.admin_headers))
    graph = Graph(store=store, identifier=URIRef("https://w3id.org/qcollab/graph/record/updatestore"))
    label = (URIRef(f"{QCR}japan"), SKOS.altLabel, URIRef("urn:x-nippon"))
    graph.add(label)
    assert label in graph
    graph.remove(label)
    assert label not in graph
