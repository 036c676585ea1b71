"""Lookup, reconciliation and VoID are built once and follow each write: no request reads the whole store."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from live_server import LiveServer, running_server
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS, VOID
from test_graph_store import conforming_data

from kg.describe.void import DATASET

QCR = "https://w3id.org/qcollab/resource/"
RECORD = "https://w3id.org/qcollab/graph/record/rename-test"
RURITANIA = f"""
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
INSERT DATA {{ GRAPH <{RECORD}> {{
  qcr:ruritania a qc:Country ; rdfs:label "Ruritania"@en ; skos:prefLabel "Ruritania"@en ;
    qc:iso3166Alpha2 "XR" ; dcterms:source <https://example.org/ruritania/quantum-strategy-2025> ;
    dcterms:date "2025-06-30"^^xsd:date ; prov:wasAttributedTo <https://orcid.org/0000-0002-1825-0097> .
}} }}"""
RENAME = """
DELETE { GRAPH ?g { qcr:ruritania rdfs:label ?label ; skos:prefLabel ?preferred } }
INSERT { GRAPH ?g { qcr:ruritania rdfs:label "Freedonia"@en ; skos:prefLabel "Freedonia"@en } }
WHERE { GRAPH ?g { qcr:ruritania rdfs:label ?label ; skos:prefLabel ?preferred } }"""


@pytest.fixture(scope="module")
def writable(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server over a small conforming store, with the admin token."""
    data = conforming_data(tmp_path_factory.mktemp("views"))
    with running_server(data, tmp_path_factory.mktemp("views-server")) as live:
        yield live


@pytest.fixture
def client(writable: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=writable.base_url, timeout=60) as session:
        yield session


def update(client: httpx.Client, live: LiveServer, sparql: str) -> None:
    headers = {**live.admin_headers, "Content-Type": "application/sparql-update"}
    response = client.post("/sparql", content=sparql, headers=headers)
    assert response.status_code == 204, response.text


def lookup(client: httpx.Client, q: str) -> list[dict]:
    response = client.get("/lookup", params={"q": q})
    assert response.status_code == 200, response.text
    return response.json()


def reconcile(client: httpx.Client, q: str) -> list[dict]:
    queries = json.dumps({"q0": {"query": q, "type": "Country"}})
    response = client.get("/reconcile", params={"queries": queries})
    assert response.status_code == 200, response.text
    return response.json()["q0"]["result"]


def test_rename_by_sparql_update_shows_at_once_in_lookup_reconcile_and_resource(
    writable: LiveServer, client: httpx.Client
) -> None:
    update(client, writable, RURITANIA)
    assert [(h["iri"], h["label"]) for h in lookup(client, "Ruritania")] == [(QCR + "ruritania", "Ruritania")]
    assert reconcile(client, "Ruritania")[0]["id"] == "ruritania"

    update(client, writable, RENAME)

    hits = lookup(client, "Freedonia")
    assert [(h["iri"], h["label"]) for h in hits] == [(QCR + "ruritania", "Freedonia")]
    assert lookup(client, "Ruritania") == []
    [best] = reconcile(client, "Freedonia")
    assert (best["id"], best["name"], best["match"]) == ("ruritania", "Freedonia", True)
    assert reconcile(client, "Ruritania") == []
    preview = client.get("/reconcile/preview", params={"id": "ruritania"})
    assert "Freedonia" in preview.text and "Ruritania" not in preview.text
    page = client.get("/resource/ruritania", headers={"Accept": "text/turtle"})
    assert page.status_code == 200, page.text
    graph = Graph().parse(data=page.text, format="turtle")
    entity = URIRef(QCR + "ruritania")
    assert set(graph.objects(entity, SKOS.prefLabel)) == {Literal("Freedonia", lang="en")}
    assert set(graph.objects(entity, RDFS.label)) == {Literal("Freedonia", lang="en")}


def test_void_counts_follow_a_graph_delete(writable: LiveServer, client: httpx.Client) -> None:
    graph = RECORD.replace("rename-test", "void-test")

    def counts() -> tuple[int, set[str]]:
        void = Graph().parse(data=client.get("/.well-known/void", params={"format": "nt"}).text, format="nt")
        return int(void.value(DATASET, VOID.triples)), {str(g) for g in void.objects(DATASET, VOID.subset)}

    before, _ = counts()
    record = RURITANIA.replace(RECORD, graph).replace('"XR"', '"XG"')
    update(client, writable, record.replace("ruritania", "graustark").replace("Ruritania", "Graustark"))
    triples, subsets = counts()
    assert triples > before and graph in subsets
    deleted = client.delete("/rdf-graphs", params={"graph": graph}, headers=writable.admin_headers)
    assert deleted.status_code == 204
    after, subsets = counts()
    assert after == before and graph not in subsets
