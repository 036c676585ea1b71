"""The entity index: one entry per resource with its names, classes, description, codes and links."""

from __future__ import annotations

import time

import pyoxigraph as ox

from kg.names.index import RDFS_LABEL, EntityIndex, EntityName, NameIndexes
from kg.names.lookup import LookupIndex
from kg.store.interface import StoreChanges
from kg.store.oxigraph import OxigraphStore

QCR = "https://w3id.org/qcollab/resource/"
QC = "https://w3id.org/qcollab/ontology#"
GRAPH = "https://w3id.org/qcollab/graph/test"

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


def label_quad(slug: str, label: str) -> ox.Quad:
    return ox.Quad(ox.NamedNode(QCR + slug), ox.NamedNode(RDFS_LABEL), ox.Literal(label), ox.NamedNode(GRAPH))


def test_entry_holds_names_classes_description_properties_and_links() -> None:
    entry = EntityIndex.from_store(store_with_data()).entries[QCR + "peru"]
    assert (entry.id, entry.name, entry.description) == ("peru", "Peru", "A country.")
    assert entry.types == {QC + "Country"}
    assert entry.all_types == {QC + "Country", QC + "Actor"}
    assert entry.codes == ("PE",)
    assert entry.links == {"http://www.wikidata.org/entity/Q419"}
    local = [n for n in entry.names if n.local]
    assert EntityName("Pérou", "fr", "label") in local
    assert EntityName("Republic of Peru", "en", "alias") in local
    assert all(n.preferred == (n.origin == "label") for n in local)


def test_name_indexes_follow_changes_and_build_again_after_none() -> None:
    store = store_with_data()
    names = NameIndexes(store, views=(LookupIndex,))
    first = names.view(LookupIndex)
    assert names.view(LookupIndex) is first  # made once, then updated
    assert [h.iri for h in first.search("peru")] == [QCR + "peru"]
    lima = label_quad("lima", "Lima")
    store.inner.add(lima)
    assert names.view(LookupIndex).search("lima") == []  # the store changed behind the writer's back
    names.apply(StoreChanges(added={lima}))
    assert [h.iri for h in names.view(LookupIndex).search("lima")] == [QCR + "lima"]
    assert names.view(LookupIndex) is first
    store.inner.remove(lima)
    store.inner.add(label_quad("quito", "Quito"))
    names.invalidate()  # anything may have changed: built again in the background
    deadline = time.monotonic() + 10
    while names.view(LookupIndex) is first and time.monotonic() < deadline:
        time.sleep(0.01)
    assert [h.iri for h in names.view(LookupIndex).search("quito")] == [QCR + "quito"]
    assert names.view(LookupIndex).search("lima") == []
