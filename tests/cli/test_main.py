"""The `qcollab` command as a user runs it: a subprocess, readable output, exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from paths import ROOT
from rdflib import RDFS, Dataset, Graph, Literal, URIRef

from kg.store.oxigraph import open_store

JAPAN_PARTNERS = "SELECT ?p WHERE { qcr:japan qc:collaboratesWith ?p } ORDER BY ?p"


def qcollab(*args: str, data_dir: Path, check: bool = False) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QCOLLAB_DATA_DIR": str(data_dir), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-c", "from kg.cli.main import main; main()", *args],
        env=env, capture_output=True, text=True, check=check, cwd=ROOT,
    )


def test_help_lists_every_command(tmp_path: Path) -> None:
    result = qcollab("--help", data_dir=tmp_path)
    assert result.returncode == 0
    for command in ("build", "stats", "query", "validate", "export", "reason", "serve"):
        assert command in result.stdout


def test_query_json_and_csv_carry_japans_partners(built_data: Path) -> None:
    as_json = json.loads(qcollab("query", JAPAN_PARTNERS, "--format", "json", data_dir=built_data).stdout)
    partners = {b["p"]["value"] for b in as_json["results"]["bindings"]}
    assert "https://w3id.org/qcollab/resource/australia" in partners
    rows = list(csv.DictReader(io.StringIO(
        qcollab("query", JAPAN_PARTNERS, "--format", "csv", data_dir=built_data).stdout)))
    assert {r["p"] for r in rows} == partners


def test_query_table_and_ask(built_data: Path) -> None:
    table = qcollab("query", JAPAN_PARTNERS, data_dir=built_data).stdout
    assert "australia" in table and "row(s)" in table
    ask = qcollab("query", "ASK { qcr:united-kingdom qc:collaboratesWith qcr:canada }", data_dir=built_data)
    assert ask.stdout.strip() == "true"


def test_construct_prints_turtle(built_data: Path) -> None:
    out = qcollab("query", "CONSTRUCT WHERE { qcr:japan rdfs:label ?l }", data_dir=built_data).stdout
    labels = {str(o) for o in Graph().parse(data=out, format="turtle").objects()}
    assert "Japan" in labels


def test_malformed_query_is_one_readable_line_with_position(built_data: Path) -> None:
    result = qcollab("query", "SELECT ?x WHERE { ?x ?y }", data_dir=built_data)
    assert result.returncode == 2
    assert "line 1, column" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_stats_json_counts_graphs_and_classes(built_data: Path) -> None:
    numbers = json.loads(qcollab("stats", "--format", "json", data_dir=built_data).stdout)
    assert numbers["triples"] > 500
    assert numbers["entities"]["Country"] >= 6
    assert any(g.startswith("https://w3id.org/qcollab/graph/document/") for g in numbers["graphs"])


@pytest.mark.parametrize(("fmt", "rdflib_format", "dataset"), [
    ("ttl", "turtle", False), ("nt", "nt", False), ("jsonld", "json-ld", True),
    ("nq", "nquads", True), ("trig", "trig", True),
])
def test_export_parses_in_every_format(built_data: Path, tmp_path: Path, fmt: str, rdflib_format: str,
                                       dataset: bool) -> None:
    out = tmp_path / f"export.{fmt}"
    qcollab("export", "--format", fmt, "-o", str(out), data_dir=built_data, check=True)
    parsed = Dataset() if dataset else Graph()
    parsed.parse(out, format=rdflib_format)
    japan = URIRef("https://w3id.org/qcollab/resource/japan")
    assert (japan, RDFS.label, Literal("Japan", lang="en")) in set(
        (s, p, o) for s, p, o, *_ in (parsed.quads() if dataset else parsed))


def test_missing_store_is_a_readable_error(tmp_path: Path) -> None:
    result = qcollab("stats", data_dir=tmp_path / "nothing")
    assert result.returncode == 1
    assert "run 'qcollab build' first" in result.stderr


def test_validate_reports_and_exits_nonzero(tmp_path: Path) -> None:
    record = tmp_path / "bad.ttl"
    record.write_text(
        "@prefix qc: <https://w3id.org/qcollab/ontology#> .\n"
        "<https://w3id.org/qcollab/resource/nowhere> a qc:Country .\n"
    )
    result = qcollab("validate", str(record), data_dir=tmp_path)
    assert result.returncode == 1
    assert "Does not conform" in result.stdout
    summary = json.loads(qcollab("validate", str(record), "--format", "json", data_dir=tmp_path).stdout)
    assert summary["conforms"] is False and summary["count"] >= 1


def test_validate_parse_error_has_line_and_column(tmp_path: Path) -> None:
    record = tmp_path / "broken.ttl"
    record.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c\nex:d ex:e ex:f .\n")
    result = qcollab("validate", str(record), data_dir=tmp_path)
    assert result.returncode == 2
    assert "line 3, column 1" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_unknown_extension_is_explained(tmp_path: Path) -> None:
    record = tmp_path / "record.docx"
    record.write_text("nothing")
    result = qcollab("validate", str(record), data_dir=tmp_path)
    assert result.returncode == 1
    assert "cannot tell the RDF syntax" in result.stderr


def test_store_held_by_another_process_is_one_readable_line(built_data: Path, tmp_path: Path) -> None:
    """Regression: `qcollab build` while `qcollab serve` ran died with a RocksDB lock traceback."""
    data_dir = tmp_path / "data"
    shutil.copytree(built_data, data_dir, symlinks=True)
    with open_store(data_dir / "store"):
        result = qcollab("build", "--force", data_dir=data_dir)
    assert result.returncode == 1
    assert "in use by another process" in result.stderr
    assert "Traceback" not in result.stderr


def test_validator_failure_is_not_a_verdict(tmp_path: Path) -> None:
    """'Could not validate' (exit 3) is kept apart from 'does not conform' (exit 1)."""
    shapes = tmp_path / "broken-shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix qc: <https://w3id.org/qcollab/ontology#> .\n"
        "<urn:s> a sh:NodeShape ; sh:targetClass qc:Country ;\n"
        '  sh:property [ sh:path qc:x ; sh:minCount "many" ] .\n'
    )
    record = tmp_path / "record.ttl"
    record.write_text("@prefix qc: <https://w3id.org/qcollab/ontology#> .\n<urn:a> a qc:Country .\n")
    env_shapes = {"QCOLLAB_SHAPES_PATH": str(shapes)}
    result = subprocess.run(
        [sys.executable, "-c", "from kg.cli.main import main; main()", "validate", str(record)],
        env={**os.environ, **env_shapes, "QCOLLAB_DATA_DIR": str(tmp_path)}, capture_output=True, text=True,
        cwd=ROOT,
    )
    assert result.returncode == 3
    assert "could not validate" in result.stderr and "sh:minCount" in result.stderr


def test_link_saves_its_report_in_the_configured_data_folder(built_data: Path, tmp_path: Path) -> None:
    """Regression: `make run` wrote data/link-report.json whatever QCOLLAB_DATA_DIR said."""
    data_dir = tmp_path / "elsewhere"
    shutil.copytree(built_data, data_dir, symlinks=True)
    in_checkout = ROOT / "data" / "link-report.json"
    before = in_checkout.stat().st_mtime if in_checkout.exists() else None
    done = qcollab("link", "--dry-run", "--save-report", data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    report = json.loads((data_dir / "link-report.json").read_text())
    assert set(report["targets"]) == {"wikidata", "dbpedia"} and report["entities"] > 0
    assert (in_checkout.stat().st_mtime if in_checkout.exists() else None) == before
