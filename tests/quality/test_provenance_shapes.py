"""Provenance in the shapes: a source sentence or hand-made provenance; confidence, method, runs.

Each row is a small Turtle record and what the project's validator must say about it: that it
conforms, or the words of the violation that explains why not (and whose focus node it is on).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from rdflib import Graph

from kg.quality.shacl import Validator, Violation

QCR = "https://w3id.org/qcollab/resource/"
PREFIXES = """@prefix qc: <https://w3id.org/qcollab/ontology#> .
@prefix qcr: <https://w3id.org/qcollab/resource/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix document: <https://w3id.org/qcollab/resource/document/> .
@prefix statement: <https://w3id.org/qcollab/resource/statement/> .
@prefix extraction: <https://w3id.org/qcollab/resource/extraction/> .
@prefix nlpmodel: <https://w3id.org/qcollab/resource/nlp-model/> .
@prefix software: <https://w3id.org/qcollab/resource/software/> .
@prefix sentence: <https://w3id.org/qcollab/resource/sentence/> .
"""
EITHER_OR = (
    "needs a source sentence (qc:extractedFrom) or hand-made provenance: dcterms:source or "
    "dcterms:bibliographicCitation, a date, and prov:wasAttributedTo"
)
UNIVERSITY = 'qcr:university-of-ruritania a qc:University ; rdfs:label "University of Ruritania"@en ;\n'
URL = "  dcterms:source <https://example.org/ruritania-quantum-report> ;\n"
CITATION = '  dcterms:bibliographicCitation "Ruritanian Academy, Quantum Report 2025, p. 12" ;\n'
DATE = '  dcterms:date "2025-06-30"^^xsd:date ;\n'
DATETIME = '  prov:generatedAtTime "2025-06-30T14:05:00Z"^^xsd:dateTime ;\n'
ORCID = "  prov:wasAttributedTo <https://orcid.org/0000-0002-1825-0097> ;\n"
END = "  skos:prefLabel \"University of Ruritania\"@en .\n"
DOCUMENT = """document:note a qc:SourceDocument, prov:Entity ; rdfs:label "A note"@en ;
  dcterms:title "A note"@en ;
  qc:sha256 "0000000000000000000000000000000000000000000000000000000000000000" .
"""
SENTENCE = DOCUMENT + """sentence:note-0-30 a qc:SourceSentence, prov:Entity ;
  rdfs:label "Ruritania partners with Japan."@en ; prov:value "Ruritania partners with Japan." ;
  qc:startOffset "0"^^xsd:nonNegativeInteger ; qc:endOffset "30"^^xsd:nonNegativeInteger ;
  qc:inDocument document:note .
"""
STATEMENT = (
    "statement:ruritania-label a rdf:Statement ;\n"
    "  rdf:subject qcr:university-of-ruritania ; rdf:predicate rdfs:label ;\n"
    '  rdf:object "University of Ruritania"@en ;\n'
)
HAND_MADE_STATEMENT = STATEMENT + URL + DATE + ORCID
MODEL = (
    'nlpmodel:en-core-web-sm-3-8-0 a qc:NlpModel, prov:Entity ; rdfs:label "en_core_web_sm" ;\n'
    '  schema:version "3.8.0" .\n'
)
AGENT = 'software:qcollab-extractor a prov:SoftwareAgent ; rdfs:label "qcollab extractor"@en .\n'
RUN = (
    "extraction:note-1 a qc:ExtractionRun, prov:Activity ;\n"
    "  prov:used document:note, nlpmodel:en-core-web-sm-3-8-0 ;\n"
)
ASSOCIATED = "  prov:wasAssociatedWith software:qcollab-extractor ;\n"
TIMES = (
    '  prov:startedAtTime "2025-06-30T14:05:00Z"^^xsd:dateTime ;\n'
    '  prov:endedAtTime "2025-06-30T14:05:02Z"^^xsd:dateTime .\n'
)


@dataclass(frozen=True)
class Case:
    name: str
    turtle: str
    expect: str | None = None  # None: conforms; else words of a violation's message
    focus: str = "university-of-ruritania"  # the qcr: node the violation is on
    only: bool = False  # every violation is the expected one


CASES = [
    # hand-made provenance instead of a source sentence
    Case("url, date and attribution", UNIVERSITY + URL + DATE + ORCID + END),
    Case("citation instead of a url", UNIVERSITY + CITATION + DATETIME + ORCID + END),
    Case("url and citation, two people", UNIVERSITY + URL + CITATION + DATE + ORCID
         + "  prov:wasAttributedTo <https://w3id.org/qcollab/resource/person/ada> ;\n" + END),
    Case("sentence and hand-made provenance together", SENTENCE + UNIVERSITY + URL + DATE + ORCID
         + "  qc:extractedFrom sentence:note-0-30 ;\n" + END),
    Case("missing date", UNIVERSITY + URL + ORCID + END,
         "needs a date: one dcterms:date or prov:generatedAtTime"),
    Case("missing attribution", UNIVERSITY + URL + DATE + END, "needs prov:wasAttributedTo"),
    Case("missing source and citation", UNIVERSITY + DATE + ORCID + END,
         "needs a source: dcterms:source, the IRI of the source"),
    Case("neither sentence nor hand-made provenance", UNIVERSITY + END,
         "Every entity " + EITHER_OR, only=True),
    Case("two dates", UNIVERSITY + URL + DATE + DATETIME + ORCID + END, "at most one date", only=True),
    Case("date as a plain string", UNIVERSITY + URL + '  dcterms:date "30 June 2025" ;\n' + ORCID + END,
         "an xsd:date or xsd:dateTime", only=True),
    Case("source as a literal", UNIVERSITY + '  dcterms:source "the report" ;\n' + DATE + ORCID + END,
         "dcterms:source must be the IRI of the source", only=True),
    Case("blank citation", UNIVERSITY + '  dcterms:bibliographicCitation "  " ;\n' + DATE + ORCID + END,
         "dcterms:bibliographicCitation must be a non-empty string", only=True),
    Case("attribution as a name", UNIVERSITY + URL + DATE + '  prov:wasAttributedTo "Ada" ;\n' + END,
         "prov:wasAttributedTo must be the IRI of whoever asserted it", only=True),
    # reified statements: the same either/or
    Case("hand-made statement", HAND_MADE_STATEMENT
         + '  qc:extractionMethod qc:ManualAssertion ; qc:confidence "1.0"^^xsd:decimal .\n'),
    Case("statement without provenance", STATEMENT + "  qc:extractionMethod qc:ManualAssertion .\n",
         "A reified statement " + EITHER_OR, focus="statement/ruritania-label", only=True),
    Case("statement without a date", STATEMENT + URL + ORCID.replace(" ;", " .", 1),
         "needs a date", focus="statement/ruritania-label"),
    # confidence
    Case("confidence 0", HAND_MADE_STATEMENT + '  qc:confidence "0"^^xsd:decimal .\n'),
    Case("confidence 1.5", HAND_MADE_STATEMENT + '  qc:confidence "1.5"^^xsd:decimal .\n',
         "qc:confidence must be one xsd:decimal from 0 to 1", focus="statement/ruritania-label", only=True),
    Case("confidence below 0", HAND_MADE_STATEMENT + '  qc:confidence "-0.1"^^xsd:decimal .\n',
         "qc:confidence must be one xsd:decimal from 0 to 1", focus="statement/ruritania-label", only=True),
    Case('confidence "high"', HAND_MADE_STATEMENT + '  qc:confidence "high" .\n',
         "qc:confidence must be one xsd:decimal from 0 to 1", focus="statement/ruritania-label", only=True),
    Case("confidence as a double", HAND_MADE_STATEMENT + '  qc:confidence "0.5"^^xsd:double .\n',
         "qc:confidence must be one xsd:decimal from 0 to 1", focus="statement/ruritania-label", only=True),
    Case("two confidences", HAND_MADE_STATEMENT + '  qc:confidence 0.5, 0.7 .\n',
         "qc:confidence must be one xsd:decimal from 0 to 1", focus="statement/ruritania-label", only=True),
    # extraction method
    Case("every known method", HAND_MADE_STATEMENT
         + "  qc:extractionMethod qc:GazetteerMatch, qc:StatisticalNer, qc:DependencyPattern,\n"
         + "    qc:SurfacePattern, qc:DocumentStructure, qc:LearnedClassifier, qc:ManualAssertion .\n"),
    Case("unknown extraction method", HAND_MADE_STATEMENT + "  qc:extractionMethod qc:Guesswork .\n",
         "qc:extractionMethod must be one of the concepts of qc:ExtractionMethods",
         focus="statement/ruritania-label", only=True),
    Case("a method the record declares itself", HAND_MADE_STATEMENT
         + "  qc:extractionMethod qcr:my-method .\nqcr:my-method a qc:ExtractionMethod .\n",
         "qc:extractionMethod must be one of the concepts of qc:ExtractionMethods",
         focus="statement/ruritania-label", only=True),
    Case("method as a literal", HAND_MADE_STATEMENT + '  qc:extractionMethod "gazetteer" .\n',
         "qc:extractionMethod must be one of the concepts", focus="statement/ruritania-label", only=True),
    # extraction runs and models
    Case("a valid extraction run", DOCUMENT + MODEL + AGENT + RUN + ASSOCIATED + TIMES),
    Case("run with no document", MODEL + AGENT
         + RUN.replace("document:note, ", "") + ASSOCIATED + TIMES,
         "must prov:use at least one qc:SourceDocument", focus="extraction/note-1", only=True),
    Case("run with no extractor", DOCUMENT + MODEL + RUN + TIMES,
         "exactly one prov:wasAssociatedWith", focus="extraction/note-1", only=True),
    Case("run with two extractors", DOCUMENT + MODEL + AGENT + RUN + ASSOCIATED
         + "  prov:wasAssociatedWith software:other ;\n" + TIMES,
         "exactly one prov:wasAssociatedWith", focus="extraction/note-1", only=True),
    Case("run started on a date", DOCUMENT + MODEL + AGENT + RUN + ASSOCIATED
         + '  prov:startedAtTime "2025-06-30"^^xsd:date .\n',
         "at most one prov:startedAtTime, an xsd:dateTime", focus="extraction/note-1", only=True),
    Case("run ended before it started", DOCUMENT + MODEL + AGENT + RUN + ASSOCIATED
         + TIMES.replace("14:05:02", "14:04:00"),
         "must not be before its prov:startedAtTime", focus="extraction/note-1", only=True),
    Case("model without a version", DOCUMENT + MODEL.replace(' ;\n  schema:version "3.8.0"', "") + AGENT + RUN
         + ASSOCIATED + TIMES,
         "exactly one schema:version", focus="nlp-model/en-core-web-sm-3-8-0", only=True),
]


def violations(validator: Validator, turtle: str) -> tuple[bool, list[Violation]]:
    outcome = validator.validate(Graph().parse(data=PREFIXES + turtle, format="turtle"))
    assert outcome.conforms == (not outcome.violations), outcome.report_text
    return outcome.conforms, outcome.violations


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_provenance_shapes(validator: Validator, case: Case) -> None:
    conforms, found = violations(validator, case.turtle)
    if case.expect is None:
        assert conforms, [v.message for v in found]
        return
    assert not conforms
    matching = [v for v in found if case.expect in v.message]
    assert matching, [v.message for v in found]
    assert {v.focus_node for v in matching} == {QCR + case.focus}
    if case.only:
        assert matching == found, [v.message for v in found]


def test_an_incomplete_hand_made_record_is_told_what_it_lacks(validator: Validator) -> None:
    """Without a date, the report names the missing date (the source is there); nothing else."""
    _, found = violations(validator, UNIVERSITY + URL + ORCID + END)
    assert sorted(v.message.split(":")[0] for v in found) == ["Hand-made provenance (given instead of qc"]
    assert any("dcterms:date or prov:generatedAtTime" in v.message for v in found)
    assert not any("source:" in v.message or "wasAttributedTo:" in v.message for v in found)


def test_the_date_path_is_readable_in_the_report(validator: Validator) -> None:
    """The date check is on an alternative path; the report shows it as a property path."""
    _, [violation] = violations(validator, UNIVERSITY + URL + DATE + DATETIME + ORCID + END)
    assert violation.path == "(<http://purl.org/dc/terms/date>|<http://www.w3.org/ns/prov#generatedAtTime>)"
    record = PREFIXES + UNIVERSITY + URL + DATE + DATETIME + ORCID + END
    outcome = validator.validate(Graph().parse(data=record, format="turtle"))
    line = "(http://purl.org/dc/terms/date|generatedAtTime): Provenance has at most one date"
    assert line in outcome.report_text
