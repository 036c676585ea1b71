"""The linkset graphs: each link reified as an SSSOM-style owl:Axiom, with the run that made it."""

from __future__ import annotations

from datetime import UTC, datetime

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, XSD

from kg import __version__
from kg.describe.void import target_dataset
from kg.linking.model import Scored, TargetReport
from kg.settings import Settings

SSSOM = Namespace("https://w3id.org/sssom/")
SEMAPV = Namespace("https://w3id.org/semapv/vocab/")


def _justification(scored: Scored) -> URIRef:
    composite = any(e.startswith(("ISO", "owl:sameAs")) for e in scored.evidence)
    if composite:
        return SEMAPV.CompositeMatching
    return SEMAPV.LexicalMatching if scored.exact else SEMAPV.LexicalSimilarityThresholdMatching


def linkset_graph(report: TargetReport, settings: Settings) -> Graph:
    """The named graph of one target: the links, each reified with its provenance, and the run."""
    graph = Graph()
    graph.bind("sssom", SSSOM)
    graph.bind("semapv", SEMAPV)
    graph.bind("prov", PROV)
    run = BNode()
    agent = BNode()
    ended = report.ended or datetime.now(UTC)
    graph.add((run, RDF.type, PROV.Activity))
    graph.add((run, RDFS.label, Literal(f"qcollab link: matching against {report.profile.title}", lang="en")))
    graph.add((run, PROV.startedAtTime, Literal(report.started.isoformat(), datatype=XSD.dateTime)))
    graph.add((run, PROV.endedAtTime, Literal(ended.isoformat(), datatype=XSD.dateTime)))
    graph.add((run, PROV.used, target_dataset(report.profile.name)))
    graph.add((run, DCTERMS.source, Literal(report.source)))
    graph.add((run, RDFS.comment, Literal(
        "Candidates looked up by exact label or alias, scored on normalised name similarity, "
        "type compatibility, ISO 3166-1 codes and owl:sameAs chains; links written at a "
        f"confidence of at least {settings.link_threshold:.2f} with no close runner-up.",
        lang="en",
    )))
    graph.add((run, PROV.wasAssociatedWith, agent))
    graph.add((agent, RDF.type, PROV.SoftwareAgent))
    graph.add((agent, RDFS.label, Literal(f"qcollab {__version__}")))
    date = Literal(report.started.date().isoformat(), datatype=XSD.date)
    for link in report.links:
        subject, predicate, target = URIRef(link.entity.iri), URIRef(link.predicate), URIRef(link.target)
        graph.add((subject, predicate, target))
        statement = BNode()
        scored = link.scored
        for p, o in (
            (RDF.type, OWL.Axiom),
            (OWL.annotatedSource, subject),
            (OWL.annotatedProperty, predicate),
            (OWL.annotatedTarget, target),
            (DCTERMS.date, date),
            (SSSOM.confidence, Literal(round(scored.score, 3), datatype=XSD.double)),
            (SSSOM.mapping_justification, _justification(scored)),
            (SSSOM.match_string, Literal(scored.match_string)),
            (SSSOM.subject_match_field, URIRef(scored.local_field)),
            (SSSOM.object_match_field, URIRef(scored.remote_field)),
            (SSSOM.mapping_tool, Literal(f"qcollab link {__version__}")),
            (RDFS.comment, Literal("; ".join(scored.evidence), lang="en")),
            (PROV.wasGeneratedBy, run),
        ):
            graph.add((statement, p, o))
    return graph
