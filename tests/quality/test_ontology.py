"""The ontology: metadata, documentation, the vocabulary contract, alignment, OWL 2 DL, HermiT."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from paths import ONTOLOGY, RECORDS, ROOT
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from kg.namespaces import DCTERMS, FOAF, ONTOLOGY_IRI, ORG, OWL, PROV, QC, RDF, RDFS, SKOS, XSD
from kg.quality.reasoning import ConsistencyReport, check_consistency

ARCHITECTURE = ROOT / "docs" / "architecture.md"
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
BUILTIN = (str(RDF), str(RDFS), str(OWL), str(XSD))


@pytest.fixture(scope="module")
def hermit() -> ConsistencyReport:
    return check_consistency(ONTOLOGY)


def qc_terms(graph: Graph, kinds: tuple[URIRef, ...]) -> set[URIRef]:
    return {
        s
        for kind in kinds
        for s in graph.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and s.startswith(str(QC))
    }


def contract_terms() -> tuple[set[str], set[str]]:
    """The class and property names listed in docs/architecture.md."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    classes_block = text.split("## Classes", 1)[1].split("##", 1)[0]
    classes_block = classes_block.split("\n", 1)[1]
    classes = {re.sub(r"\(.*?\)", "", c).strip() for c in classes_block.split(",")}
    classes = {c.rstrip(".").strip() for c in classes if c.strip()}
    properties: set[str] = set()
    for line in text.split("## Properties", 1)[1].split("##", 1)[0].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or cells[0] in ("property", "") or set(cells[0]) <= {"-"}:
            continue
        properties |= {p.strip() for p in re.split(r"[/,]", cells[0]) if p.strip()}
    return classes, properties


def test_metadata(ontology_graph: Graph) -> None:
    o = URIRef(ONTOLOGY_IRI)
    assert (o, RDF.type, OWL.Ontology) in ontology_graph
    assert ontology_graph.value(o, OWL.versionIRI) == URIRef("https://w3id.org/qcollab/ontology/0.1.0")
    assert str(ontology_graph.value(o, OWL.versionInfo)) == "0.1.0"
    assert ontology_graph.value(o, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.creator):
        assert ontology_graph.value(o, prop) is not None, prop
    for prop in (DCTERMS.created, DCTERMS.modified):
        value = ontology_graph.value(o, prop)
        assert isinstance(value, Literal) and value.datatype == XSD.date, prop


def test_every_qc_term_is_declared_labelled_and_commented(ontology_graph: Graph) -> None:
    """Classes and properties have a label and a comment; individuals (SKOS concepts) a label,
    a preferred label and a definition."""
    declared = qc_terms(ontology_graph, (OWL.Class, *PROPERTY_TYPES))
    individuals = qc_terms(ontology_graph, (OWL.NamedIndividual,))
    used = {t for t in ontology_graph.all_nodes() if isinstance(t, URIRef) and t.startswith(str(QC))}
    assert used - declared - individuals == set(), "qc: terms used but not declared"
    offenders = []
    documentation = [(term, (RDFS.label, RDFS.comment)) for term in sorted(declared)]
    documentation += [(term, (RDFS.label, SKOS.prefLabel, SKOS.definition)) for term in sorted(individuals)]
    for term, props in documentation:
        for prop in props:
            if not any(getattr(v, "language", None) == "en" for v in ontology_graph.objects(term, prop)):
                offenders.append(f"{term} lacks {prop}@en")
    assert offenders == []


def test_every_contract_term_exists(ontology_graph: Graph) -> None:
    classes, properties = contract_terms()
    assert len(classes) == 28
    assert {"SourceSentence", "ExtractionRun", "NlpModel", "ExtractionMethod"} <= classes
    assert {"collaboratesWith", "addressedBy", "sha256", "endOffset"} <= properties
    assert {"confidence", "extractionMethod"} <= properties
    missing = sorted(c for c in classes if (QC[c], RDF.type, OWL.Class) not in ontology_graph)
    missing += sorted(
        p for p in properties if not any((QC[p], RDF.type, t) in ontology_graph for t in PROPERTY_TYPES)
    )
    assert missing == []


def test_contract_axioms(ontology_graph: Graph) -> None:
    assert (QC.collaboratesWith, RDF.type, OWL.SymmetricProperty) in ontology_graph
    for a, b in [
        ("participatesIn", "hasParticipant"),
        ("leads", "ledBy"),
        ("funds", "fundedBy"),
        ("exemplifies", "hasExample"),
        ("addresses", "addressedBy"),
    ]:
        inverse = (QC[a], OWL.inverseOf, QC[b]) in ontology_graph
        assert inverse or (QC[b], OWL.inverseOf, QC[a]) in ontology_graph
    assert (QC.Legislation, RDFS.subClassOf, QC.Program) in ontology_graph
    assert (QC.extractedFrom, RDFS.subPropertyOf, PROV.wasDerivedFrom) in ontology_graph
    assert (QC.inDocument, RDFS.subPropertyOf, DCTERMS.isPartOf) in ontology_graph
    assert {(QC.Actor, PROV.Agent), (QC.Actor, FOAF.Agent), (QC.Organization, ORG.Organization)} <= {
        (s, o) for s, o in ontology_graph.subject_objects(RDFS.subClassOf)
    }
    for kind in ("SourceDocument", "SourceSentence"):
        assert (QC[kind], RDFS.subClassOf, PROV.Entity) in ontology_graph
    concepts = ("CollaborationModel", "Driver", "Challenge", "Solution", "Recommendation",
                "TechnologyArea", "ApplicationDomain", "TalentMobilityMechanism",
                "EcosystemStrategy")
    for kind in concepts:
        assert (QC[kind], RDFS.subClassOf, SKOS.Concept) in ontology_graph, kind
    assert (QC.ExtractionRun, RDFS.subClassOf, PROV.Activity) in ontology_graph
    assert (QC.NlpModel, RDFS.subClassOf, PROV.Entity) in ontology_graph
    assert (QC.ExtractionMethod, RDFS.subClassOf, SKOS.Concept) in ontology_graph
    assert (QC.extractionMethod, RDF.type, OWL.ObjectProperty) in ontology_graph
    assert ontology_graph.value(QC.extractionMethod, RDFS.range) == QC.ExtractionMethod
    ranges = {"fundingAmount": XSD.decimal, "fundingCurrency": XSD.string,
              "iso3166Alpha2": XSD.string, "startOffset": XSD.nonNegativeInteger,
              "endOffset": XSD.nonNegativeInteger, "sha256": XSD.string, "confidence": XSD.decimal}
    for prop, datatype in ranges.items():
        assert (QC[prop], RDF.type, OWL.DatatypeProperty) in ontology_graph
        assert ontology_graph.value(QC[prop], RDFS.range) == datatype, prop


EXTRACTION_METHODS = {"GazetteerMatch", "StatisticalNer", "DependencyPattern", "SurfacePattern",
                      "DocumentStructure", "LearnedClassifier", "ManualAssertion"}


def test_extraction_methods_are_the_concepts_of_one_scheme(ontology_graph: Graph) -> None:
    assert (QC.ExtractionMethods, RDF.type, SKOS.ConceptScheme) in ontology_graph
    methods = set(ontology_graph.subjects(RDF.type, QC.ExtractionMethod))
    assert {str(m).removeprefix(str(QC)) for m in methods} == EXTRACTION_METHODS
    for method in methods:
        assert (method, SKOS.inScheme, QC.ExtractionMethods) in ontology_graph, method
        assert (method, RDF.type, OWL.NamedIndividual) in ontology_graph, method
        [label] = ontology_graph.objects(method, SKOS.prefLabel)
        assert ontology_graph.value(method, RDFS.label) == label, method
    in_scheme = set(ontology_graph.subjects(SKOS.inScheme, QC.ExtractionMethods))
    assert in_scheme == methods


def test_every_term_is_aligned(ontology_graph: Graph) -> None:
    """Each class/property has a parent outside qc:, directly or through an aligned qc: parent."""

    def aligned(term: URIRef, links: tuple[URIRef, ...], seen: frozenset[URIRef]) -> bool:
        parents = {o for link in links for o in ontology_graph.objects(term, link)}
        parents |= {s for s in ontology_graph.subjects(links[-1], term)}  # equivalence is symmetric
        parents = {p for p in parents if isinstance(p, URIRef)}
        if any(not p.startswith(str(QC)) for p in parents):
            return True
        return any(aligned(p, links, seen | {term}) for p in parents - seen - {term})

    class_links = (RDFS.subClassOf, OWL.equivalentClass)
    prop_links = (RDFS.subPropertyOf, OWL.equivalentProperty)
    offenders = [
        c for c in qc_terms(ontology_graph, (OWL.Class,)) if not aligned(c, class_links, frozenset())
    ]
    offenders += [
        p for p in qc_terms(ontology_graph, PROPERTY_TYPES) if not aligned(p, prop_links, frozenset())
    ]
    assert sorted(offenders) == []


def test_owl2_dl_declarations(ontology_graph: Graph) -> None:
    """Every external property has one OWL property type; every class is declared once."""
    problems = []
    predicates = {p for p in ontology_graph.predicates() if not str(p).startswith(BUILTIN)}
    for prop in sorted(predicates | set(qc_terms(ontology_graph, PROPERTY_TYPES))):
        kinds = [t for t in PROPERTY_TYPES if (prop, RDF.type, t) in ontology_graph]
        if len(kinds) != 1:
            problems.append(f"{prop} has property types {kinds}")
    class_refs: set[URIRef] = set()
    for link in (RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith):
        for s, o in ontology_graph.subject_objects(link):
            class_refs |= {s, o}
    class_refs |= set(ontology_graph.objects(None, RDFS.domain))
    for s, o in ontology_graph.subject_objects(RDFS.range):
        if (s, RDF.type, OWL.ObjectProperty) in ontology_graph:
            class_refs.add(o)
    for link in (OWL.unionOf, OWL.members):
        for _, head in ontology_graph.subject_objects(link):
            class_refs |= set(Collection(ontology_graph, head))
    for cls in sorted(c for c in class_refs if isinstance(c, URIRef)):
        if (cls, RDF.type, OWL.Class) not in ontology_graph:
            problems.append(f"{cls} is used as a class but not declared owl:Class")
        if any((cls, RDF.type, t) in ontology_graph for t in PROPERTY_TYPES):
            problems.append(f"{cls} is both a class and a property")
    for node in (c for c in class_refs if isinstance(c, BNode)):
        if (node, RDF.type, OWL.Class) not in ontology_graph:
            problems.append("an anonymous class expression lacks rdf:type owl:Class")
    assert problems == []


def test_hermit_finds_the_ontology_consistent(hermit: ConsistencyReport) -> None:
    assert hermit.error is None
    assert hermit.consistent
    assert hermit.unsatisfiable == []
    assert hermit.ok
    assert 0 < hermit.seconds < 120


def test_hermit_reports_unsatisfiable_classes(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        ONTOLOGY.read_text(encoding="utf-8")
        + "\nqc:Broken a owl:Class ; rdfs:subClassOf qc:Actor, qc:Program .\n"
        + "qc:AlsoBroken a owl:Class ; rdfs:subClassOf qc:Country, qc:University .\n",
        encoding="utf-8",
    )
    report = check_consistency(broken)
    assert report.consistent
    assert report.unsatisfiable == [str(QC.AlsoBroken), str(QC.Broken)]
    assert not report.ok


def test_hermit_reports_an_individual_in_disjoint_classes() -> None:
    data = Graph()
    data.add((URIRef("https://w3id.org/qcollab/resource/japan"), RDF.type, QC.Country))
    data.add((URIRef("https://w3id.org/qcollab/resource/japan"), RDF.type, QC.Program))
    report = check_consistency(ONTOLOGY, data.serialize(format="nt", encoding="utf-8"))
    assert not report.consistent and not report.ok


@pytest.mark.parametrize(
    ("record", "consistent"),
    [
        ("valid/country.ttl", True),
        ("valid/program.ttl", True),
        ("valid/collaboration.ttl", True),
        ("valid/hand-made.ttl", True),
        ("invalid/solution-addresses-country.ttl", False),
        ("invalid/leads-a-country.ttl", False),
    ],
)
def test_hermit_checks_records(record: str, consistent: bool) -> None:
    data = Graph().parse(RECORDS / record, format="turtle")
    report = check_consistency(ONTOLOGY, data.serialize(format="nt", encoding="utf-8"))
    assert report.error is None
    assert report.consistent is consistent
