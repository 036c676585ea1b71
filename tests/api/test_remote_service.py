"""The service over a remote SPARQL store (QCOLLAB_STORE=sparql): each real engine of tests/remote_engines.py
(the Oxigraph server, Virtuoso) on a loopback port, loaded with the built seed graph, behind a small front
(tests/remote_stores.py) that can stall a marked query; the real service in front of it, compared over HTTP
with the embedded service on the same data (so nothing here writes: the writes are in
tests/api/test_remote_writes.py)."""

from __future__ import annotations

import csv
import gzip
import io
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from live_server import LiveServer, running_server
from rdflib import Graph, Namespace
from remote_engines import ENGINES, Engine, seeded_engine
from remote_stores import Front, http_front

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SLOW = "qcollab-slow-marker"  # a query holding it is stalled by the front
TIMEOUT_SECONDS = 2.0
COUNTRIES = (
    "SELECT ?country ?label WHERE { ?country a qc:Country ; rdfs:label ?label } ORDER BY ?country ?label"
)
PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
LABELS = "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s rdfs:label ?l }"
JSON = "application/sparql-results+json"


@pytest.fixture(scope="module", params=ENGINES)
def engine(
    request: pytest.FixtureRequest, built_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    root = tmp_path_factory.mktemp(f"remote-{request.param}")
    with seeded_engine(request.param, built_data, root) as running:
        yield running


@pytest.fixture(scope="module")
def front(engine: Engine) -> Iterator[Front]:
    options = {"slow_marker": SLOW.encode(), "slow_seconds": 4, "routes": engine.routes}
    with http_front(engine.base_url, **options) as running:
        yield running


@pytest.fixture(scope="module")
def remote(front: Front, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """The service over the engine (through the front), its own data folder empty."""
    root = tmp_path_factory.mktemp("remote-service")
    (root / "empty").mkdir()
    env = {
        "QCOLLAB_STORE": "sparql",
        "QCOLLAB_SPARQL_QUERY_URL": front.url + "/query",
        "QCOLLAB_SPARQL_UPDATE_URL": front.url + "/update",
        "QCOLLAB_SPARQL_GSP_URL": front.url + "/store",
        **engine.settings,
        "QCOLLAB_SPARQL_RETRIES": "1",
        "QCOLLAB_QUERY_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS),
    }
    with running_server(root / "empty", root, **env) as live, httpx.Client(base_url=live.base_url) as http:
        http.timeout = httpx.Timeout(30)
        http.headers.update(live.admin_headers)
        yield http


@pytest.fixture(scope="module")
def embedded(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=30) as http:
        yield http


def ask(
    http: httpx.Client, query: str, accept: str = JSON, method: str = "GET", **params: str
) -> httpx.Response:
    headers = {"Accept": accept}
    if method == "GET":
        return http.get("/sparql", params={"query": query, **params}, headers=headers)
    if method == "FORM":
        return http.post("/sparql", data={"query": query, **params}, headers=headers)
    headers["Content-Type"] = "application/sparql-query"
    return http.post("/sparql", content=query.encode(), params=params, headers=headers)


def rows(response: httpx.Response) -> list[dict[str, object]]:
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]


@pytest.mark.parametrize("method", ["GET", "FORM", "DIRECT"])
def test_a_select_answers_the_rows_of_the_embedded_service(
    remote: httpx.Client, embedded: httpx.Client, method: str
) -> None:
    for query in (COUNTRIES, PER_GRAPH, COUNT):
        expected = rows(ask(embedded, query))
        assert expected and rows(ask(remote, query, method=method)) == expected


def test_csv_tsv_and_xml_are_answered_as_the_embedded_service_answers(
    remote: httpx.Client, embedded: httpx.Client
) -> None:
    for accept in ("text/csv", "text/tab-separated-values", "application/sparql-results+xml"):
        ours, theirs = ask(remote, COUNTRIES, accept), ask(embedded, COUNTRIES, accept)
        assert ours.status_code == 200 and ours.headers["content-type"].startswith(accept)
        if accept == "text/csv":
            assert list(csv.reader(io.StringIO(ours.text))) == list(csv.reader(io.StringIO(theirs.text)))
        else:
            fmt = ox.QueryResultsFormat.from_media_type(accept)
            assert fmt is not None
            parsed = [list(r) for r in ox.parse_query_results(ours.content, fmt)]  # type: ignore[union-attr]
            assert parsed == [list(r) for r in ox.parse_query_results(theirs.content, fmt)]  # type: ignore[union-attr]


@pytest.mark.parametrize("accept", ["text/turtle", "application/n-triples", "application/ld+json"])
def test_construct_and_ask(remote: httpx.Client, embedded: httpx.Client, accept: str) -> None:
    ours, theirs = ask(remote, LABELS, accept), ask(embedded, LABELS, accept)
    assert ours.status_code == 200 and ours.headers["content-type"].startswith(accept)
    fmt = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld"}[accept]
    got, want = Graph().parse(data=ours.text, format=fmt), Graph().parse(data=theirs.text, format=fmt)
    assert len(got) > 100 and set(got) == set(want)
    answer = ask(remote, "ASK { qcr:japan ?p ?o }")
    assert answer.status_code == 200 and answer.json()["boolean"] is True
    assert ask(remote, "ASK { qcr:atlantis ?p ?o }").json()["boolean"] is False
    for results in ("text/csv", "text/tab-separated-values", "application/sparql-results+xml"):
        query = "ASK { qcr:japan ?p ?o }"
        ours, theirs = ask(remote, query, results), ask(embedded, query, results)
        assert (ours.status_code, ours.content) == (theirs.status_code, theirs.content)


def test_a_syntax_error_is_a_400_with_its_line_and_column_before_the_remote_is_asked(
    remote: httpx.Client, embedded: httpx.Client, front: Front
) -> None:
    broken = "SELECT ?s\nWHERE { ?s ?p }"
    before = front.count("/query")
    ours, theirs = ask(remote, broken), ask(embedded, broken)
    assert ours.status_code == theirs.status_code == 400
    assert ours.headers["content-type"] == "application/problem+json"
    where = (ours.json()["line"], ours.json()["column"])
    assert where == (theirs.json()["line"], theirs.json()["column"]) and where[0] == 2
    refused = ask(remote, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert refused.status_code == 400 and "allow-list" in refused.json()["detail"]
    deep = "SELECT * WHERE " + "{" * 100 + "}" * 100
    assert ask(remote, deep).status_code == 400
    assert front.count("/query") == before  # none of them reached the remote store


def test_the_protocol_dataset(remote: httpx.Client, embedded: httpx.Client) -> None:
    graphs = [row["g"]["value"] for row in rows(ask(embedded, PER_GRAPH))]  # type: ignore[index]
    first, second = graphs[0], graphs[1]
    for params in ({"default-graph-uri": first}, {"named-graph-uri": second}):
        for query in (COUNT, PER_GRAPH):
            assert rows(ask(remote, query, **params)) == rows(ask(embedded, query, **params))
    assert rows(ask(remote, COUNT, **{"named-graph-uri": second}))[0]["n"]["value"] == "0"  # type: ignore[index]
    from_clause = f"SELECT (COUNT(*) AS ?n) FROM <{first}> WHERE {{ ?s ?p ?o }}"
    assert rows(ask(remote, from_clause)) == rows(ask(embedded, from_clause))


def test_a_query_past_the_timeout_is_a_503_and_the_remote_request_is_cancelled(
    remote: httpx.Client, front: Front
) -> None:
    started = time.monotonic()
    slow = ask(remote, f'SELECT * WHERE {{ ?s ?p "{SLOW}" }}')
    assert slow.status_code == 503 and slow.headers["content-type"] == "application/problem+json"
    assert "2 s time limit" in slow.json()["detail"] and slow.headers.get("retry-after")
    assert time.monotonic() - started < TIMEOUT_SECONDS + 1.5
    assert rows(ask(remote, COUNT))  # the service still answers
    deadline = time.monotonic() + 5
    while front.gave_up == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert front.gave_up == 1  # we closed the connection: the remote request was cancelled


def test_a_remote_store_that_fails_is_a_502(remote: httpx.Client, front: Front) -> None:
    front.fail_with.extend([500])
    failed = ask(remote, COUNT)
    assert failed.status_code == 502 and "HTTP 500" in failed.json()["detail"]
    assert rows(ask(remote, COUNT))


def test_what_the_remote_writer_cannot_do_is_a_501_naming_it_and_nothing_is_sent(
    remote: httpx.Client, front: Front
) -> None:
    """Writes work over the remote store (tests/api/test_remote_writes.py); an update that would need a copy
    of the whole store and a bulk load do not, and say so before anything is sent."""
    updates = front.count("/update")
    graph = "https://example.org/g"
    both = (
        f"INSERT DATA {{ GRAPH <{graph}> {{ <https://example.org/a> rdfs:label 'a' }} }} ;\n"
        f"DELETE WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    )
    answers = {
        "reads a graph an earlier operation of the same request changed": remote.post(
            "/sparql", content=both.encode(), headers={"Content-Type": "application/sparql-update"}
        ),
        "a bulk load": remote.put(
            "/rdf-graphs",
            params={"graph": graph},
            content=gzip.compress(b'<https://example.org/a> <https://example.org/p> "a" .'),
            headers={"Content-Type": "application/n-triples", "Content-Encoding": "gzip"},
        ),
    }
    for expected, answer in answers.items():
        assert answer.status_code == 501, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        assert expected in answer.json()["detail"] and "remote SPARQL store" in answer.json()["detail"]
    assert front.count("/update") == updates
    assert not rows(ask(remote, f"SELECT * WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"))
    assert rows(ask(remote, COUNT, method="FORM"))


def test_the_service_description_says_what_the_remote_back_end_does(
    remote: httpx.Client, engine: Engine
) -> None:
    answer = remote.get("/sparql", headers={"Accept": "text/turtle"})
    assert answer.status_code == 200
    description = Graph().parse(data=answer.text, format="turtle")
    languages = set(description.objects(None, SD.supportedLanguage))
    features = set(description.objects(None, SD.feature))
    assert SD.SPARQL11Query in languages and SD.SPARQL11Update in languages  # writes pass our SHACL gate
    assert SD.UnionDefaultGraph in features and SD.EmptyGraphs not in features  # the remote engine's choice
    said = {
        "oxigraph": "union-default-graph parameter",
        "virtuoso": "Virtuoso: every graph",
        "jena": "Fuseki with tdb2:unionDefaultGraph: the named graphs",
    }[engine.name]
    assert said in answer.text and "501" in answer.text


def test_the_derived_views_and_reads_work_over_the_remote_store(
    remote: httpx.Client, embedded: httpx.Client
) -> None:
    found = remote.get("/lookup", params={"q": "japan"})
    assert found.status_code == 200, found.text
    assert found.json() == embedded.get("/lookup", params={"q": "japan"}).json()
    page = remote.get("/resource/japan", headers={"Accept": "text/turtle"})
    assert page.status_code == 200 and "collaboratesWith" in page.text
    assert remote.get("/.well-known/void", headers={"Accept": "text/turtle"}).status_code == 200
    graph = rows(ask(embedded, PER_GRAPH))[0]["g"]["value"]  # type: ignore[index]
    read = remote.get("/rdf-graphs", params={"graph": graph}, headers={"Accept": "application/n-triples"})
    assert read.status_code == 200 and read.text.count("\n") > 0
    network = remote.get("/graph/network")
    assert network.status_code == 200 and network.json()["nodes"]
    assert remote.get("/reconcile").status_code == 200
    record = b"<https://w3id.org/qcollab/resource/x> a <https://w3id.org/qcollab/ontology#University> .\n"
    checked = remote.post("/validate", content=record, headers={"Content-Type": "text/turtle"})
    verdict = embedded.post("/validate", content=record, headers={"Content-Type": "text/turtle"})

    def judged(answer: httpx.Response) -> list[tuple[object, ...]]:
        return sorted((v["focus_node"], v["path"], v["message"]) for v in answer.json()["violations"])

    assert checked.status_code == verdict.status_code == 422 and judged(checked) == judged(verdict)
    document = rows(ask(embedded, "SELECT ?d WHERE { ?d a qc:SourceDocument } ORDER BY ?d LIMIT 1"))
    slug = str(document[0]["d"]["value"]).rsplit("/", 1)[-1]  # type: ignore[index]
    assert remote.get(f"/document/{slug}").status_code == 200


def test_readyz_follows_the_remote_store_and_healthz_does_not(
    remote: httpx.Client, engine: Engine
) -> None:
    assert remote.get("/readyz").status_code == 200
    engine.server.kill()
    try:
        down = remote.get("/readyz")
        assert down.status_code == 503 and "does not answer" in down.json()["detail"]
        assert remote.get("/healthz").status_code == 200
        failed = ask(remote, COUNT)
        assert failed.status_code in (502, 503)  # the front answers 502 as a gateway; direct, 503
        assert failed.headers["content-type"] == "application/problem+json"
    finally:
        engine.server.start()
    deadline = time.monotonic() + 10
    while remote.get("/readyz").status_code != 200:
        assert time.monotonic() < deadline, "the service did not see the remote store come back"
        time.sleep(0.2)
    assert rows(ask(remote, COUNT))
