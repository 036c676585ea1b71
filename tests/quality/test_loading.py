"""Bulk loads behind the gate (kg.quality.loading) on real on-disk stores: what a batch is judged with."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from load_support import PREFIXES, QCR, universities

from kg.errors import FileSyntaxError, RdfSyntaxError, RejectedWriteError
from kg.namespaces import ONTOLOGY_GRAPH
from kg.quality.loading import load_files
from kg.quality.reasoning import materialize
from kg.quality.shacl import Validator
from kg.settings import Settings
from kg.store.interface import KnowledgeStore
from kg.store.loading import LoadFile
from kg.store.oxigraph import OxigraphStore

GRAPH = "https://w3id.org/qcollab/graph/load/test"
LABELS = "https://w3id.org/qcollab/graph/load/labels"


@pytest.fixture
def store(tmp_path: Path) -> KnowledgeStore:
    """An on-disk store with the ontology."""
    target = OxigraphStore(tmp_path / "store")
    target.load(Settings().ontology_path.read_bytes(), ox.RdfFormat.TURTLE, graph=str(ONTOLOGY_GRAPH))
    return target


def load(
    store: KnowledgeStore, validator: Validator, path: Path, text: str, graph: str = GRAPH, **options: object
):
    path.write_text(text, encoding="utf-8")
    return load_files(
        store,
        [(LoadFile.of(path), graph)],
        make_validator=lambda: validator,
        staging_dir=path.parent,
        **options,
    )  # type: ignore[arg-type]


def test_bulk_load_is_all_or_nothing_with_line_and_column(store: KnowledgeStore, tmp_path: Path) -> None:
    before = store.quad_count()
    path = tmp_path / "broken.nt"
    path.write_text(f"<{QCR}a> <{QCR}b> <{QCR}c> .\n" * 1000 + f"<{QCR}a> <{QCR}b> .\n", encoding="utf-8")
    with pytest.raises(RdfSyntaxError) as caught:
        store.bulk_load(path, ox.RdfFormat.N_TRIPLES, GRAPH)
    assert caught.value.line == 1001 and caught.value.column is not None
    assert store.quad_count() == before
    with pytest.raises(FileSyntaxError) as named:
        load_files(store, [(LoadFile.of(path), GRAPH)], make_validator=Validator, staging_dir=tmp_path)  # type: ignore[arg-type]
    assert str(named.value).startswith(f"{path}:1001:")
    assert store.quad_count() == before


def test_a_value_nothing_describes_is_judged_too(
    store: KnowledgeStore, validator: Validator, tmp_path: Path
) -> None:
    text = universities(1) + "qcr:uni-0 qc:hasExpertiseIn qcr:nowhere-area .\n"
    with pytest.raises(RejectedWriteError) as caught:
        load(store, validator, tmp_path / "expertise.ttl", text)
    assert {v.focus_node for v in caught.value.outcome.violations} == {f"{QCR}nowhere-area"}
    assert not store.has_graph(GRAPH)


def test_a_batch_is_judged_with_what_the_store_says_about_its_subjects(
    store: KnowledgeStore, validator: Validator, tmp_path: Path
) -> None:
    load(store, validator, tmp_path / "universities.ttl", universities(3))
    second = PREFIXES + 'qcr:uni-1 rdfs:label "Another label"@en .\n'
    with pytest.raises(RejectedWriteError) as caught:  # two labels once merged with the store's
        load(store, validator, tmp_path / "labels.ttl", second, LABELS)
    assert {v.focus_node for v in caught.value.outcome.violations} == {f"{QCR}uni-1"}
    assert not store.has_graph(LABELS)


def test_a_replace_judges_the_old_graphs_subjects_without_it(
    store: KnowledgeStore, validator: Validator, tmp_path: Path
) -> None:
    unlabelled = re.sub(r'rdfs:label "[^"]*"@en ;', "", universities(2))
    load(store, validator, tmp_path / "types.ttl", unlabelled, validate=False)
    only_labels = PREFIXES + "".join(f'qcr:uni-{i} rdfs:label "University uni {i}"@en .\n' for i in range(2))
    load(store, validator, tmp_path / "labels.ttl", only_labels, LABELS)
    assert store.triple_count(LABELS) == 2
    one_label = PREFIXES + 'qcr:uni-0 rdfs:label "University uni 0"@en .\n'
    with pytest.raises(RejectedWriteError) as caught:  # uni-1 would lose its only label
        load(store, validator, tmp_path / "fewer.ttl", one_label, LABELS, replace=True)
    assert {v.focus_node for v in caught.value.outcome.violations} == {f"{QCR}uni-1"}
    assert store.triple_count(LABELS) == 2
    both = load(store, validator, tmp_path / "same.ttl", only_labels, LABELS, replace=True)
    assert both.validated and both.subjects == 2 and store.triple_count(LABELS) == 2


def test_a_dataset_into_new_graphs_gets_the_inferences_a_rebuild_would(
    store: KnowledgeStore, tmp_path: Path
) -> None:
    qc = "https://w3id.org/qcollab/ontology#"
    materialize(store)  # up to date before the load
    path = tmp_path / "data.nq"
    path.write_text(
        f"<{QCR}a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{qc}University> <urn:g:one> .\n"
        f"<{QCR}a> <{qc}collaboratesWith> <{QCR}b> <urn:g:two> .\n",
        encoding="utf-8",
    )
    load_files(
        store, [(LoadFile.of(path), None)], make_validator=lambda: None, staging_dir=tmp_path, validate=False
    )  # type: ignore[arg-type,return-value]
    inferred = ox.NamedNode("https://w3id.org/qcollab/graph/inferred")
    incremental = set(store.quads_matching(graph=inferred))
    assert (
        ox.Quad(
            ox.NamedNode(f"{QCR}b"), ox.NamedNode(f"{qc}collaboratesWith"), ox.NamedNode(f"{QCR}a"), inferred
        )
        in incremental
    )
    materialize(store)
    assert set(store.quads_matching(graph=inferred)) == incremental
