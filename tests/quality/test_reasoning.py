"""Materialization into qcg:inferred, and the SHACL shapes against the record fixtures."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from paths import ONTOLOGY, RECORDS
from rdflib import Graph, URIRef
from rdflib.collection import Collection

from kg.namespaces import (
    DCTERMS,
    FOAF,
    INFERRED_GRAPH,
    ONTOLOGY_GRAPH,
    OWL,
    PROV,
    QC,
    QCG,
    QCR,
    RDF,
    SDO,
    SH,
    SKOS,
)
from kg.quality.reasoning import materialize
from kg.store.oxigraph import OxigraphStore

DOC_GRAPH = str(QCG["document/test"])
INFERRED = str(INFERRED_GRAPH)

DOCUMENT = """
@prefix qc: <https://w3id.org/qcollab/ontology#> .
@prefix qcr: <https://w3id.org/qcollab/resource/> .
qcr:japan a qc:Country, qc:Actor ;
    qc:collaboratesWith qcr:united-states ;
    qc:extractedFrom qcr:s1 .
qcr:united-states a qc:Country .
qcr:european-union a qc:SupranationalUnion ; qc:leads qcr:quantum-flagship .
qcr:quantum-flagship a qc:Program .
qcr:ip-agreements a qc:Solution ; qc:addresses qcr:ip-sharing .
qcr:ip-sharing a qc:Challenge .
qcr:lab-university a qc:Collaboration ; qc:participant qcr:german-university .
qcr:german-university a qc:University .
qcr:untyped qc:addresses qcr:untyped-too .
"""

Triple = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]


def iri(term: URIRef) -> ox.NamedNode:
    return ox.NamedNode(str(term))


def triples(reasoning_store: OxigraphStore, graph: str) -> set[Triple]:
    return {
        (q.subject, q.predicate, q.object)
        for q in reasoning_store.quads_in_graph(graph)
    }


@pytest.fixture()
def reasoning_store() -> OxigraphStore:
    reasoning_store = OxigraphStore(None)
    reasoning_store.load(ONTOLOGY.read_bytes(), ox.RdfFormat.TURTLE, graph=str(ONTOLOGY_GRAPH))
    reasoning_store.load(DOCUMENT.encode(), ox.RdfFormat.TURTLE, graph=DOC_GRAPH)
    return reasoning_store


def test_materialize_infers_types_inverses_and_symmetry(reasoning_store: OxigraphStore) -> None:
    count = materialize(reasoning_store)
    inferred = triples(reasoning_store, INFERRED)
    assert count == len(inferred) == reasoning_store.triple_count(INFERRED) > 0
    japan, us = iri(QCR["japan"]), iri(QCR["united-states"])
    eu, flagship = iri(QCR["european-union"]), iri(QCR["quantum-flagship"])
    rdf_type = iri(RDF.type)
    expected = {
        (us, iri(QC.collaboratesWith), japan),  # symmetric
        (japan, iri(DCTERMS.relation), us),  # subproperty
        (us, iri(DCTERMS.relation), japan),
        (iri(QCR["ip-sharing"]), iri(QC.addressedBy), iri(QCR["ip-agreements"])),  # inverse
        (flagship, iri(QC.ledBy), eu),
        (eu, iri(QC.participatesIn), flagship),  # leads is a sub-property
        (flagship, iri(QC.hasParticipant), eu),
        (iri(QCR["german-university"]), iri(QC.participatesIn), iri(QCR["lab-university"])),
        (japan, iri(PROV.wasDerivedFrom), iri(QCR["s1"])),
        (us, rdf_type, iri(QC.Actor)),  # superclasses, also external ones
        (japan, rdf_type, iri(PROV.Agent)),
        (japan, rdf_type, iri(FOAF.Agent)),
        (japan, rdf_type, iri(SDO.Country)),
        (iri(QCR["german-university"]), rdf_type, iri(QC.Organization)),
        (iri(QCR["ip-sharing"]), rdf_type, iri(SKOS.Concept)),
    }
    assert expected - inferred == set()
    # asserted triples are not repeated, and domain/range typing is not done
    assert (japan, rdf_type, iri(QC.Actor)) not in inferred
    assert (japan, rdf_type, iri(QC.Country)) not in inferred
    assert not any(s == iri(QCR["untyped"]) and p == rdf_type for s, p, _ in inferred)
    assert not any(s == iri(QCR["untyped-too"]) and p == rdf_type for s, p, _ in inferred)
    asserted = set()
    for graph in reasoning_store.named_graphs():
        if graph != INFERRED:
            asserted |= triples(reasoning_store, graph)
    assert inferred & asserted == set()


def test_materialize_is_deterministic_and_idempotent(reasoning_store: OxigraphStore) -> None:
    first_count = materialize(reasoning_store)
    first = triples(reasoning_store, INFERRED)
    second_count = materialize(reasoning_store)
    assert first_count == second_count
    assert triples(reasoning_store, INFERRED) == first
    fresh = OxigraphStore(None)
    fresh.load(DOCUMENT.encode(), ox.RdfFormat.TURTLE, graph=DOC_GRAPH)
    fresh.load(ONTOLOGY.read_bytes(), ox.RdfFormat.TURTLE, graph=str(ONTOLOGY_GRAPH))
    assert materialize(fresh) == first_count
    assert triples(fresh, INFERRED) == first


def test_materialize_drops_what_no_longer_follows(reasoning_store: OxigraphStore) -> None:
    junk = f"<{QCR['junk']}> a <{QC.Driver}>"
    reasoning_store.update(f"INSERT DATA {{ GRAPH <{INFERRED}> {{ {junk} }} }}")
    materialize(reasoning_store)
    inferred = triples(reasoning_store, INFERRED)
    assert (iri(QCR["junk"]), iri(RDF.type), iri(QC.Driver)) not in inferred
    symmetric = (iri(QCR["united-states"]), iri(QC.collaboratesWith), iri(QCR["japan"]))
    assert symmetric in inferred
    reasoning_store.update(
        f"DELETE DATA {{ GRAPH <{DOC_GRAPH}> {{ <{QCR['japan']}> <{QC.collaboratesWith}> "
        f"<{QCR['united-states']}> }} }}"
    )
    materialize(reasoning_store)
    assert symmetric not in triples(reasoning_store, INFERRED)
    reasoning_store.drop_graph(INFERRED)
    assert reasoning_store.triple_count(INFERRED) == 0


def test_materialize_follows_equivalent_classes_from_the_ontology_graph_only(
    reasoning_store: OxigraphStore,
) -> None:
    nation = "https://example.org/Nation"
    reasoning_store.update(
        f"INSERT DATA {{ GRAPH <{ONTOLOGY_GRAPH}> {{ <{nation}> <{OWL.equivalentClass}> "
        f"<{QC.Country}> }} GRAPH <{DOC_GRAPH}> {{ <{QCR['atlantis']}> a <{nation}> . "
        f"<{QC.Driver}> <{OWL.equivalentClass}> <{QC.Challenge}> . "
        f"<{QCR['d']}> a <{QC.Driver}> }} }}"
    )
    materialize(reasoning_store)
    inferred = triples(reasoning_store, INFERRED)
    atlantis, rdf_type = iri(QCR["atlantis"]), iri(RDF.type)
    assert {(atlantis, rdf_type, iri(QC.Country)), (atlantis, rdf_type, iri(QC.Actor))} <= inferred
    assert (iri(QCR["japan"]), rdf_type, ox.NamedNode(nation)) in inferred  # the other way
    assert (iri(QCR["d"]), rdf_type, iri(QC.Challenge)) not in inferred  # not from data


def record_files() -> list[Path]:
    return sorted(RECORDS.glob("*/*.ttl"))


def test_there_are_valid_and_invalid_records() -> None:
    kinds = {path.parent.name for path in record_files()}
    assert kinds == {"valid", "invalid"}
    assert len(record_files()) >= 20


def test_valid_records_still_conform_after_a_trip_through_oxigraph(
    shapes_graph: Graph, ontology_graph: Graph
) -> None:
    """Oxigraph stores xsd:nonNegativeInteger as xsd:integer; the shapes_graph must accept that."""
    for record in sorted((RECORDS / "valid").glob("*.ttl")):
        reasoning_store = OxigraphStore(None)
        reasoning_store.load(record.read_bytes(), ox.RdfFormat.TURTLE, graph=DOC_GRAPH)
        data = reasoning_store.graph(DOC_GRAPH)
        conforms, _, report = pyshacl.validate(
            data, shacl_graph=shapes_graph, ont_graph=ontology_graph, inference="rdfs", advanced=True
        )
        assert conforms, f"{record.name}: {report}"


def disjoint_pairs(graph: Graph) -> set[frozenset[URIRef]]:
    pairs = {frozenset(p) for p in graph.subject_objects(OWL.disjointWith)}
    for axiom in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        members = list(Collection(graph, graph.value(axiom, OWL.members)))
        pairs |= {frozenset((a, b)) for a in members for b in members if a != b}
    return pairs


def test_shapes_restate_exactly_the_disjoint_classes(shapes_graph: Graph, ontology_graph: Graph) -> None:
    stated: set[frozenset[URIRef]] = set()
    for shape, target in shapes_graph.subject_objects(SH.targetClass):
        for negated in shapes_graph.objects(shape, SH["not"]):
            for alternative in Collection(shapes_graph, shapes_graph.value(negated, SH["or"])):
                stated.add(frozenset((target, shapes_graph.value(alternative, SH["class"]))))
    assert stated == disjoint_pairs(ontology_graph)


@pytest.mark.parametrize("inference", ["rdfs", "none"])
@pytest.mark.parametrize("record", record_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_record_against_shapes(
    record: Path, inference: str, shapes_graph: Graph, ontology_graph: Graph
) -> None:
    """Valid records conform and invalid ones do not; with RDFS, with the expected message."""
    text = record.read_text(encoding="utf-8")
    match = re.match(r"# expect: (.+)\n", text)
    assert match, f"{record.name} lacks a '# expect:' first line"
    conforms, _, report = pyshacl.validate(
        Graph().parse(data=text, format="turtle"),
        shacl_graph=shapes_graph,
        ont_graph=ontology_graph,
        inference=inference,
        advanced=True,
    )
    if record.parent.name == "valid":
        assert conforms, report
    else:
        assert not conforms
        if inference == "rdfs":
            assert match.group(1) in report, report
