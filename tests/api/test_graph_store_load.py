"""Large Graph Store writes: streamed to the bulk loader past the global body limit, for the admin only."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from live_server import LiveServer, running_server
from load_support import QCR, conforming_data, universities, wikidata_like

BODY_LIMIT = 20_000  # the global limit of this server
LOAD_LIMIT = 3_000_000  # its limit of an admin's Graph Store write
GRAPH = "https://w3id.org/qcollab/graph/load/items"
NT = "application/n-triples"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data = conforming_data(tmp_path_factory.mktemp("load-conforming"))
    with running_server(
        data,
        tmp_path_factory.mktemp("load-server"),
        QCOLLAB_MAX_BODY_BYTES=str(BODY_LIMIT),
        QCOLLAB_MAX_LOAD_BYTES=str(LOAD_LIMIT),
    ) as server:
        yield server


@pytest.fixture
def client(live: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.base_url, timeout=120) as session:
        yield session


def admin(live: LiveServer, content_type: str = NT, **headers: str) -> dict[str, str]:
    return {**live.admin_headers, "Content-Type": content_type, **headers}


def chunks(body: bytes, size: int = 64_000) -> Iterator[bytes]:
    """A body sent in pieces, without Content-Length (chunked transfer encoding)."""
    for start in range(0, len(body), size):
        yield body[start : start + size]


def count(session: httpx.Client, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    response = session.get(
        "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_a_large_put_is_loaded_for_the_admin_and_visible_through_sparql(
    live: LiveServer, client: httpx.Client
) -> None:
    body = wikidata_like(5000).encode()  # about 600 KB: over the global limit
    assert len(body) > BODY_LIMIT
    response = client.put("/rdf-graphs", params={"graph": GRAPH}, content=chunks(body), headers=admin(live))
    assert response.status_code == 201, response.text
    assert count(client, GRAPH) == 15000
    again = client.put(
        "/rdf-graphs",
        params={"graph": GRAPH},
        content=chunks(wikidata_like(10, 90_000).encode()),
        headers=admin(live),
    )
    assert again.status_code == 204
    assert count(client, GRAPH) == 30  # PUT replaced the graph


def test_a_large_body_is_refused_without_the_token(live: LiveServer, client: httpx.Client) -> None:
    body = wikidata_like(2000, 10_000).encode()
    graph = GRAPH + "-anonymous"
    for headers in ({"Content-Type": NT}, {"Content-Type": NT, "Authorization": "Bearer wrong"}):
        with_length = client.put("/rdf-graphs", params={"graph": graph}, content=body, headers=headers)
        assert with_length.status_code == 413
        streamed = client.put("/rdf-graphs", params={"graph": graph}, content=chunks(body), headers=headers)
        assert streamed.status_code in (401, 403, 413)
    assert count(client, graph) == 0


def test_a_body_over_the_load_limit_is_413(live: LiveServer, client: httpx.Client) -> None:
    body = wikidata_like(9000, 20_000).encode()
    assert len(body) > LOAD_LIMIT
    graph = GRAPH + "-huge"
    response = client.put("/rdf-graphs", params={"graph": graph}, content=body, headers=admin(live))
    assert response.status_code == 413
    streamed = client.put("/rdf-graphs", params={"graph": graph}, content=chunks(body), headers=admin(live))
    assert streamed.status_code == 413
    assert count(client, graph) == 0


def test_a_gzip_post_with_content_length_is_merged(live: LiveServer, client: httpx.Client) -> None:
    graph = GRAPH + "-gzip"
    body = gzip.compress(wikidata_like(3000, 40_000).encode())
    headers = admin(live, **{"Content-Encoding": "gzip"})
    assert (
        client.post("/rdf-graphs", params={"graph": graph}, content=body, headers=headers).status_code == 201
    )
    more = gzip.compress(wikidata_like(10, 50_000).encode())
    assert (
        client.post("/rdf-graphs", params={"graph": graph}, content=more, headers=headers).status_code == 204
    )
    assert count(client, graph) == 9030


def test_a_streamed_trig_body_is_flattened_into_the_graph(live: LiveServer, client: httpx.Client) -> None:
    graph = GRAPH + "-trig"
    trig = f"<http://example.org/elsewhere> {{ {wikidata_like(500, 60_000)} }}".encode()
    response = client.put(
        "/rdf-graphs", params={"graph": graph}, content=chunks(trig), headers=admin(live, "application/trig")
    )
    assert response.status_code == 201, response.text
    assert count(client, graph) == 1500
    assert count(client, "http://example.org/elsewhere") == 0


def test_a_streamed_syntax_error_is_400_with_line_and_column_and_changes_nothing(
    live: LiveServer, client: httpx.Client
) -> None:
    graph = GRAPH + "-broken"
    body = (wikidata_like(300, 70_000) + f"<{QCR}x> <{QCR}y> .\n").encode()
    response = client.put("/rdf-graphs", params={"graph": graph}, content=chunks(body), headers=admin(live))
    assert response.status_code == 400
    problem = response.json()
    assert problem["line"] == 901 and problem["column"] is not None
    assert count(client, graph) == 0


def test_a_streamed_unknown_type_is_415(live: LiveServer, client: httpx.Client) -> None:
    response = client.put(
        "/rdf-graphs",
        params={"graph": GRAPH + "-csv"},
        content=chunks(b"a,b\n" * 10_000),
        headers=admin(live, "text/csv"),
    )
    assert response.status_code == 415


def test_streamed_qcollab_data_is_validated_and_refused_with_the_report(
    live: LiveServer, client: httpx.Client
) -> None:
    graph = "https://w3id.org/qcollab/graph/record/universities"
    bad = universities(40, unlabelled=33).encode()
    refused = client.put(
        "/rdf-graphs", params={"graph": graph}, content=chunks(bad, 1000), headers=admin(live, "text/turtle")
    )
    assert refused.status_code == 422
    assert any(v["focus_node"] == f"{QCR}uni-33" for v in refused.json()["violations"])
    assert count(client, graph) == 0
    good = universities(40).encode()
    accepted = client.put(
        "/rdf-graphs", params={"graph": graph}, content=chunks(good, 1000), headers=admin(live, "text/turtle")
    )
    assert accepted.status_code == 201, accepted.text
    assert count(client, graph) == 240
    ask = f"ASK {{ <{QCR}uni-1> a qc:Actor }}"  # the inferences were rebuilt
    answer = client.get(
        "/sparql", params={"query": ask}, headers={"Accept": "application/sparql-results+json"}
    )
    assert answer.json()["boolean"] is True


def test_no_upload_is_left_in_the_data_folder(live: LiveServer) -> None:
    leftovers = [p.name for p in Path(live.data_dir).iterdir() if p.name.startswith((".upload-", ".load-"))]
    assert leftovers == []
