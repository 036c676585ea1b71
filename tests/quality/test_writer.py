"""Writes behind the SHACL gate: conforming changes commit, others leave the store untouched."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from kg.errors import RejectedWriteError
from kg.quality.shacl import Validator
from kg.quality.writer import GuardedWriter
from kg.settings import Settings
from kg.store.oxigraph import OxigraphStore, open_store

RECORD_GRAPH = "https://w3id.org/qcollab/graph/record/test"
VALID_RECORD = """
@prefix qc: <https://w3id.org/qcollab/ontology#> .
@prefix qcr: <https://w3id.org/qcollab/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/qcollab/resource/document/note> a qc:SourceDocument, prov:Entity ;
  rdfs:label "A note" ; dcterms:title "A note" ;
  qc:sha256 "0000000000000000000000000000000000000000000000000000000000000000" .
<https://w3id.org/qcollab/resource/sentence/note/0-30> a qc:SourceSentence, prov:Entity ;
  rdfs:label "Ruritania partners with Japan." ; prov:value "Ruritania partners with Japan." ;
  qc:startOffset "0"^^xsd:nonNegativeInteger ; qc:endOffset "30"^^xsd:nonNegativeInteger ;
  qc:inDocument <https://w3id.org/qcollab/resource/document/note> .
qcr:ruritania a qc:Country ; rdfs:label "Ruritania"@en ; skos:prefLabel "Ruritania"@en ;
  qc:extractedFrom <https://w3id.org/qcollab/resource/sentence/note/0-30> ;
  prov:hadPrimarySource <https://w3id.org/qcollab/resource/document/note> ;
  qc:collaboratesWith qcr:japan .
"""


@pytest.fixture
def writer(built_data: Path, tmp_path: Path) -> Iterator[GuardedWriter]:
    shutil.copytree(built_data, tmp_path / "data", symlinks=True)
    settings = Settings(data_dir=tmp_path / "data")
    store = open_store(settings.resolved_store_path)
    yield GuardedWriter(store, Validator(settings.shapes_path, settings.ontology_path))


def quads(store: OxigraphStore) -> set[object]:
    return set(store.quads())


def test_conforming_graph_commits_and_inferences_follow(writer: GuardedWriter) -> None:
    created = writer.post_graph(RECORD_GRAPH, Graph().parse(data=VALID_RECORD, format="turtle"))
    assert created
    assert bool(writer.store.query("ASK { GRAPH ?g { qcr:ruritania qc:collaboratesWith qcr:japan } }"))
    inferred = "ASK { GRAPH qcg:inferred { qcr:japan qc:collaboratesWith qcr:ruritania } }"
    assert bool(writer.store.query(inferred))


def test_nonconforming_update_leaves_store_unchanged(writer: GuardedWriter) -> None:
    before = quads(writer.store)
    with pytest.raises(RejectedWriteError) as rejected:
        writer.update(f"INSERT DATA {{ GRAPH <{RECORD_GRAPH}> {{ qcr:atlantis a qc:Country }} }}")
    assert not rejected.value.outcome.conforms
    assert "atlantis" in rejected.value.outcome.report_text
    assert quads(writer.store) == before


def test_deleting_a_label_is_refused(writer: GuardedWriter) -> None:
    before = quads(writer.store)
    with pytest.raises(RejectedWriteError):
        writer.update("DELETE WHERE { GRAPH ?g { qcr:japan rdfs:label ?l } }")
    assert quads(writer.store) == before


def test_put_then_delete_graph(writer: GuardedWriter) -> None:
    record = Graph().parse(data=VALID_RECORD, format="turtle")
    assert writer.put_graph(RECORD_GRAPH, record) is True
    assert writer.put_graph(RECORD_GRAPH, record) is False
    assert writer.store.has_graph(RECORD_GRAPH)
    assert writer.delete_graph(RECORD_GRAPH) is True
    assert not writer.store.has_graph(RECORD_GRAPH)
    assert writer.delete_graph(RECORD_GRAPH) is False
    assert not bool(writer.store.query("ASK { qcr:japan qc:collaboratesWith qcr:ruritania }"))


def test_removing_a_sentence_that_entities_cite_is_refused(writer: GuardedWriter) -> None:
    """Only touched nodes are re-validated: the entities pointing at a removed node count too."""
    cited = next(iter(writer.store.query(
        "SELECT ?s WHERE { qcr:japan qc:extractedFrom ?s } ORDER BY ?s LIMIT 1")))["s"].value
    before = quads(writer.store)
    with pytest.raises(RejectedWriteError, match="SourceSentence needs exactly one prov:value"):
        writer.update(f"DELETE WHERE {{ GRAPH ?g {{ <{cited}> ?p ?o }} }}")
    assert quads(writer.store) == before


def test_a_country_without_provenance_is_refused_naming_only_itself(writer: GuardedWriter) -> None:
    """Regression: the 422 of a new 4-triple Country record also listed every other country
    (the class qc:Country was taken for a touched node, and what points at it for focus nodes)."""
    before = quads(writer.store)
    update = (
        f"INSERT DATA {{ GRAPH <{RECORD_GRAPH}> {{ qcr:freedonia a qc:Country ; "
        'rdfs:label "Freedonia"@en ; skos:prefLabel "Freedonia"@en ; qc:iso3166Alpha2 "FD" } }'
    )
    with pytest.raises(RejectedWriteError) as refused:
        writer.update(update)
    focus = {v.focus_node for v in refused.value.outcome.violations}
    assert focus == {"https://w3id.org/qcollab/resource/freedonia"}
    assert quads(writer.store) == before


def test_a_write_commits_its_inferences_with_it_and_a_delete_takes_them_back(writer: GuardedWriter) -> None:
    writer.post_graph(RECORD_GRAPH, Graph().parse(data=VALID_RECORD, format="turtle"))
    inferred = "ASK { GRAPH qcg:inferred { qcr:japan qc:collaboratesWith qcr:ruritania } }"
    assert bool(writer.store.query(inferred))
    link = "qcr:ruritania qc:collaboratesWith qcr:japan"
    writer.update(f"DELETE DATA {{ GRAPH <{RECORD_GRAPH}> {{ {link} }} }}")
    assert not bool(writer.store.query(inferred))
