"""One kind per IRI and one value per functional property across the documents of a build."""

from __future__ import annotations

from rdflib import Literal

from kg.extract.consistency import Consistency
from kg.extract.extractor import Extractor
from kg.extract.pipeline import extract_text
from kg.namespaces import QC, QCR, RDF, RDFS, SKOS, XSD


def _extract(extractor: Extractor, slug: str, text: str):  # type: ignore[no-untyped-def]
    return extract_text(
        text, doc_slug=slug, source=f"{slug}.md", sha256="0" * 64, markdown=True, extractor=extractor
    )


def test_a_later_document_cannot_retype_an_entity(extractor: Extractor) -> None:
    shared = Consistency()
    shared.claim_kind(QCR["craft-prospect"], "program")  # as if an earlier document had read a program
    reader = Extractor(extractor.gazetteer, extractor.nlp, extractor.model, extractor.run, 0.0, shared)
    result = _extract(
        reader, "later", "# Later\n\nThe UK company Craft Prospect worked with the University of Waterloo.\n"
    )
    assert (QCR["craft-prospect"], RDF.type, QC.Company) not in result.graph
    assert not list(result.graph.triples((QCR["craft-prospect"], QC.collaboratesWith, None)))
    assert any(i.method == "Consistency" and "craft-prospect" in i.subject for i in result.review)
    assert (QCR["university-of-waterloo"], RDF.type, QC.University) in result.graph


def test_a_functional_value_keeps_the_first_document_s() -> None:
    shared = Consistency()
    first, second = Literal("100", datatype=XSD.decimal), Literal("200", datatype=XSD.decimal)
    assert shared.allows(QCR["flagship"], QC.fundingAmount, first)
    assert shared.allows(QCR["flagship"], QC.fundingAmount, first)
    assert not shared.allows(QCR["flagship"], QC.fundingAmount, second)


def test_relations_must_fit_the_kinds_claimed() -> None:
    shared = Consistency()
    shared.claim_kind(QCR["japan"], "actor")
    shared.claim_kind(QCR["flagship"], "program")
    assert shared.allows(QCR["japan"], QC.leads, QCR["flagship"])
    assert not shared.allows(QCR["flagship"], QC.collaboratesWith, QCR["japan"])


def test_regression_two_documents_naming_an_entity_differently_keep_one_label(extractor: Extractor) -> None:
    """A 200-document build failed SHACL: each document labelled the same entity its own way."""
    shared = Consistency()
    reader = Extractor(extractor.gazetteer, extractor.nlp, extractor.model, extractor.run, 0.0, shared)
    first = _extract(
        reader, "first", "# First\n\nThe UK company Craft Prospect worked with the University of Waterloo.\n"
    )
    label = first.graph.value(QCR["craft-prospect"], RDFS.label)
    shared.values[(QCR["craft-prospect"], RDFS.label)] = Literal("Craft Prospect Ltd", lang="en")
    second = _extract(
        reader, "second", "# Second\n\nThe UK company Craft Prospect signed an agreement with ESA.\n"
    )
    assert label == Literal("Craft Prospect", lang="en")
    assert set(second.graph.objects(QCR["craft-prospect"], RDFS.label)) == {
        Literal("Craft Prospect Ltd", lang="en")
    }
    assert set(second.graph.objects(QCR["craft-prospect"], SKOS.prefLabel)) == {
        Literal("Craft Prospect Ltd", lang="en")
    }


def test_an_amount_stated_in_another_currency_elsewhere_leaves_no_amount_without_currency(
    extractor: Extractor,
) -> None:
    """Regression: the bench build of 200 documents failed SHACL ("a qc:fundingAmount needs exactly one
    qc:fundingCurrency") when one document said €15 million and a later one $15 million for a program: the
    amount agreed with the first claim, the currency did not, and the amount was written alone."""
    shared = Consistency()
    reader = Extractor(extractor.gazetteer, extractor.nlp, extractor.model, extractor.run, 0.0, shared)
    texts = ("The Quantum Flagship received €15 million.", "The Quantum Flagship received $15 million.")
    graphs = [_extract(reader, f"doc-{i}", f"# Doc\n\n{text}\n").graph for i, text in enumerate(texts)]
    for graph in graphs:
        for program in set(graph.subjects(QC.fundingAmount)):
            assert len(set(graph.objects(program, QC.fundingCurrency))) == 1
    assert (None, QC.fundingCurrency, Literal("EUR")) in graphs[0]
    assert not list(graphs[1].triples((None, QC.fundingAmount, None)))
