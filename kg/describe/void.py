"""A VoID description of the dataset, its named graphs and its linksets (from kg.describe.statistics)."""

from __future__ import annotations

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, SKOS, VOID, XSD

from kg.describe.statistics import EXAMPLE_CLASSES, DatasetStatistics
from kg.formats.table import by_name, rdf_formats
from kg.namespaces import LINKSET_GRAPH_PREFIX, ONTOLOGY_IRI, PREFIXES, QC
from kg.settings import Settings

VOID_NS = Namespace("https://w3id.org/qcollab/void#")
DATASET = VOID_NS["dataset"]

TITLE = "qcollab: international collaboration in quantum computing"
DESCRIPTION = (
    "An open knowledge graph of the actors, programs, collaboration models, technology areas and "
    "application domains of international collaboration in quantum computing, extracted from "
    "seed documents with sentence-level provenance, and linked to Wikidata and DBpedia."
)
DATA_LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
VOID_FORMATS: dict[str, str | None] = {f.name: f.rdflib for f in rdf_formats()}
FEATURES = ("ttl", "nt", "trig", "jsonld")  # the syntaxes stated as void:feature
LINK_PREDICATES = (OWL.sameAs, SKOS.exactMatch, SKOS.closeMatch)
VOCABULARY_SKIP = {"qcr", "qcg"}

# The datasets our linksets point into: the linkset graph's last path segment names them.
LINK_TARGETS: dict[str, dict[str, str]] = {
    "wikidata": {
        "title": "Wikidata",
        "homepage": "https://www.wikidata.org/",
        "uriSpace": "http://www.wikidata.org/entity/",
        "endpoint_setting": "wikidata_endpoint",
    },
    "dbpedia": {
        "title": "DBpedia",
        "homepage": "https://www.dbpedia.org/",
        "uriSpace": "http://dbpedia.org/resource/",
        "endpoint_setting": "dbpedia_endpoint",
    },
}


def target_dataset(name: str) -> URIRef:
    """The IRI we use for a link target dataset (Wikidata, DBpedia)."""
    return VOID_NS[f"target/{name}"]


def linkset_iri(name: str, predicate: URIRef) -> URIRef:
    """One void:Linkset per target and link predicate (e.g. …void#linkset/wikidata/sameAs)."""
    local = str(predicate).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return VOID_NS[f"linkset/{name}/{local}"]


def describe_dataset(stats: DatasetStatistics, settings: Settings) -> Graph:
    """The VoID description of the whole dataset, one subset per named graph, and the linksets."""
    graph = Graph()
    graph.bind("void", VOID)
    graph.bind("dcterms", DCTERMS)
    graph.bind("foaf", FOAF)
    graph.bind("qcvoid", VOID_NS)
    base = settings.public_base_url.rstrip("/")
    ds = DATASET
    graph.add((ds, RDF.type, VOID.Dataset))
    graph.add((ds, DCTERMS.title, Literal(TITLE, lang="en")))
    graph.add((ds, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    graph.add((ds, DCTERMS.license, DATA_LICENSE))
    graph.add((ds, VOID.sparqlEndpoint, URIRef(f"{base}/sparql")))
    graph.add((ds, FOAF.homepage, URIRef(f"{base}/")))
    graph.add((ds, VOID.uriSpace, Literal(settings.base_iri)))
    graph.add((ds, VOID.rootResource, URIRef(ONTOLOGY_IRI)))
    for name in FEATURES:
        graph.add((ds, VOID.feature, URIRef(by_name(name).iri)))

    graph.add((ds, VOID.triples, _typed(stats.triples)))
    graph.add((ds, VOID.distinctSubjects, _typed(stats.subjects)))
    graph.add((ds, VOID.distinctObjects, _typed(stats.objects)))
    graph.add((ds, VOID.entities, _typed(stats.entities)))
    graph.add((ds, VOID.properties, _typed(len(stats.properties))))
    graph.add((ds, VOID.classes, _typed(len(stats.classes))))
    for vocabulary in _vocabularies([*stats.properties, *stats.classes]):
        graph.add((ds, VOID.vocabulary, URIRef(vocabulary)))
    graph.add((ds, VOID.vocabulary, URIRef(str(QC))))
    for name in EXAMPLE_CLASSES:
        if name in stats.examples:
            graph.add((ds, VOID.exampleResource, URIRef(stats.examples[name])))
    _class_partitions(graph, stats)
    for name in sorted(stats.graphs):
        _describe_graph(graph, stats, settings, name)
    return graph


def _describe_graph(graph: Graph, stats: DatasetStatistics, settings: Settings, name: str) -> None:
    subset = URIRef(name)
    graph.add((DATASET, VOID.subset, subset))
    graph.add((subset, RDF.type, VOID.Dataset))
    graph.add((subset, DCTERMS.description, Literal(f"The named graph <{name}>", lang="en")))
    graph.add((subset, VOID.triples, _typed(stats.graphs[name])))
    if not name.startswith(LINKSET_GRAPH_PREFIX):
        return
    target_name = name[len(LINKSET_GRAPH_PREFIX):].strip("/")
    target = _describe_target(graph, settings, target_name)
    graph.add((subset, DCTERMS.title, Literal(f"Links from qcollab to {_title(target_name)}", lang="en")))
    counts = stats.links.get(name, {})
    for predicate in LINK_PREDICATES:
        links = counts.get(str(predicate), 0)
        if not links:
            continue
        linkset = linkset_iri(target_name, predicate)
        graph.add((subset, VOID.subset, linkset))
        graph.add((DATASET, VOID.subset, linkset))
        graph.add((linkset, RDF.type, VOID.Linkset))
        graph.add((linkset, DCTERMS.title, Literal(
            f"{_title(target_name)} links of qcollab ({graph.namespace_manager.normalizeUri(predicate)})",
            lang="en",
        )))
        graph.add((linkset, VOID.linkPredicate, predicate))
        graph.add((linkset, VOID.triples, _typed(links)))
        graph.add((linkset, VOID.subjectsTarget, DATASET))
        graph.add((linkset, VOID.objectsTarget, target))
        graph.add((linkset, VOID.target, DATASET))
        graph.add((linkset, VOID.target, target))
        if name in stats.modified:
            graph.add((linkset, DCTERMS.modified, Literal(stats.modified[name], datatype=XSD.dateTime)))


def _describe_target(graph: Graph, settings: Settings, name: str) -> URIRef:
    target = target_dataset(name)
    info = LINK_TARGETS.get(name, {"title": _title(name)})
    graph.add((target, RDF.type, VOID.Dataset))
    graph.add((target, DCTERMS.title, Literal(info["title"])))
    if "homepage" in info:
        graph.add((target, FOAF.homepage, URIRef(info["homepage"])))
        graph.add((target, VOID.uriSpace, Literal(info["uriSpace"])))
    endpoint = getattr(settings, info.get("endpoint_setting", ""), None)
    if endpoint:
        graph.add((target, VOID.sparqlEndpoint, URIRef(endpoint)))
    return target


def _class_partitions(graph: Graph, stats: DatasetStatistics) -> None:
    for cls, count in sorted(stats.class_entities.items()):
        partition = VOID_NS[f"class/{cls.rsplit('#', 1)[-1]}"]
        graph.add((DATASET, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], URIRef(cls)))
        graph.add((partition, VOID.entities, _typed(count)))


def _vocabularies(terms: list[str]) -> list[str]:
    namespaces = {ns for prefix, ns in PREFIXES.items() if prefix not in VOCABULARY_SKIP}
    used = set()
    for term in terms:
        matches = [ns for ns in namespaces if term.startswith(ns)]
        if matches:
            used.add(max(matches, key=len))
    return sorted(used)


def _title(name: str) -> str:
    return LINK_TARGETS.get(name, {}).get("title", name)


def _typed(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)
