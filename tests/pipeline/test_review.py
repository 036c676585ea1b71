"""Facts below the confidence threshold go to the review report, not the graph; `qcollab review` lists."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.pipeline.build import build, review_path
from kg.pipeline.review import read_report
from kg.settings import Settings
from kg.store.oxigraph import open_store

# "Nordqubit": one capitalized word NER calls an organization, with nothing else to say what it is.
NOTE = "# Nordic note\n\nNordqubit coordinates testbeds. Finland signed an agreement with Sweden.\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("review")
    (root / "seeds").mkdir()
    (root / "seeds" / "note.md").write_text(NOTE, encoding="utf-8")
    settings = Settings(data_dir=root / "data", seeds_dir=root / "seeds", min_confidence=0.6)
    report = build(settings)
    assert report.held_back >= 1
    return settings


def test_a_weak_fact_is_held_back_and_a_sure_one_kept(built: Settings) -> None:
    items = read_report(review_path(built))
    held = [i for i in items if i.subject == "<https://w3id.org/qcollab/resource/nordqubit>"]
    assert held and held[0].confidence < 0.6 and held[0].method == "StatisticalNer"
    assert held[0].sentence == "Nordqubit coordinates testbeds." and held[0].document == "note"
    with open_store(built.resolved_store_path, read_only=True) as store:
        assert not store.query("ASK { GRAPH ?g { qcr:nordqubit ?p ?o } }")
        assert store.query("ASK { GRAPH ?g { qcr:finland qc:collaboratesWith qcr:sweden } }")


def test_every_stored_fact_carries_confidence_method_and_run(built: Settings) -> None:
    with open_store(built.resolved_store_path, read_only=True) as store:
        rows = list(store.query(
            "SELECT ?confidence ?method ?model WHERE { GRAPH ?g { ?st rdf:subject qcr:finland ; "
            "rdf:predicate qc:collaboratesWith ; qc:confidence ?confidence ; qc:extractionMethod ?method ; "
            "prov:wasGeneratedBy ?run . ?run a qc:ExtractionRun ; prov:used ?model . ?model a qc:NlpModel } }"
        ))
    assert rows, "the reified statement has no confidence, method or run"
    assert 0.6 <= float(rows[0]["confidence"].value) <= 1
    assert rows[0]["method"].value.endswith("#DependencyPattern")


def test_qcollab_review_lists_the_held_back_facts(built: Settings) -> None:
    env = {**os.environ, "QCOLLAB_DATA_DIR": str(built.data_dir), "QCOLLAB_SEEDS_DIR": str(built.seeds_dir)}
    qcollab = Path(sys.executable).parent / "qcollab"
    done = subprocess.run([qcollab, "review", "--format", "json"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    subjects = {item["subject"] for item in json.loads(done.stdout)["items"]}
    assert "<https://w3id.org/qcollab/resource/nordqubit>" in subjects
