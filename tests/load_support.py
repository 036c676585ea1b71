"""Data for the bulk-load tests: a small conforming store, Wikidata-like triples, hand-made entities."""

from __future__ import annotations

import gc
from pathlib import Path

import pyoxigraph as ox

from kg.namespaces import ONTOLOGY_GRAPH
from kg.settings import Settings
from kg.store.oxigraph import OxigraphStore

QCR = "https://w3id.org/qcollab/resource/"
NOTE_GRAPH = "https://w3id.org/qcollab/graph/document/note"
NOTE = f'<{QCR}japan> <http://www.w3.org/2000/01/rdf-schema#comment> "A country in East Asia"@en .\n'
WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PREFIXES = """@prefix qc: <https://w3id.org/qcollab/ontology#> .
@prefix qcr: <https://w3id.org/qcollab/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def conforming_data(root: Path, note: str = NOTE) -> Path:
    """A data folder whose store holds the ontology and one plain, conforming graph (`note`, N-Triples)."""
    settings = Settings(data_dir=root / "data")
    store = OxigraphStore(settings.resolved_store_path)
    store.load(settings.ontology_path.read_bytes(), ox.RdfFormat.TURTLE, graph=str(ONTOLOGY_GRAPH))
    store.load(note.encode(), ox.RdfFormat.N_TRIPLES, graph=NOTE_GRAPH)
    store.flush()
    del store
    gc.collect()
    return root / "data"


def wikidata_like(items: int, start: int = 0) -> str:
    """N-Triples in the shape of a Wikidata dump (labels, direct claims), no qcollab terms: 3 per item."""
    lines = []
    for i in range(start, start + items):
        lines.append(f'<{WD}Q{i}> <{LABEL}> "item {i}"@en .')
        lines.append(f"<{WD}Q{i}> <{WDT}P31> <{WD}Q5> .")
        lines.append(f"<{WD}Q{i}> <{WDT}P27> <{WD}Q{i + 1}> .")
    return "\n".join(lines) + "\n"


def universities(count: int, *, unlabelled: int | None = None, prefix: str = "uni") -> str:
    """Turtle: `count` hand-made qc:University entities; the one numbered `unlabelled` lacks its label."""
    lines = [PREFIXES]
    for i in range(count):
        label = "" if i == unlabelled else f'rdfs:label "University {prefix} {i}"@en ;'
        lines.append(
            f'qcr:{prefix}-{i} a qc:University ; {label} skos:prefLabel "University {prefix} {i}"@en ; '
            f'dcterms:source <https://example.org/report> ; dcterms:date "2025-06-30"^^xsd:date ; '
            "prov:wasAttributedTo <https://orcid.org/0000-0002-1825-0097> ."
        )
    return "\n".join(lines) + "\n"


def quads_of(store_path: Path) -> set[ox.Quad]:
    """Every quad of an on-disk store, read without locking it."""
    store = OxigraphStore(store_path, read_only=True)
    try:
        return set(store.quads())
    finally:
        store.close()
        del store
        gc.collect()
