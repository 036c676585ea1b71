"""Federated queries: SERVICE only to allow-listed endpoints, checked before the engine runs anything."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from linking_support import oxigraph_server, recording_proxy
from live_server import LiveServer, free_port, running_server

from kg.errors import PolicyRefusedError, ServiceNotAllowedError
from kg.linking.run import link_store
from kg.query.federation import check_services, service_endpoints
from kg.settings import Settings
from kg.store.oxigraph import OxigraphStore

WDT = "http://www.wikidata.org/prop/direct/"
ALLOWED = "http://127.0.0.1:8890/query"
OTHER = "http://127.0.0.1:8891/query"

JOIN = (
    "PREFIX wdt: <" + WDT + "> SELECT ?a ?label ?iso WHERE {{ ?a a qc:Country ; skos:prefLabel ?label ; "
    "owl:sameAs ?wd . SERVICE <{endpoint}> {{ ?wd wdt:P297 ?iso }} }} ORDER BY ?label"
)
EXPECTED_CODES = {
    "United States": "US", "United Kingdom": "GB", "Canada": "CA", "Australia": "AU",
    "Japan": "JP", "China": "CN",
}


# ---------------------------------------------------------------- the check itself


@pytest.mark.parametrize(
    "query",
    [
        f"SELECT * WHERE {{ SERVICE <{ALLOWED}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{ALLOWED}> {{ ?s ?p ?o }} }}",
        "PREFIX r: <http://127.0.0.1:8890/> SELECT * WHERE { SERVICE r:query { ?s ?p ?o } }",
        f"PREFIX r: <{OTHER}> PREFIX r: <http://127.0.0.1:8890/> "
        "SELECT * WHERE { SERVICE r:query { ?s ?p ?o } }",
        "BASE <http://127.0.0.1:8890/> SELECT * WHERE { SERVICE <query> { ?s ?p ?o } }",
        'SELECT * WHERE { ?s rdfs:label "customer SERVICE <http://evil.example/>" }  # SERVICE <x>',
        "SELECT ?service WHERE { ?service a ?SERVICE }",
    ],
)
def test_allowed_requests_pass(query: str) -> None:
    check_services(query, [ALLOWED])


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        (f"SELECT * WHERE {{ SERVICE <{OTHER}> {{ ?s ?p ?o }} }}", "not on the allow-list"),
        (f"SELECT * WHERE {{ SERVICE SILENT <{OTHER}> {{ ?s ?p ?o }} }}", "not on the allow-list"),
        ("SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }", "variable endpoint"),
        (  # the engine keeps the last declaration of a prefix
            "PREFIX r: <http://127.0.0.1:8890/> PREFIX r: <http://127.0.0.1:8891/> "
            "SELECT * WHERE { SERVICE r:query { ?s ?p ?o } }",
            "8891",
        ),
        ("BASE <http://127.0.0.1:8891/> SELECT * WHERE { SERVICE <query> { ?s ?p ?o } }", "8891"),
        ("SELECT * WHERE { SERVICE <query> { ?s ?p ?o } }", "relative"),
        (f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{OTHER}> {{ ?s ?p ?o }} }} }}", "allow-list"),
        (f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{OTHER}> {{ ?s ?p ?o }} }} }} }}", "allow-list"),
        ("SELECT * WHERE { SERVICE qcr:x { ?s ?p ?o } }", "https://w3id.org/qcollab/resource/x"),
        (r"SELECT * WHERE { SERVICE <http://127.0.0.1:8890/\u0071uery> { ?s ?p ?o } }", "escape"),
        (f"SELECT * WHERE {{ SERVICE <{OTHER}> {{ ?s ?p ?o }} ", "cannot verify"),
    ],
)
def test_refused_requests(query: str, reason: str) -> None:
    with pytest.raises(ServiceNotAllowedError, match=reason.replace("?", r"\?")):
        check_services(query, [ALLOWED])


def test_nothing_is_allowed_by_default() -> None:
    assert Settings().service_allowlist == []
    with pytest.raises(ServiceNotAllowedError, match="none are configured"):
        query = f"SELECT * WHERE {{ SERVICE <{ALLOWED}> {{ ?s ?p ?o }} }}"
        check_services(query, Settings().service_allowlist)


def test_updates_are_checked_per_operation() -> None:
    update = (
        "PREFIX r: <http://127.0.0.1:8890/> INSERT { ?s ?p ?o } WHERE { SERVICE r:query { ?s ?p ?o } } ; "
        "PREFIX r: <http://127.0.0.1:8891/> INSERT { ?s ?p ?o } WHERE { SERVICE r:query { ?s ?p ?o } }"
    )
    assert [str(e) for e in service_endpoints(update, update=True)] == [ALLOWED, OTHER]
    with pytest.raises(ServiceNotAllowedError, match="8891"):
        check_services(update, [ALLOWED], update=True)


@pytest.mark.parametrize("update", [
    f"LOAD <{ALLOWED}>",
    "load silent <http://169.254.169.254/latest/meta-data> INTO GRAPH <urn:g>",
])
def test_load_is_refused_because_the_server_fetches_no_urls(update: str) -> None:
    with pytest.raises(PolicyRefusedError, match="LOAD is refused by this service's policy"):
        check_services(update, [ALLOWED], update=True)


def test_load_inside_a_string_is_not_an_operation() -> None:
    check_services('INSERT DATA { <urn:a> <urn:b> "LOAD <http://x/>" }', [], update=True)


# ---------------------------------------------------------------- through kg: a real second SPARQL server


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The oxigraph server from PyPI, loaded with the reference snapshot (Wikidata and DBpedia)."""
    with oxigraph_server(tmp_path_factory.mktemp("remote")) as endpoint:
        yield endpoint


def test_join_through_kg_with_a_linked_store(remote: str) -> None:
    store = OxigraphStore()
    store.load(
        "@prefix qc: <https://w3id.org/qcollab/ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<https://w3id.org/qcollab/resource/japan> a qc:Country ; skos:prefLabel \"Japan\"@en .\n"
        "<https://w3id.org/qcollab/resource/canada> a qc:Country ; skos:prefLabel \"Canada\"@en .\n",
        ox.RdfFormat.TURTLE, graph="https://w3id.org/qcollab/graph/document/t",
    )
    link_store(store, Settings())
    query = JOIN.format(endpoint=remote)
    check_services(query, [remote])
    rows = {row["label"].value: row["iso"].value for row in store.query(query)}
    assert rows == {"Japan": "JP", "Canada": "CA"}


# ---------------------------------------------------------------- over HTTP: /sparql of the real service


@pytest.fixture(scope="module")
def federated_server(
    linked: tuple[Path, dict[str, object]], remote: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, str]]:
    """Our service over a linked copy of the graph, with the remote server on its allow-list."""
    allowlist = f'["{remote}"]'
    with running_server(linked[0], tmp_path_factory.mktemp("federated-server"),
                        QCOLLAB_SERVICE_ALLOWLIST=allowlist) as live:
        yield live, remote


def post_query(server: LiveServer, query: str) -> httpx.Response:
    return httpx.post(
        f"{server.base_url}/sparql", data={"query": query},
        headers={"Accept": "application/sparql-results+json"}, timeout=60,
    )


def test_federated_join_returns_iso_codes_of_the_countries(federated_server: tuple[LiveServer, str]) -> None:
    server, remote = federated_server
    answer = post_query(server, JOIN.format(endpoint=remote))
    assert answer.status_code == 200, answer.text
    rows = {
        b["label"]["value"]: b["iso"]["value"] for b in answer.json()["results"]["bindings"]
    }
    for label, code in EXPECTED_CODES.items():
        assert rows.get(label) == code, (label, rows)
    assert rows["Japan"] == "JP"


def test_federated_join_with_population(federated_server: tuple[LiveServer, str]) -> None:
    server, remote = federated_server
    query = (
        f"PREFIX wdt: <{WDT}> SELECT ?population WHERE {{ qcr:japan owl:sameAs ?wd . "
        f"SERVICE <{remote}> {{ ?wd wdt:P1082 ?population }} }}"
    )
    answer = post_query(server, query)
    assert answer.status_code == 200, answer.text
    [row] = answer.json()["results"]["bindings"]
    assert int(float(row["population"]["value"])) > 100_000_000


def test_not_allowed_service_is_refused_and_never_called(federated_server: tuple[LiveServer, str]) -> None:
    server, _ = federated_server
    with recording_proxy() as spy:  # a server that would record any request made to it
        endpoint = f"{spy.url}/query"
        for send in (
            lambda q: post_query(server, q),
            lambda q: httpx.get(f"{server.base_url}/sparql", params={"query": q},
                                headers={"Accept": "application/sparql-results+json"}, timeout=30),
        ):
            answer = send(f"SELECT * WHERE {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}")
            assert answer.status_code in (400, 403), answer.text
            assert "allow-list" in answer.json()["detail"]
            assert endpoint in answer.json()["detail"]
        assert spy.requests == []


def test_refused_even_when_nothing_listens(federated_server: tuple[LiveServer, str]) -> None:
    server, _ = federated_server
    endpoint = f"http://127.0.0.1:{free_port()}/sparql"
    answer = post_query(server, f"SELECT * WHERE {{ SERVICE SILENT <{endpoint}> {{ ?s ?p ?o }} }}")
    assert answer.status_code in (400, 403)
    assert "allow-list" in answer.json()["detail"]


def test_default_service_refuses_any_service(server: LiveServer) -> None:
    answer = post_query(server, f"SELECT * WHERE {{ SERVICE <{ALLOWED}> {{ ?s ?p ?o }} }}")
    assert answer.status_code in (400, 403)
    assert "none are configured" in answer.json()["detail"]


@pytest.mark.parametrize("query", [
    "PREFIX ex: <http://example.org/> SELECT * { ?s ex:customer-service ?o }",
    'SELECT * { ?s ?p "x"@en-service }',
    "PREFIX ex: <http://example.org/> SELECT * { ?s ex:a.service ?o }",
])
def test_service_inside_a_name_is_not_the_keyword(query: str) -> None:
    """Regression (issue 11, parity harness): these were refused as 'cannot verify the SERVICE endpoints'."""
    check_services(query, [])


@pytest.mark.parametrize("query", [
    "SELECT * { ?s ?p ?o.SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }",
    "PREFIX ex: <http://example.org/> SELECT * { ?s ?p ex:.SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } }",
])
def test_service_right_after_a_name_or_variable_is_still_checked(query: str) -> None:
    with pytest.raises(ServiceNotAllowedError, match="127.0.0.1:9"):
        check_services(query, [])
