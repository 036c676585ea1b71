"""The entity index: one entry per resource with its names, classes, description, properties and links."""

from __future__ import annotations

import pyoxigraph as ox

from kg.names.index import EntityIndex, EntityName, NameIndexes
from kg.names.lookup import LookupIndex
from kg.store.oxigraph import OxigraphStore

QCR = "https://w3id.org/qcollab/resource/"
QC = "https://w3id.org/qcollab/ontology#"

DATA = b"""
@prefix qc: <https://w3id.org/qcollab/ontology#> .
@prefix qcr: <https://w3id.org/qcollab/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
qc:Country rdfs:subClassOf qc:Actor .
qcr:peru a qc:Country ; skos:prefLabel "Peru"@en, "P\xc3\xa9rou"@fr ; skos:altLabel "Republic of Peru"@en ;
    dcterms:description "Un pays."@fr, "A country."@en ; qc:iso3166Alpha2 "PE" .
"""
LINKS = b"""<https://w3id.org/qcollab/resource/peru> <http://www.w3.org/2002/07/owl#sameAs>
    <http://www.wikidata.org/entity/Q419> ."""


def store_with_data() -> OxigraphStore:
    store = OxigraphStore()
    store.load(DATA, ox.RdfFormat.TURTLE, graph="https://w3id.org/qcollab/graph/test")
    store.load(LINKS, ox.RdfFormat.TURTLE, graph="https://w3id.org/qcollab/graph/linkset/wikidata")
    return store


def test_entry_holds_names_classes_description_properties_and_links() -> None:
    entry = EntityIndex.from_store(store_with_data()).entries[QCR + "peru"]
    assert (entry.id, entry.name, entry.description) == ("peru", "Peru", "A country.")
    assert entry.types == {QC + "Country"}
    assert entry.all_types == {QC + "Country", QC + "Actor"}
    assert entry.properties[QC + "iso3166Alpha2"] == {"PE"}
    assert entry.links == {"http://www.wikidata.org/entity/Q419"}
    local = [n for n in entry.names if n.local]
    assert EntityName("Pérou", "fr", "label") in local
    assert EntityName("Republic of Peru", "en", "alias") in local
    assert all(n.preferred == (n.origin == "label") for n in local)


def test_name_indexes_rebuild_after_invalidate() -> None:
    store = store_with_data()
    names = NameIndexes(store)
    first = names.view(LookupIndex)
    assert names.view(LookupIndex) is first  # made once per index
    assert [h.iri for h in first.search("peru")] == [QCR + "peru"]
    lima = b'<https://w3id.org/qcollab/resource/lima> <http://www.w3.org/2000/01/rdf-schema#label> "Lima" .'
    store.load(lima, ox.RdfFormat.N_TRIPLES, graph="https://w3id.org/qcollab/graph/test")
    assert names.view(LookupIndex).search("lima") == []  # still the old index
    names.invalidate()
    assert [h.iri for h in names.view(LookupIndex).search("lima")] == [QCR + "lima"]
