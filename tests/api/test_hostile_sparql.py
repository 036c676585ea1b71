"""Hostile SPARQL over HTTP (issue 10, item 3): deep nesting is refused before any parser sees it, and a
query worker that dies mid-query is answered with a problem response, never a bare 500."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from live_server import LiveServer, running_server

QUERY = {"Content-Type": "application/sparql-query"}
UPDATE = {"Content-Type": "application/sparql-update"}
PROBLEM = "application/problem+json"
DEEP = 5000
BRACES = "SELECT * WHERE " + "{" * DEEP + " ?s ?p ?o " + "}" * DEEP
PARENTHESES = "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * DEEP + "?o" + ")" * DEEP + ") }"
WITH_SERVICE = (
    "SELECT * WHERE { SERVICE <http://example.org/sparql> " + "{" * DEEP + " ?s ?p ?o " + "}" * DEEP + " }"
)
LOOKS_LIKE_AN_IRI = "SELECT * WHERE { ?s ?p ?o FILTER(1<" + "(" * DEEP + "1>0" + ")" * DEEP + ") }"
GRAPH = "https://w3id.org/qcollab/graph/record/hostile-nesting"
DEEP_UPDATE = f"INSERT {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }} WHERE " + "{" * DEEP + " ?s ?p ?o " + "}" * DEEP


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=60) as session:
        yield session


def assert_nesting_refused(response: httpx.Response, limit: int = 64) -> None:
    """400 problem details naming the limit, the setting and where the limit was passed."""
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == 400 and body["nesting_limit"] == limit
    assert f"nest more than {limit} levels deep" in body["detail"]
    assert "QCOLLAB_MAX_QUERY_NESTING" in body["detail"]
    assert body["line"] == 1 and body["column"] > limit


def assert_alive(http: httpx.Client) -> None:
    assert http.get("/healthz").status_code == 200
    count = http.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    assert count.status_code == 200 and int(count.json()["results"]["bindings"][0]["n"]["value"]) > 0


def test_5000_nested_braces_is_a_400_naming_the_nesting_limit(http: httpx.Client) -> None:
    """Regression: the worker crashed (SIGSEGV in the parser) and the client got a bare text/plain 500."""
    assert_nesting_refused(http.post("/sparql", content=BRACES, headers=QUERY))
    assert_nesting_refused(http.get("/sparql", params={"query": BRACES}))
    assert_nesting_refused(http.post("/sparql", data={"query": BRACES}))
    assert_alive(http)


def test_5000_nested_parentheses_in_a_filter_is_a_400_naming_the_nesting_limit(http: httpx.Client) -> None:
    assert_nesting_refused(http.post("/sparql", content=PARENTHESES, headers=QUERY))
    assert_alive(http)


def test_5000_nested_braces_with_service_is_a_400_naming_the_nesting_limit(http: httpx.Client) -> None:
    """Regression: the SERVICE check (rdflib's parser) raised RecursionError in the main process: a 500."""
    assert_nesting_refused(http.post("/sparql", content=WITH_SERVICE, headers=QUERY))
    assert_alive(http)


def test_a_service_query_too_deep_for_the_service_check_is_refused_not_a_500(http: httpx.Client) -> None:
    """Below the limit, but deeper than rdflib's parser can follow: the SERVICE check fails closed."""
    query = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o FILTER(" + "(" * 40 + "1"
    response = http.post("/sparql", content=query + ")" * 40 + ") } }", headers=QUERY)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == PROBLEM
    assert "cannot verify the SERVICE endpoints" in response.json()["detail"]


def test_brackets_hidden_in_what_looks_like_an_iri_are_a_400_naming_the_nesting_limit(
    http: httpx.Client,
) -> None:
    """`1<((((…1>0))))`: `<((((…1>` is shaped like an IRI, but here `<` is less-than and the brackets nest."""
    assert_nesting_refused(http.post("/sparql", content=LOOKS_LIKE_AN_IRI, headers=QUERY))
    assert_alive(http)


def test_an_update_with_5000_nested_braces_is_a_400_naming_the_nesting_limit(
    server: LiveServer, http: httpx.Client
) -> None:
    """Regression: the update was parsed in the main process (the effects of the change, the writer)."""
    headers = {**server.admin_headers, **UPDATE}
    assert_nesting_refused(http.post("/sparql", content=DEEP_UPDATE, headers=headers))
    assert_nesting_refused(http.post("/sparql", data={"update": DEEP_UPDATE}, headers=server.admin_headers))
    assert_alive(http)
    ask = http.get("/sparql", params={"query": f"ASK {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"})
    assert ask.json()["boolean"] is False


@pytest.mark.parametrize(
    "where",
    [
        "FILTER (" + "!" * 20_000 + "true)",  # unary operators: no bracket to count
        "FILTER (1" + " + 1" * 20_000 + ")",
        "{ ?s ?p ?o }" + " UNION { ?s ?p ?o }" * 20_000,
    ],
    ids=["not-chain", "plus-chain", "union-chain"],
)
def test_an_update_whose_parse_crashes_the_parser_is_a_400_and_the_server_keeps_serving(
    server: LiveServer, http: httpx.Client, where: str
) -> None:
    """Regression: the update was parsed in the server's process, and pyoxigraph's parser overflowed."""
    triple = "<http://example.org/s> <http://example.org/p> 1"
    update = f"INSERT {{ GRAPH <{GRAPH}> {{ {triple} }} }} WHERE {{ {where} }}"
    response = http.post("/sparql", content=update, headers={**server.admin_headers, **UPDATE})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == PROBLEM
    assert "nest too deeply for the parser" in response.json()["detail"]
    assert_alive(http)


def test_an_update_without_the_token_is_refused_before_its_nesting_is_read(http: httpx.Client) -> None:
    assert http.post("/sparql", content=DEEP_UPDATE, headers=UPDATE).status_code == 401


def test_realistic_nesting_is_answered(http: httpx.Client) -> None:
    query = "SELECT * WHERE " + "{" * 20 + " ?s a qc:Country FILTER(((STRLEN(STR(?s)) > 0))) " + "}" * 20
    response = http.post("/sparql", content=query + " LIMIT 1", headers=QUERY)
    assert response.status_code == 200, response.text
    assert len(response.json()["results"]["bindings"]) == 1


@pytest.fixture(scope="module")
def unlimited(built_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server with the nesting limit raised out of the way, so a deep query reaches a worker."""
    workdir = tmp_path_factory.mktemp("unlimited-nesting")
    with running_server(built_data, workdir, QCOLLAB_MAX_QUERY_NESTING="100000") as live:
        yield live


def test_a_worker_that_dies_gives_a_problem_response_not_a_bare_500(unlimited: LiveServer) -> None:
    """Regression: EOFError from the dead worker's pipe escaped as a bare text/plain 500."""
    with httpx.Client(base_url=unlimited.base_url, timeout=60) as http:
        before = set(http.get("/readyz").json()["query_workers"])
        response = http.post("/sparql", content=BRACES, headers=QUERY)
        assert response.status_code == 503, response.text
        assert response.headers["content-type"] == PROBLEM
        body = response.json()
        assert body["status"] == 503
        assert "query worker" in body["detail"] and "stopped" in body["detail"]
        assert "replaces it" in body["detail"]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # the replacement starts in the background
            workers = set(http.get("/readyz").json()["query_workers"])
            if len(workers) == len(before) and workers != before:
                break
            time.sleep(0.2)
        assert len(workers) == len(before) and workers != before
        assert_alive(http)
