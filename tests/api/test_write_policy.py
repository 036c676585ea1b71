"""Issue 10, items 1, 6, 7 and 8 through HTTP: what the write gate refuses, and what it never breaks."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from live_server import LiveServer, running_server
from paths import RECORDS

ONTOLOGY = "https://w3id.org/qcollab/graph/ontology"
INFERRED = "https://w3id.org/qcollab/graph/inferred"
COUNTRY = (RECORDS / "valid" / "country.ttl").read_bytes()
TURTLE = {"Content-Type": "text/turtle"}
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
# three unrelated patterns over every graph and a filter no solution passes: runs for hours
HEAVY = """INSERT { GRAPH <http://example.org/g> { ?a <http://example.org/p> ?b } }
WHERE { GRAPH ?g1 { ?a ?p1 ?x } GRAPH ?g2 { ?b ?p2 ?y } GRAPH ?g3 { ?c ?p3 ?z }
        FILTER (STRLEN(STR(?x)) + STRLEN(STR(?y)) + STRLEN(STR(?z)) = -1) }"""


@pytest.fixture(scope="module")
def live(built_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of this module's own (its writes stay here), with a short query deadline."""
    with running_server(
        built_data, tmp_path_factory.mktemp("policy"), QCOLLAB_QUERY_TIMEOUT_SECONDS="3"
    ) as server:
        yield server


def update(live: LiveServer, sparql: str, timeout: float = 60) -> httpx.Response:
    headers = {**live.admin_headers, "Content-Type": "application/sparql-update"}
    return httpx.post(f"{live.base_url}/sparql", content=sparql, headers=headers, timeout=timeout)


def count(live: LiveServer, query: str = COUNT_ALL) -> int:
    response = httpx.post(
        f"{live.base_url}/sparql",
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_parallel_validate_on_a_fresh_server_keeps_validation_working(
    built_data: Path, tmp_path: Path
) -> None:
    """Eight /validate at once on a fresh server broke SHACL for good (a parser shared between threads)."""
    with running_server(built_data, tmp_path) as fresh:

        def validate(_: int) -> httpx.Response:
            return httpx.post(f"{fresh.base_url}/validate", content=COUNTRY, headers=TURTLE, timeout=60)

        with ThreadPoolExecutor(8) as pool:
            first = list(pool.map(validate, range(8)))
        assert [r.status_code for r in first] == [200] * 8
        assert all(r.json()["conforms"] for r in first)
        again = validate(0)
        assert again.status_code == 200 and again.json()["conforms"] is True
        ready = httpx.get(f"{fresh.base_url}/readyz").json()
        assert ready["status"] == "ready"


@pytest.mark.parametrize(
    "sparql",
    [
        f"DROP GRAPH <{ONTOLOGY}>",
        f"CLEAR GRAPH <{INFERRED}>",
        f"INSERT DATA {{ GRAPH <{INFERRED}> {{ <http://example.org/a> a <http://example.org/B> }} }}",
        # an axiom that would make the data inconsistent with the shapes' reading of the ontology
        f"INSERT DATA {{ GRAPH <{ONTOLOGY}> {{ <https://w3id.org/qcollab/ontology#Country> "
        "<http://www.w3.org/2002/07/owl#disjointWith> <https://w3id.org/qcollab/ontology#Actor> } }",
    ],
)
def test_writes_to_the_ontology_or_inferred_graph_are_refused_with_403(live: LiveServer, sparql: str) -> None:
    before = count(live)
    response = update(live, sparql)
    assert response.status_code == 403, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "not writable through the API" in response.json()["detail"]
    assert count(live) == before


@pytest.mark.parametrize("sparql", ["DROP ALL", "CLEAR NAMED", "DROP NAMED"])
def test_drop_all_is_refused_and_the_store_keeps_its_data(live: LiveServer, sparql: str) -> None:
    before = count(live)
    response = update(live, sparql)
    assert response.status_code == 403, response.text
    assert "wiping the store is refused" in response.json()["detail"]
    assert count(live) == before > 1000


def test_a_graph_store_put_to_the_ontology_graph_is_refused(live: LiveServer) -> None:
    response = httpx.put(
        f"{live.base_url}/rdf-graphs",
        params={"graph": ONTOLOGY},
        content=b"<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n",
        headers={**live.admin_headers, "Content-Type": "application/n-triples"},
    )
    assert response.status_code == 403, response.text
    assert count(live, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ONTOLOGY}> {{ ?s ?p ?o }} }}") > 100


def test_deleting_a_sentence_that_entities_cite_is_refused(live: LiveServer) -> None:
    """Deletions are validated like insertions: what pointed at the removed node is checked."""
    found = httpx.post(
        f"{live.base_url}/sparql",
        data={"query": "SELECT ?s WHERE { qcr:united-kingdom qc:extractedFrom ?s } LIMIT 1"},
        headers={"Accept": "application/sparql-results+json"},
    ).json()
    sentence = found["results"]["bindings"][0]["s"]["value"]
    response = update(
        live,
        f"DELETE {{ GRAPH ?g {{ <{sentence}> ?p ?o }} }} WHERE {{ GRAPH ?g {{ <{sentence}> ?p ?o }} "
        f"FILTER (?g != <{INFERRED}>) }}",
    )
    assert response.status_code == 422, response.text
    assert count(live, f"SELECT (COUNT(*) AS ?n) WHERE {{ <{sentence}> ?p ?o }}") > 3


def test_validate_and_records_agree_after_the_record_is_stored(live: LiveServer) -> None:
    """xsd:nonNegativeInteger comes back from the store as xsd:integer: the record was judged twice."""
    url = live.base_url
    assert httpx.post(f"{url}/validate", content=COUNTRY, headers=TURTLE).json()["conforms"] is True
    stored = httpx.post(f"{url}/records", content=COUNTRY, headers={**TURTLE, **live.admin_headers})
    assert stored.status_code in (200, 201), stored.text
    after = httpx.post(f"{url}/validate", content=COUNTRY, headers=TURTLE)
    assert after.status_code == 200 and after.json()["conforms"] is True, after.text
    again = httpx.post(f"{url}/records", content=COUNTRY, headers={**TURTLE, **live.admin_headers})
    assert again.status_code == 200 and again.json()["created"] is False


def test_heavy_update_is_killed_at_the_deadline_and_the_write_lock_released(live: LiveServer) -> None:
    before = count(live)
    started = time.monotonic()
    response = update(live, HEAVY)
    assert response.status_code == 503, response.text
    assert "time limit" in response.json()["detail"]
    assert time.monotonic() - started < 10
    small = (
        f"INSERT DATA {{ GRAPH <http://example.org/after> {{ <http://example.org/s> <{ONTOLOGY}#p> 1 }} }}"
    )
    assert update(live, small, timeout=10).status_code == 204
    assert count(live) == before + 1


def test_update_whose_client_leaves_is_stopped(live: LiveServer) -> None:
    with pytest.raises(httpx.ReadTimeout):
        update(live, HEAVY, timeout=0.5)
    deadline = time.monotonic() + 2.5  # before the 3 s deadline would have ended it
    while time.monotonic() < deadline:
        if httpx.get(f"{live.base_url}/readyz").json()["queries_running"] == 0:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the update's read kept running after its client left")
    small = (
        "INSERT DATA { GRAPH <http://example.org/left> { <http://example.org/s> <http://example.org/p> 2 } }"
    )
    assert update(live, small, timeout=10).status_code == 204


def test_an_operator_can_allow_wiping_the_data(built_data: Path, tmp_path: Path) -> None:
    with running_server(built_data, tmp_path, QCOLLAB_ALLOW_WIPE="true") as wipeable:
        response = update(
            wipeable,
            f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
            f"FILTER (?g NOT IN (<{ONTOLOGY}>, <{INFERRED}>)) }}",
        )
        assert response.status_code == 204, response.text
        kept = f"FILTER (?g NOT IN (<{ONTOLOGY}>, <{INFERRED}>))"
        data = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {kept} }}"
        assert count(wipeable, data) == 0


def test_graph_store_put_of_foaf_data_with_mailto_iris_is_stored(live: LiveServer) -> None:
    """Ordinary FOAF data with mailto: IRIs answered 500 (a TypeError inside the SHACL call)."""
    body = (
        b"<http://example.org/me> <http://xmlns.com/foaf/0.1/mbox> <mailto:me@example.org> .\n"
        b'<http://example.org/me> <http://xmlns.com/foaf/0.1/name> "Me" .\n'
    )
    response = httpx.put(
        f"{live.base_url}/rdf-graphs",
        params={"graph": "http://example.org/foaf"},
        content=body,
        headers={**live.admin_headers, "Content-Type": "application/n-triples"},
    )
    assert response.status_code == 201, response.text
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <http://example.org/foaf> { ?s ?p ?o } }"
    assert count(live, query) == 2


def test_an_update_that_reads_its_own_earlier_change_is_applied(live: LiveServer) -> None:
    """Worked out on a copy of the store (in a child process): the second operation sees the first."""
    graph = "http://example.org/read-after-write"
    sparql = (
        f"INSERT DATA {{ GRAPH <{graph}> {{ <http://example.org/s> <http://example.org/p> 1 }} }} ;\n"
        f"INSERT {{ GRAPH <{graph}> {{ ?s <http://example.org/q> ?o }} }} "
        f"WHERE {{ GRAPH <{graph}> {{ ?s <http://example.org/p> ?o }} }}"
    )
    assert update(live, sparql).status_code == 204
    assert count(live, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}") == 2


def test_a_heavy_update_tried_on_a_copy_is_killed_at_the_deadline_and_nothing_is_written(
    live: LiveServer,
) -> None:
    graph = "http://example.org/copy-deadline"
    first = f"INSERT DATA {{ GRAPH <{graph}> {{ <http://example.org/s> <http://example.org/p> 1 }} }}"
    started = time.monotonic()
    response = update(live, f"{first} ;\n{HEAVY}")
    assert response.status_code == 503, response.text
    assert time.monotonic() - started < 15
    assert count(live, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}") == 0
    assert update(live, first, timeout=10).status_code == 204
    assert not list(live.data_dir.glob(".update-copy-*"))
