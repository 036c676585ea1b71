"""The fixed query mix of bench_scale.py; the conforming records it validates and writes."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass

from scale_servers import Request

from kg.namespaces import PREFIXES

SELECT_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
TURTLE = "text/turtle"
PROLOGUE = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())


@dataclass(frozen=True)
class Query:
    name: str
    sparql: str
    light: bool = False
    accept: str = SELECT_JSON

    @property
    def text(self) -> str:
        return PROLOGUE + self.sparql


def mix(probes: dict[str, str]) -> list[Query]:
    """Two light queries about one organization of the synthetic graph, then the heavy ones."""
    label, entity = probes["label"].replace('"', '\\"'), probes["entity"]
    return [
        Query(
            "exact label", f'SELECT DISTINCT ?entity WHERE {{ ?entity rdfs:label "{label}"@en }}', light=True
        ),
        Query("one entity's description", f"SELECT ?p ?o WHERE {{ <{entity}> ?p ?o }}", light=True),
        Query(
            "2-hop join: collaborations of organizations based in Germany",
            """
            SELECT DISTINCT ?org ?collaboration WHERE {
              ?org qc:basedIn qcr:germany . ?collaboration qc:participant ?org }""",
        ),
        Query(
            "2-hop join: sentences behind the facts about Japan",
            """
            SELECT DISTINCT ?text WHERE {
              ?statement rdf:subject qcr:japan ; qc:extractedFrom ?sentence . ?sentence prov:value ?text }""",
        ),
        Query(
            "GROUP BY + ORDER BY/LIMIT: collaborations per country",
            """
            SELECT ?country (COUNT(DISTINCT ?collaboration) AS ?n) WHERE {
              ?collaboration a qc:Collaboration ; qc:participant ?org . ?org qc:basedIn ?country }
            GROUP BY ?country ORDER BY DESC(?n) ?country LIMIT 10""",
        ),
        Query(
            "label text filter",
            """
            SELECT DISTINCT ?university ?label WHERE {
              ?university a qc:University ; rdfs:label ?label
              FILTER(CONTAINS(LCASE(STR(?label)), "technology")) }""",
        ),
        Query(
            "OPTIONAL + NOT EXISTS: programs without funding",
            """
            SELECT DISTINCT ?program ?label ?lead WHERE {
              ?program a qc:Program ; rdfs:label ?label .
              OPTIONAL { ?program qc:ledBy ?lead }
              FILTER NOT EXISTS { ?program qc:hasFunding ?funding } }""",
        ),
        Query(
            "CONSTRUCT: collaborations on quantum networking",
            """
            CONSTRUCT { ?collaboration qc:participant ?participant ; rdfs:label ?label } WHERE {
              ?collaboration qc:focusArea qcr:quantum-networking ; qc:participant ?participant ;
                rdfs:label ?label }""",
            accept=N_TRIPLES,
        ),
    ]


def rows(body: bytes, accept: str) -> int:
    """The solutions of a SELECT (JSON results) or the triples of a graph (N-Triples)."""
    if accept == SELECT_JSON:
        return len(json.loads(body)["results"]["bindings"])
    return sum(1 for line in body.splitlines() if line.strip())


PREFIXES_TTL = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in PREFIXES.items())
DOC = "<https://w3id.org/qcollab/resource/document/ruritania-note>"
SENTENCE = "<https://w3id.org/qcollab/resource/sentence/ruritania-note/0-30>"
EXTRACTED_RECORD = f"""{PREFIXES_TTL}
{DOC} a qc:SourceDocument, prov:Entity ; rdfs:label "A note on Ruritania"@en ;
  dcterms:title "A note on Ruritania"@en ;
  qc:sha256 "0000000000000000000000000000000000000000000000000000000000000000" .
{SENTENCE} a qc:SourceSentence, prov:Entity ; rdfs:label "Ruritania partners with Japan."@en ;
  prov:value "Ruritania partners with Japan." ;
  qc:startOffset "0"^^xsd:nonNegativeInteger ; qc:endOffset "30"^^xsd:nonNegativeInteger ;
  qc:inDocument {DOC} .
qcr:ruritania a qc:Country ; rdfs:label "Ruritania"@en ; skos:prefLabel "Ruritania"@en ;
  qc:extractedFrom {SENTENCE} ; prov:hadPrimarySource {DOC} ; qc:collaboratesWith qcr:japan .
"""


def hand_made(slug: str) -> str:
    """A hand-made record (source, date, attribution) of a new institute partnering with Japan, in Turtle:
    7 triples about the institute and 9 about the reified fact."""
    name = " ".join(word.capitalize() for word in slug.split("-"))
    return f"""{PREFIXES_TTL}
qcr:{slug} a qc:ResearchInstitute ; rdfs:label "{name}"@en ; skos:prefLabel "{name}"@en ;
  qc:collaboratesWith qcr:japan ;
  dcterms:source <https://example.org/{slug}/annual-report-2025> ;
  dcterms:date "2025-06-30"^^xsd:date ;
  prov:wasAttributedTo <https://orcid.org/0000-0002-1825-0097> .
qcr:statement\\/{slug}-partners-japan a rdf:Statement ;
  rdf:subject qcr:{slug} ; rdf:predicate qc:collaboratesWith ; rdf:object qcr:japan ;
  qc:extractionMethod qc:ManualAssertion ; qc:confidence "1.0"^^xsd:decimal ;
  dcterms:source <https://example.org/{slug}/annual-report-2025> ;
  dcterms:date "2025-06-30"^^xsd:date ;
  prov:wasAttributedTo <https://orcid.org/0000-0002-1825-0097> .
"""


def insert_data(slug: str) -> str:
    """SPARQL INSERT DATA of the institute's 7 triples into its own record graph."""
    name = " ".join(word.capitalize() for word in slug.split("-"))
    return f"""{PROLOGUE}INSERT DATA {{ GRAPH <https://w3id.org/qcollab/graph/record/{slug}> {{
  qcr:{slug} a qc:ResearchInstitute ; rdfs:label "{name}"@en ; skos:prefLabel "{name}"@en ;
    qc:collaboratesWith qcr:japan ;
    dcterms:source <https://example.org/{slug}/annual-report-2025> ;
    dcterms:date "2025-06-30"^^xsd:date ;
    prov:wasAttributedTo <https://orcid.org/0000-0002-1825-0097> . }} }}"""


def service_requests(token: str, tag: str) -> dict[str, Iterator[Request]]:
    """Our service's own operations; each write is of a new record (a new IRI each time)."""
    admin = ("Authorization", f"Bearer {token}")
    lookup = Request("GET", "/lookup?q=japan", headers=(("Accept", "application/json"),))
    validate = Request("POST", "/validate", EXTRACTED_RECORD.encode(), (("Content-Type", TURTLE),))
    return {
        "/lookup?q=japan": itertools.repeat(lookup),
        "/validate (an 18-triple record)": itertools.repeat(validate),
        "SPARQL INSERT DATA (7 triples)": (
            Request(
                "POST",
                "/sparql",
                insert_data(f"bench-{tag}-insert-institute-{n}").encode(),
                (("Content-Type", "application/sparql-update"), admin),
                expect=(200, 204),
            )
            for n in itertools.count()
        ),
        "POST /records (16 triples)": (
            Request(
                "POST",
                "/records",
                hand_made(f"bench-{tag}-record-institute-{n}").encode(),
                (("Content-Type", TURTLE), admin),
                expect=(200, 201),
            )
            for n in itertools.count()
        ),
    }
