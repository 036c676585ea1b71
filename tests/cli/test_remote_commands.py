"""`qcollab build`, `load`, `link` and `reason` over a remote SPARQL store (QCOLLAB_STORE=sparql), as a user
runs them: the real CLI in a subprocess, a real `oxigraph serve` on a loopback port, and a small HTTP front
between them (below) that counts the requests and answers chosen errors to the first writes. What reached
the store is asked of the Oxigraph server directly, past the front."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from linking_support import serving
from live_server import free_port
from load_support import universities, wikidata_like
from paths import ROOT
from remote_stores import OxigraphServer, writable_oxigraph

from kg.store.oxigraph import OxigraphStore

QCG = "https://w3id.org/qcollab/graph/"
QCR = "https://w3id.org/qcollab/resource/"
COLLABORATION = f"{QCR}collaboration/canada--united-kingdom"  # in the seed document
JSON = {"Accept": "application/sparql-results+json"}
QC = "https://w3id.org/qcollab/ontology#"
UPDATE = {"Content-Type": "application/sparql-update"}
RECORD = """@prefix qc: <https://w3id.org/qcollab/ontology#> .
@prefix qcr: <https://w3id.org/qcollab/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
qcr:ruritania a qc:Country ; rdfs:label "Ruritania"@en ; skos:prefLabel "Ruritania"@en ;
  qc:collaboratesWith qcr:{partner} ; dcterms:source <https://example.org/ruritania> ;
  dcterms:date "2026-12-02"^^<http://www.w3.org/2001/XMLSchema#date> ;
  prov:wasAttributedTo <https://orcid.org/0000-0002-1825-0097> .
"""
COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


@dataclass
class Front:
    """Forwards to the Oxigraph server; answers the first writes with `fail_writes` (one status each)."""

    target: str
    fail_writes: list[int] = field(default_factory=list)
    seen: list[tuple[str, str, int]] = field(default_factory=list)  # method, path, status answered
    bodies: list[bytes] = field(default_factory=list)  # of the writes forwarded
    url: str = ""

    def writes(self) -> list[tuple[str, str, int]]:
        return [s for s in self.seen if _is_write(s[0], s[1])]

    def reads(self) -> list[tuple[str, str, int]]:
        return [s for s in self.seen if not _is_write(s[0], s[1])]

    def env(self, **extra: str) -> dict[str, str]:
        return {
            "QCOLLAB_STORE": "sparql",
            "QCOLLAB_SPARQL_QUERY_URL": self.url + "/query",
            "QCOLLAB_SPARQL_UPDATE_URL": self.url + "/update",
            "QCOLLAB_SPARQL_GSP_URL": self.url + "/store",
            "QCOLLAB_SPARQL_UNION_REQUEST": "oxigraph",
            **extra,
        }


def _is_write(method: str, path: str) -> bool:
    route = path.split("?")[0]
    return (method == "POST" and route == "/update") or (route == "/store" and method != "GET")


@contextmanager
def front(server: OxigraphServer) -> Iterator[Front]:
    state = Front(server.base_url)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            with lock:
                failing = _is_write(self.command, self.path) and bool(state.fail_writes)
                status = state.fail_writes.pop(0) if failing else 0
            if failing:
                state.seen.append((self.command, self.path, status))
                return self._answer(status, b"injected failure", "text/plain")
            if _is_write(self.command, self.path):
                state.bodies.append(body)
            headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
            answer = httpx.request(self.command, state.target + self.path, content=body, headers=headers)
            state.seen.append((self.command, self.path, answer.status_code))
            self._answer(answer.status_code, answer.content, answer.headers.get("content-type", "text/plain"))

        def _answer(self, status: int, body: bytes, media_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", media_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = _handle  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    with serving(Handler) as url:
        state.url = url
        yield state


def qcollab(data: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "QCOLLAB_DATA_DIR": str(data), "COLUMNS": "250", **env}
    return subprocess.run(
        [sys.executable, "-c", "from kg.cli.main import main; main()", *args],
        env=environment,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def select(server: OxigraphServer, query: str) -> list[dict[str, dict[str, str]]]:
    answer = httpx.post(server.query_url, data={"query": query, "union-default-graph": ""}, headers=JSON)
    assert answer.status_code == 200, answer.text
    return answer.json()["results"]["bindings"]


def ask(server: OxigraphServer, query: str) -> bool:
    answer = httpx.post(server.query_url, data={"query": query, "union-default-graph": ""}, headers=JSON)
    assert answer.status_code == 200, answer.text
    return bool(answer.json()["boolean"])


def graph_counts(server: OxigraphServer) -> dict[str, int]:
    return {row["g"]["value"]: int(row["n"]["value"]) for row in select(server, COUNTS)}


def update(server: OxigraphServer, sparql: str) -> None:
    answer = httpx.post(server.update_url, content=sparql, headers=UPDATE)
    assert answer.status_code < 300, answer.text


@dataclass
class Built:
    server: OxigraphServer
    front: Front
    data: Path
    run: subprocess.CompletedProcess[str]
    counts: dict[str, int]  # right after the build


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """An Oxigraph server that `qcollab build` filled with the seed documents, through a counting front."""
    root = tmp_path_factory.mktemp("remote-build")
    with writable_oxigraph(root / "oxigraph") as server, front(server) as counting:
        run = qcollab(root / "data", counting.env(), "build")
        yield Built(server, counting, root / "data", run, graph_counts(server))


def test_build_fills_the_remote_store_as_an_embedded_build(built: Built, built_data: Path) -> None:
    assert built.run.returncode == 0, built.run.stderr
    assert "into the remote store" in built.run.stdout
    assert ask(built.server, f"ASK {{ <{COLLABORATION}> a <{QC}Collaboration> }}")
    with OxigraphStore(built_data / "store", read_only=True) as embedded:
        expected = {g: embedded.triple_count(g) for g in embedded.named_graphs()}
        assert sum(built.counts.values()) == embedded.quad_count()
    assert built.counts == expected  # the same graphs, the inferred one included, the same triples in each
    assert built.front.writes() and all(status < 300 for _, _, status in built.front.seen)


def test_a_second_build_sends_nothing_when_nothing_changed(built: Built) -> None:
    built.front.seen.clear()
    again = qcollab(built.data, built.front.env(), "build")
    assert again.returncode == 0, again.stderr
    assert "is up to date" in again.stdout
    assert built.front.writes() == [] and len(built.front.reads()) == 1  # one query: the graphs' counts
    forced = qcollab(built.data, built.front.env(), "build", "--force")  # extracts, compares, sends nothing
    assert forced.returncode == 0, forced.stderr
    assert built.front.writes() == []
    assert graph_counts(built.server) == built.counts


def test_a_build_sends_again_a_graph_changed_on_the_server(built: Built) -> None:
    document = next(g for g in built.counts if g.startswith(QCG + "document/"))
    update(built.server, f"DELETE WHERE {{ GRAPH <{document}> {{ <{COLLABORATION}> ?p ?o }} }}")
    built.front.seen.clear()
    built.front.bodies.clear()
    run = qcollab(built.data, built.front.env(), "build")
    assert run.returncode == 0, run.stderr
    assert graph_counts(built.server) == built.counts
    data = [body for body in built.front.bodies if b"INSERT DATA" in body]
    assert len(data) == 1 and document.encode() in data[0]  # the document graph alone, not the ontology


@pytest.mark.parametrize("protocol", ["gsp", "update"])
def test_load_sends_a_file_in_batches(built: Built, tmp_path: Path, protocol: str) -> None:
    source = tmp_path / f"items-{protocol}.nt"
    source.write_text(wikidata_like(10, start=100 if protocol == "gsp" else 200))  # 30 triples
    graph = f"{QCG}load/items-{protocol}"
    built.front.seen.clear()
    env = built.front.env(QCOLLAB_SPARQL_BATCH_QUADS="7", QCOLLAB_SPARQL_BULK_PROTOCOL=protocol)
    run = qcollab(built.data, env, "load", str(source))
    assert run.returncode == 0, run.stderr
    assert "Loaded 30 triples" in run.stdout
    assert graph_counts(built.server)[graph] == 30
    route = "/store" if protocol == "gsp" else "/update"
    sent = [path for _, path, _ in built.front.writes() if path.startswith(route)]
    assert len(sent) >= 5  # 30 quads, at most 7 a request


def test_a_load_that_violates_the_shapes_leaves_the_remote_store_unchanged(
    built: Built, tmp_path: Path
) -> None:
    source = tmp_path / "universities.ttl"
    source.write_text(universities(30, unlabelled=17))
    before = graph_counts(built.server)
    built.front.seen.clear()
    run = qcollab(built.data, built.front.env(QCOLLAB_LOAD_BATCH_SIZE="10"), "load", str(source))
    assert run.returncode == 1, run.stdout
    assert "refused" in run.stderr and "uni-17" in run.stderr and "Traceback" not in run.stderr
    assert built.front.writes() == []
    assert graph_counts(built.server) == before


def test_a_conforming_vocabulary_load_is_validated_then_sent(built: Built, tmp_path: Path) -> None:
    source = tmp_path / "colleges.ttl"
    source.write_text(universities(12, prefix="college"))
    run = qcollab(built.data, built.front.env(QCOLLAB_LOAD_BATCH_SIZE="5"), "load", str(source))
    assert run.returncode == 0, run.stderr
    assert "Validated 12 subjects in 3 batch(es)" in run.stdout
    assert ask(built.server, f"ASK {{ <{QCR}college-11> a <{QC}University> }}")
    # the load's inferences, worked out by the server: a University is an Organization
    inferred = f"ASK {{ GRAPH <{QCG}inferred> {{ <{QCR}college-11> a <{QC}Organization> }} }}"
    assert ask(built.server, inferred)


@pytest.mark.parametrize("statuses", [[503], [502], [504], [503, 502]])
def test_transient_failures_of_a_write_are_retried(built: Built, tmp_path: Path, statuses: list[int]) -> None:
    source = tmp_path / "retried.nt"
    start = 1000 + 10 * sum(statuses)
    source.write_text(wikidata_like(3, start=start))
    built.front.seen.clear()
    built.front.fail_writes = list(statuses)
    run = qcollab(built.data, built.front.env(QCOLLAB_SPARQL_RETRIES="3"), "load", str(source))
    assert run.returncode == 0, run.stderr
    assert [status for _, _, status in built.front.writes()][: len(statuses) + 1] == [*statuses, 204]
    assert ask(built.server, f"ASK {{ <http://www.wikidata.org/entity/Q{start}> ?p ?o }}")


def test_a_write_still_failing_after_the_retries_stops_in_one_line(built: Built, tmp_path: Path) -> None:
    source = tmp_path / "refused.nt"
    source.write_text(wikidata_like(3, start=5000))
    built.front.seen.clear()
    built.front.fail_writes = [503, 503, 503]
    run = qcollab(built.data, built.front.env(QCOLLAB_SPARQL_RETRIES="1"), "load", str(source))
    built.front.fail_writes = []
    assert run.returncode == 1
    assert "error:" in run.stderr and "503" in run.stderr and "Traceback" not in run.stderr
    assert len(built.front.writes()) == 2  # the first attempt and one retry


def test_link_and_reason_write_their_results(built: Built) -> None:
    run = qcollab(built.data, built.front.env(), "link", "--offline")
    assert run.returncode == 0, run.stderr
    counts = graph_counts(built.server)
    assert counts.get(f"{QCG}linkset/wikidata", 0) > 0 and counts.get(f"{QCG}linkset/dbpedia", 0) > 0
    inferred = counts[f"{QCG}inferred"]
    update(built.server, f"DROP GRAPH <{QCG}inferred>")
    run = qcollab(built.data, built.front.env(), "reason")
    assert run.returncode == 0, run.stderr
    assert f"{inferred} triples inferred" in run.stdout
    assert graph_counts(built.server)[f"{QCG}inferred"] == inferred


def test_stats_query_and_export_read_the_remote_store(built: Built, tmp_path: Path) -> None:
    env = built.front.env()
    stats = qcollab(built.data, env, "stats", "--format", "json")
    assert stats.returncode == 0, stats.stderr
    numbers = json.loads(stats.stdout)
    counts = graph_counts(built.server)
    assert numbers["graphs"] == counts and numbers["triples"] == sum(counts.values())
    assert numbers["entities"]["Collaboration"] > 0
    partners = f"SELECT ?p WHERE {{ <{QCR}japan> <{QC}collaboratesWith> ?p }}"
    answer = qcollab(built.data, env, "query", partners, "--format", "json")
    assert answer.returncode == 0, answer.stderr
    found = {row["p"]["value"] for row in json.loads(answer.stdout)["results"]["bindings"]}
    assert found == {row["p"]["value"] for row in select(built.server, partners)}
    assert f"{QCR}australia" in found
    dump = tmp_path / "remote.nq"
    exported = qcollab(built.data, env, "export", "--format", "nq", "-o", str(dump))
    assert exported.returncode == 0, exported.stderr
    assert len(list(ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS))) == sum(counts.values())
    void = qcollab(built.data, env, "export", "--void", "--format", "ttl")
    assert void.returncode == 0 and f"void:triples {sum(counts.values())}" in void.stdout, void.stderr


def test_validate_judges_a_record_with_what_the_remote_store_holds(built: Built, tmp_path: Path) -> None:
    record = tmp_path / "ruritania.ttl"
    record.write_text(RECORD.format(partner="japan"))
    judged = qcollab(built.data, built.front.env(), "validate", str(record), "--format", "json")
    assert judged.returncode == 0, judged.stdout + judged.stderr
    assert json.loads(judged.stdout)["conforms"] is True  # qcr:japan is an actor of the remote store
    record.write_text(RECORD.format(partner="atlantis"))
    refused = qcollab(built.data, built.front.env(), "validate", str(record))
    assert refused.returncode == 1 and "atlantis" in refused.stdout


def test_a_store_that_cannot_be_reached_stops_a_command_in_one_line(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    env = {
        "QCOLLAB_STORE": "sparql",
        "QCOLLAB_SPARQL_QUERY_URL": closed + "/query",
        "QCOLLAB_SPARQL_UPDATE_URL": closed + "/update",
        "QCOLLAB_SPARQL_RETRIES": "1",
    }
    source = tmp_path / "items.nt"
    source.write_text(wikidata_like(2))
    run = qcollab(tmp_path / "data", env, "load", str(source))
    assert run.returncode == 1
    assert "cannot be reached" in run.stderr and "Traceback" not in run.stderr
