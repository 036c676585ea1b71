"""`qcollab load` as a user runs it: every syntax, gzip, graphs, the SHACL gate in batches, clear errors."""

from __future__ import annotations

import gzip
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from live_server import running_server
from load_support import LABEL, QCR, WD, conforming_data, quads_of, universities, wikidata_like
from paths import ROOT

LOAD_GRAPH = "https://w3id.org/qcollab/graph/load/"
TRIPLES = [
    ox.Triple(ox.NamedNode(f"{WD}Q1"), ox.NamedNode(LABEL), ox.Literal("item 1", language="en")),
    ox.Triple(ox.NamedNode(f"{WD}Q1"), ox.NamedNode(f"{WD}P31"), ox.NamedNode(f"{WD}Q5")),
]
DATASET_GRAPH = "http://example.org/graph/items"


def qcollab(data: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "QCOLLAB_DATA_DIR": str(data), "COLUMNS": "250", **env}
    return subprocess.run(
        [sys.executable, "-c", "from kg.cli.main import main; main()", "load", *args],
        env=environment,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the ontology and one small conforming graph."""
    return conforming_data(tmp_path_factory.mktemp("load-base"))


@pytest.fixture
def data(base: Path, tmp_path: Path) -> Path:
    """A fresh copy of the base data folder for one test."""
    copy = tmp_path / "data"
    shutil.copytree(base, copy)
    return copy


def in_graph(data: Path, graph: str) -> set[ox.Triple]:
    return {q.triple for q in quads_of(data / "store") if q.graph_name == ox.NamedNode(graph)}


def serialized(fmt: ox.RdfFormat) -> bytes:
    if fmt.supports_datasets:
        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(DATASET_GRAPH)) for t in TRIPLES]
        return ox.serialize(quads, format=fmt)
    return ox.serialize(TRIPLES, format=fmt)


@pytest.mark.parametrize(
    "name",
    [
        "items.nt",
        "items.nq",
        "items.ttl",
        "items.trig",
        "items.rdf",
        "items.jsonld",
        "items.nt.gz",
        "items.trig.gz",
    ],
)
def test_every_syntax_plain_or_gzip_loads_into_its_graph(data: Path, tmp_path: Path, name: str) -> None:
    from kg.store.loading import format_of

    fmt = format_of(Path(name))
    body = serialized(fmt)
    path = tmp_path / name
    path.write_bytes(gzip.compress(body) if name.endswith(".gz") else body)
    result = qcollab(data, str(path), "--report", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["triples"] == 2 and report["validated"] is False
    graph = DATASET_GRAPH if fmt.supports_datasets else LOAD_GRAPH + "items"
    assert in_graph(data, graph) == set(TRIPLES)


def test_graph_option_and_format_option(data: Path, tmp_path: Path) -> None:
    path = tmp_path / "claims.txt"
    path.write_text(wikidata_like(5), encoding="utf-8")
    graph = "https://example.org/graph/claims"
    result = qcollab(data, str(path), "--graph", graph, "--format", "ntriples")
    assert result.returncode == 0, result.stderr
    assert "Loaded 15 triples" in result.stdout and f"<{graph}>" in result.stdout
    assert len(in_graph(data, graph)) == 15


def test_a_wikidata_like_file_loads_without_validation(data: Path, tmp_path: Path) -> None:
    path = tmp_path / "wikidata-sample.nt.gz"
    path.write_bytes(gzip.compress(wikidata_like(2000).encode()))
    result = qcollab(data, str(path), "--report", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["validated"] is False and report["triples"] == 6000 and report["per_second"] > 0
    assert report["inferred"] is None  # no premise of the ontology's rules: no full materialization
    assert len(in_graph(data, LOAD_GRAPH + "wikidata-sample")) == 6000


def test_lenient_takes_what_the_strict_parser_refuses(data: Path, tmp_path: Path) -> None:
    path = tmp_path / "dump.nt"
    path.write_text(f'<{WD}Q{{1}}> <{LABEL}> "braces"@en .\n', encoding="utf-8")
    strict = qcollab(data, str(path))
    assert strict.returncode == 2
    assert len(quads_of(data / "store")) > 0 and not in_graph(data, LOAD_GRAPH + "dump")
    lenient = qcollab(data, str(path), "--lenient")
    assert lenient.returncode == 0, lenient.stderr
    assert len(in_graph(data, LOAD_GRAPH + "dump")) == 1


@pytest.mark.parametrize("validated", [False, True])
def test_a_syntax_error_names_file_line_and_column_and_leaves_the_store_unchanged(
    data: Path, tmp_path: Path, validated: bool
) -> None:
    before = quads_of(data / "store")
    path = tmp_path / "broken.ttl"
    good = universities(3) if validated else wikidata_like(1000)
    path.write_text(f"{good}<{QCR}x> <{LABEL}> .\n", encoding="utf-8")
    result = qcollab(data, str(path))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    line = good.count("\n") + 1
    assert f"{path}:{line}:" in lines[0]
    assert quads_of(data / "store") == before


def test_conforming_qcollab_data_is_validated_in_batches_and_loaded(data: Path, tmp_path: Path) -> None:
    path = tmp_path / "universities.ttl"
    path.write_text(universities(12), encoding="utf-8")
    result = qcollab(data, str(path), "--report", "json", QCOLLAB_LOAD_BATCH_SIZE="5")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["validated"] is True and report["subjects"] == 12 and report["batches"] == 3
    assert report["inferred"] > 0  # qc:University is a qc:Organization, a qc:Actor
    assert len(in_graph(data, LOAD_GRAPH + "universities")) == 12 * 6


def test_a_batch_that_violates_the_shapes_is_refused_naming_the_node(data: Path, tmp_path: Path) -> None:
    before = quads_of(data / "store")
    path = tmp_path / "universities.ttl"
    path.write_text(universities(12, unlabelled=9), encoding="utf-8")
    result = qcollab(data, str(path), QCOLLAB_LOAD_BATCH_SIZE="5")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"<{QCR}uni-9>" in lines[0] and "rdfs:label" in lines[0] and "nothing was loaded" in lines[0]
    assert quads_of(data / "store") == before


def test_no_validate_skips_the_gate_and_validate_forces_it(data: Path, tmp_path: Path) -> None:
    path = tmp_path / "unlabelled.ttl"
    path.write_text(universities(2, unlabelled=0), encoding="utf-8")
    assert qcollab(data, str(path), "--no-validate").returncode == 0
    other = tmp_path / "plain.nt"
    other.write_text(f'<{QCR}uni-0> <{LABEL}> "University 0"@en .\n', encoding="utf-8")
    forced = qcollab(data, str(other), "--validate", "--report", "json")
    assert forced.returncode == 0, forced.stderr
    assert json.loads(forced.stdout)["validated"] is True


def test_missing_file_and_unknown_suffix_are_one_line_errors(data: Path, tmp_path: Path) -> None:
    missing = qcollab(data, str(tmp_path / "nowhere.nt"))
    assert missing.returncode == 1
    assert missing.stderr.strip() == f"error: {tmp_path / 'nowhere.nt'}: no such file"
    table = tmp_path / "table.csv"
    table.write_text("a,b\n", encoding="utf-8")
    unknown = qcollab(data, str(table))
    assert unknown.returncode == 1 and "--format" in unknown.stderr
    assert len(unknown.stderr.strip().splitlines()) == 1


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.end_headers()
        self.wfile.write(b'{"@context": {"name": "http://schema.org/name"}}')

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def context_server() -> Iterator[str]:
    """A local server of a JSON-LD context that counts its requests."""
    _Counting.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/context.jsonld"
    finally:
        server.shutdown()


def test_jsonld_never_fetches_a_remote_context(data: Path, tmp_path: Path, context_server: str) -> None:
    path = tmp_path / "remote.jsonld"
    path.write_text(json.dumps({"@context": context_server, "@id": f"{WD}Q1", "name": "x"}), encoding="utf-8")
    result = qcollab(data, str(path))
    assert result.returncode == 2
    assert "remote JSON-LD contexts are not fetched" in result.stderr
    assert _Counting.hits == []


def test_rdfxml_external_entities_are_refused(data: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET", encoding="utf-8")
    path = tmp_path / "entity.rdf"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY ext SYSTEM "{secret.as_uri()}"> ]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">\n'
        '<rdf:Description rdf:about="http://example.org/a"><ex:p>&ext;</ex:p></rdf:Description></rdf:RDF>\n',
        encoding="utf-8",
    )
    result = qcollab(data, str(path))
    assert result.returncode == 2
    assert not any("SECRET" in str(q.object) for q in quads_of(data / "store"))


def test_the_store_of_a_running_server_is_refused(data: Path, tmp_path: Path) -> None:
    path = tmp_path / "claims.nt"
    path.write_text(wikidata_like(1), encoding="utf-8")
    with running_server(data, tmp_path / "serving") as live:
        result = qcollab(live.data_dir, str(path))
    assert result.returncode == 1
    assert "in use by another process" in result.stderr and "/rdf-graphs" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
