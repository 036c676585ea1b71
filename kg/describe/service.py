"""The SPARQL 1.1 Service Description of /sparql (https://www.w3.org/TR/sparql11-service-description/), with
the VoID description of the dataset.

Every statement is one the service keeps: the languages it runs (Update only with an admin token), the
formats its negotiation answers in and its Graph Store reads, the features of its engine and settings, and
the dataset a query sees when it names none, counted as a COUNT query would count it.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID, XSD

from kg.describe.statistics import DatasetStatistics
from kg.describe.void import DATASET, describe_dataset
from kg.formats.table import W3C_FORMATS, rdf_formats, results_formats
from kg.settings import Settings
from kg.store.interface import KnowledgeStore

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace(W3C_FORMATS)
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")

# sd:resultFormat (§3.3): results of SELECT and ASK, and of CONSTRUCT and DESCRIBE in every RDF syntax.
RESULT_FORMATS = tuple(URIRef(f.iri) for f in (*results_formats(), *rdf_formats()))
# sd:inputFormat (§3.3): the syntaxes of RDF the service parses (Graph Store bodies, records); it fetches
# nothing itself (LOAD is refused, FROM names graphs of the store).
INPUT_FORMATS = tuple(URIRef(f.iri) for f in rdf_formats())
DATASET_NOTE = (
    "Queries see the union of all graphs as their default graph (the named graphs, and the graph store's "
    "own default graph, /rdf-graphs?default, which is normally empty), unless the request names graphs "
    "with default-graph-uri / named-graph-uri or the query with FROM / FROM NAMED; a triple that several "
    "graphs hold matches a pattern on that default graph once per graph. Basic graph patterns "
    "are matched by simple entailment; the inferences the ontology licenses are materialized in the named "
    "graph https://w3id.org/qcollab/graph/inferred, and so are in the union. SPARQL Update needs the admin "
    "token (Authorization: Bearer) and is offered only where one is configured. Graphs can be read (and, "
    "with the admin token, written) with the SPARQL 1.1 Graph Store HTTP Protocol at /rdf-graphs: "
    "?graph=IRI, ?default, or /rdf-graphs/{path} for a graph whose IRI is that URL."
)
UNION_NOTE = "The union of all graphs: every named graph, and the graph store's own default graph"
# Over a remote store (QCOLLAB_STORE=sparql, kg.store.remote): what the union default graph is, by how the
# remote is asked for it (QCOLLAB_SPARQL_DEFAULT_GRAPH, QCOLLAB_SPARQL_UNION_REQUEST).
REMOTE_UNIONS = {  # the union, and whether the remote's own default graph is in it
    "union": (
        "the remote engine's own default graph, which it makes the union of its graphs (Oxigraph with "
        "--union-default-graph and Virtuoso: every graph; Fuseki with tdb2:unionDefaultGraph: the named "
        "graphs)",
        True,
    ),
    "oxigraph": (
        "the union of every graph of the remote Oxigraph server (its union-default-graph parameter), its "
        "own default graph included",
        True,
    ),
    "jena": (
        "the union of the remote's named graphs (urn:x-arq:UnionGraph), without its own default graph",
        False,
    ),
    "named-graphs": (
        "the remote's named graphs, each named by a default-graph-uri parameter, without its own default "
        "graph; whether a triple several of them hold matches once or once per graph is the remote "
        "engine's choice",
        False,
    ),
}


def remote_union(settings: Settings) -> tuple[str, bool] | None:
    """What the union default graph is over a remote store, and whether the remote's own default graph
    is in it (None: the embedded store)."""
    if settings.store != "sparql":
        return None
    union = settings.sparql_default_graph == "union"
    return REMOTE_UNIONS["union" if union else settings.sparql_union_request]


def dataset_note(settings: Settings) -> str:
    """sd:Service's description: the dataset a query sees, and what the service offers on it."""
    union = remote_union(settings)
    if union is None:
        return DATASET_NOTE
    return (
        "Queries are evaluated by a remote SPARQL store, and see as their default graph "
        f"{union[0]}, unless the request names graphs with default-graph-uri / named-graph-uri or the "
        "query with FROM / FROM NAMED (sent to the remote as they are). Basic graph patterns are matched "
        "by simple entailment; the inferences the ontology licenses are in the graph "
        "https://w3id.org/qcollab/graph/inferred if the remote store holds it. SPARQL Update (with the admin "
        "token), Graph Store writes at /rdf-graphs and POST /records pass the SHACL gate here, then are "
        "sent to the remote store as one update request each; an update that would need a copy of the "
        "whole store (an operation reading what an earlier one of the same request changed) is answered "
        "501 (Not Implemented), and so is a bulk load. Whether CREATE GRAPH keeps an empty graph is the "
        "remote engine's choice."
    )


def unnamed_triples(store: KnowledgeStore) -> int:
    """The triples of the store's own default graph that no named graph holds (the union has them too);
    one index probe when that graph is empty, as it normally is."""
    count = 0
    for quad in store.quads_matching(graph=ox.DefaultGraph()):
        elsewhere = store.quads_matching(quad.subject, quad.predicate, quad.object)  # type: ignore[arg-type]
        if not any(isinstance(other.graph_name, ox.NamedNode) for other in elsewhere):
            count += 1
    return count


def _triples(void: Graph, node: URIRef | None) -> Literal | None:
    value = void.value(node, VOID.triples) if node is not None else None
    return value if isinstance(value, Literal) else None


def _service(graph: Graph, service: URIRef, base: str, settings: Settings) -> None:
    """The sd:Service (§3.1): its endpoint, languages, formats, features and entailment regime."""
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(f"{base}/sparql")))  # as the request reached it
    remote = settings.store == "sparql"  # writes pass our SHACL gate; empty graphs: the remote's choice
    graph.add((service, DCTERMS.description, Literal(dataset_note(settings), lang="en")))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if settings.admin_token:  # without a token every update is refused (403)
        graph.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    for iri in RESULT_FORMATS:
        graph.add((service, SD.resultFormat, iri))
    for iri in INPUT_FORMATS:
        graph.add((service, SD.inputFormat, iri))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))  # §3.2: the merge of the graphs
    if not remote:
        graph.add((service, SD.feature, SD.EmptyGraphs))  # §3.2: CREATE GRAPH makes a graph of no triples
    if settings.service_allowlist:  # §3.2: SERVICE runs, to the endpoints of the allow-list only
        graph.add((service, SD.feature, SD.BasicFederatedQuery))
    graph.add((service, SD.defaultEntailmentRegime, ENTAILMENT.Simple))  # no entailment beyond the data


def service_description(
    stats: DatasetStatistics, settings: Settings, store: KnowledgeStore | None = None
) -> Graph:
    """sd:Service for the endpoint: languages, formats, features and the default dataset (with VoID).

    `settings.public_base_url` is the base the request reached; with `store`, the default graph's count
    includes what only the store's own default graph holds (without it, the union of the named graphs).
    """
    base = settings.public_base_url.rstrip("/")
    graph = describe_dataset(stats, settings)
    graph.bind("sd", SD)
    graph.bind("formats", FORMATS)
    service = URIRef(f"{base}/sparql#service")
    _service(graph, service, base, settings)

    dataset = DATASET  # sd:defaultDataset (§3.3), an sd:Dataset (§3.1)
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    default = BNode()
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    union = remote_union(settings)
    graph.add((default, DCTERMS.description, Literal(union[0] if union else UNION_NOTE, lang="en")))
    with_own_default = union is None or union[1]
    extra = unnamed_triples(store) if store is not None and with_own_default else 0
    graph.add((default, VOID.triples, Literal(stats.triples + extra, datatype=XSD.integer)))
    for name in sorted(stats.graphs):  # sd:NamedGraph (§3.1): its sd:name and the sd:graph it holds
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
