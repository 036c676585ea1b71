"""The build pipeline: deterministic, idempotent, validated before it writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from paths import ROOT

from kg.errors import NonConformingError
from kg.namespaces import DOCUMENT_GRAPH_PREFIX, INFERRED_GRAPH, ONTOLOGY_GRAPH
from kg.pipeline.build import build, is_up_to_date
from kg.settings import Settings
from kg.store.oxigraph import open_store

SECOND_DOCUMENTS = ROOT / "tests" / "fixtures" / "documents"


def canonical_nquads(data_dir: Path) -> list[str]:
    """The dataset with blank nodes canonicalized (the ontology's OWL lists use them)."""
    with open_store(data_dir / "store", read_only=True) as store:
        dataset = ox.Dataset(store.quads())
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return sorted(str(quad) for quad in dataset)


def test_two_builds_give_identical_quads(built_data: Path, tmp_path: Path) -> None:
    again = tmp_path / "data"
    build(Settings(data_dir=again), force=True)
    assert canonical_nquads(again) == canonical_nquads(built_data)


def test_rebuild_is_idempotent_and_skips_when_up_to_date(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    first = build(settings)
    assert not first.skipped and is_up_to_date(settings)
    before = canonical_nquads(settings.data_dir)
    assert build(settings).skipped
    build(settings, force=True)
    assert canonical_nquads(settings.data_dir) == before


def test_graphs_per_document_and_stale_graphs_dropped(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    extra = sorted(SECOND_DOCUMENTS.glob("*.md"))[0]
    shutil.copy(extra, seeds / extra.name)
    settings = Settings(data_dir=tmp_path / "data", seeds_dir=seeds)
    build(settings)
    with open_store(settings.resolved_store_path, read_only=True) as store:
        graphs = store.named_graphs()
    documents = [g for g in graphs if g.startswith(DOCUMENT_GRAPH_PREFIX)]
    assert len(documents) == 2
    assert {str(ONTOLOGY_GRAPH), str(INFERRED_GRAPH)} <= set(graphs)
    (seeds / extra.name).unlink()
    report = build(settings)
    assert len(report.removed_graphs) == 1 and extra.stem in report.removed_graphs[0]


def test_nonconforming_extraction_fails_before_writing(tmp_path: Path) -> None:
    strict = tmp_path / "strict-shapes.ttl"
    strict.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix qc: <https://w3id.org/qcollab/ontology#> .\n"
        "<urn:shape:countries-need-a-motto> a sh:NodeShape ; sh:targetClass qc:Country ;\n"
        "  sh:property [ sh:path qc:motto ; sh:minCount 1 ; sh:message \"a country needs a motto\" ] .\n"
    )
    settings = Settings(data_dir=tmp_path / "data", shapes_path=strict)
    with pytest.raises(NonConformingError, match="a country needs a motto"):
        build(settings)
    assert not settings.resolved_store_path.exists()


def test_prose_document_builds_validated_and_deterministic(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    shutil.copy(SECOND_DOCUMENTS / "quantum-pacts-newswire.txt", seeds)
    first = Settings(data_dir=tmp_path / "a", seeds_dir=seeds)
    second = Settings(data_dir=tmp_path / "b", seeds_dir=seeds)
    report = build(first)
    build(second)
    assert report.documents["quantum-pacts-newswire.txt"] > 0
    assert canonical_nquads(first.data_dir) == canonical_nquads(second.data_dir)
    with open_store(first.resolved_store_path, read_only=True) as store:
        assert f"{DOCUMENT_GRAPH_PREFIX}quantum-pacts-newswire" in store.named_graphs()
        assert store.query(
            "ASK { GRAPH ?g { qcr:university-of-tokyo qc:collaboratesWith qcr:ibm } }"
        )
