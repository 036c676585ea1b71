"""The SPARQL 1.1 Service Description of /sparql, with the VoID description of the dataset."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID, XSD

from kg.describe.statistics import DatasetStatistics
from kg.describe.void import DATASET, describe_dataset
from kg.formats.table import W3C_FORMATS, rdf_formats, results_formats
from kg.settings import Settings

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace(W3C_FORMATS)
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")

RESULT_FORMATS = tuple(URIRef(f.iri) for f in (*results_formats(), *rdf_formats()))
INPUT_FORMATS = tuple(URIRef(f.iri) for f in rdf_formats())
DATASET_NOTE = (
    "Queries see the union of all named graphs as their default graph, unless the request names "
    "graphs with default-graph-uri / named-graph-uri or the query with FROM / FROM NAMED. "
    "Inferences are materialized in the named graph https://w3id.org/qcollab/graph/inferred. "
    "Graphs can be read (and, with the admin token, written) with the SPARQL 1.1 Graph Store "
    "HTTP Protocol at /rdf-graphs."
)


def _triples(void: Graph, node: URIRef | None) -> Literal | None:
    value = void.value(node, VOID.triples) if node is not None else None
    return value if isinstance(value, Literal) else None


def service_description(stats: DatasetStatistics, settings: Settings) -> Graph:
    """sd:Service for the endpoint: languages, formats, features and the default dataset (with VoID)."""
    base = settings.public_base_url.rstrip("/")
    graph = describe_dataset(stats, settings)
    graph.bind("sd", SD)
    graph.bind("formats", FORMATS)
    service = URIRef(f"{base}/sparql#service")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(f"{base}/sparql")))
    graph.add((service, DCTERMS.description, Literal(DATASET_NOTE, lang="en")))
    for language in (SD.SPARQL11Query, SD.SPARQL11Update):
        graph.add((service, SD.supportedLanguage, language))
    for iri in RESULT_FORMATS:
        graph.add((service, SD.resultFormat, iri))
    for iri in INPUT_FORMATS:
        graph.add((service, SD.inputFormat, iri))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    if settings.service_allowlist:
        graph.add((service, SD.feature, SD.BasicFederatedQuery))
    graph.add((service, SD.defaultEntailmentRegime, ENTAILMENT.Simple))

    dataset = DATASET
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    default = BNode()
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, DCTERMS.description, Literal("The union of all named graphs", lang="en")))
    if (count := _triples(graph, dataset)) is not None:
        graph.add((default, VOID.triples, count))
    for name in sorted(stats.graphs):
        named, described = BNode(), BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        graph.add((named, SD.graph, described))
        graph.add((described, RDF.type, SD.Graph))
        count = _triples(graph, URIRef(name))
        if count is None:
            count = Literal(stats.graphs[name], datatype=XSD.integer)
        graph.add((described, VOID.triples, count))
    return graph
