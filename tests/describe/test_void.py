"""VoID: the dataset, one subset per named graph, the linksets; served and exported."""

from __future__ import annotations

from pathlib import Path

import httpx
import pyoxigraph as ox
from linking_support import run_qcollab
from live_server import LiveServer
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS, VOID

from kg.describe.statistics import DatasetStatistics
from kg.describe.void import DATASET, describe_dataset, linkset_iri, target_dataset
from kg.linking.run import link_store
from kg.settings import Settings
from kg.store.oxigraph import OxigraphStore

GRAPH = "https://w3id.org/qcollab/graph/"
DOC = GRAPH + "document/t"


def small_store() -> OxigraphStore:
    store = OxigraphStore()
    store.load(
        "@prefix qc: <https://w3id.org/qcollab/ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<https://w3id.org/qcollab/resource/japan> a qc:Country ; skos:prefLabel \"Japan\"@en ;"
        " qc:iso3166Alpha2 \"JP\" .\n"
        "<https://w3id.org/qcollab/resource/drug-discovery> a qc:ApplicationDomain ;"
        " skos:prefLabel \"drug discovery\"@en .\n",
        ox.RdfFormat.TURTLE, graph=DOC,
    )
    return store


def value(graph: Graph, subject: URIRef, predicate: URIRef) -> int:
    found = graph.value(subject, predicate)
    assert isinstance(found, Literal), (subject, predicate)
    return int(found)


def test_dataset_statistics() -> None:
    store = small_store()
    settings = Settings(public_base_url="http://example.org:1234/")
    void = describe_dataset(DatasetStatistics.from_store(store, settings.base_iri), settings)
    assert (DATASET, RDF.type, VOID.Dataset) in void
    assert value(void, DATASET, VOID.triples) == 5
    assert value(void, DATASET, VOID.entities) == 2
    assert value(void, DATASET, VOID.distinctSubjects) == 2
    assert value(void, DATASET, VOID.properties) == 3
    assert value(void, DATASET, VOID.classes) == 2
    assert (DATASET, VOID.sparqlEndpoint, URIRef("http://example.org:1234/sparql")) in void
    assert (DATASET, VOID.uriSpace, Literal("https://w3id.org/qcollab/resource/")) in void
    assert (DATASET, VOID.vocabulary, URIRef(str(SKOS))) in void
    assert (DATASET, VOID.exampleResource, URIRef("https://w3id.org/qcollab/resource/japan")) in void
    assert void.value(DATASET, DCTERMS.title) is not None
    assert void.value(DATASET, DCTERMS.license) is not None
    assert (DATASET, VOID.subset, URIRef(DOC)) in void
    assert value(void, URIRef(DOC), VOID.triples) == 5


def test_linksets_after_linking() -> None:
    store = small_store()
    link_store(store, Settings())
    void = describe_dataset(DatasetStatistics.from_store(store, Settings().base_iri), Settings())
    same_as = linkset_iri("wikidata", OWL.sameAs)
    exact = linkset_iri("wikidata", SKOS.exactMatch)
    for linkset, predicate in ((same_as, OWL.sameAs), (exact, SKOS.exactMatch)):
        assert (linkset, RDF.type, VOID.Linkset) in void
        assert (linkset, VOID.linkPredicate, predicate) in void
        assert value(void, linkset, VOID.triples) == 1
        assert (linkset, VOID.subjectsTarget, DATASET) in void
        assert (linkset, VOID.objectsTarget, target_dataset("wikidata")) in void
        assert (linkset, VOID.target, DATASET) in void
        assert (DATASET, VOID.subset, linkset) in void
    assert (target_dataset("wikidata"), VOID.uriSpace, Literal("http://www.wikidata.org/entity/")) in void
    assert (URIRef(GRAPH + "linkset/dbpedia"), VOID.subset, linkset_iri("dbpedia", OWL.sameAs)) in void
    assert void.value(same_as, DCTERMS.modified) is not None


# ---------------------------------------------------------------- served and exported


def test_served_void_parses_and_counts(linked_server: LiveServer) -> None:
    answer = httpx.get(f"{linked_server.base_url}/.well-known/void", timeout=30)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/turtle")
    void = Graph().parse(data=answer.text, format="turtle")
    assert value(void, DATASET, VOID.triples) > 1000
    assert (DATASET, VOID.sparqlEndpoint, URIRef(f"{linked_server.base_url}/sparql")) in void
    linksets = set(void.subjects(RDF.type, VOID.Linkset))
    assert linkset_iri("wikidata", OWL.sameAs) in linksets
    assert linkset_iri("dbpedia", OWL.sameAs) in linksets
    # the counts agree with the graph
    query = (
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/qcollab/graph/linkset/wikidata> "
        "{ ?s owl:sameAs ?o } }"
    )
    counted = httpx.get(
        f"{linked_server.base_url}/sparql", params={"query": query},
        headers={"Accept": "application/sparql-results+json"}, timeout=30,
    ).json()["results"]["bindings"][0]["n"]["value"]
    assert value(void, linkset_iri("wikidata", OWL.sameAs), VOID.triples) == int(counted) >= 7


def test_served_void_by_negotiation(linked_server: LiveServer) -> None:
    url = f"{linked_server.base_url}/.well-known/void"
    jsonld = httpx.get(url, headers={"Accept": "application/ld+json"}, timeout=30)
    assert jsonld.status_code == 200 and jsonld.headers["content-type"].startswith("application/ld+json")
    assert len(Graph().parse(data=jsonld.text, format="json-ld")) > 20
    nt = httpx.get(url, params={"format": "nt"}, timeout=30)
    assert nt.headers["content-type"].startswith("application/n-triples")
    assert len(Graph().parse(data=nt.text, format="nt")) > 20
    assert httpx.get(url, headers={"Accept": "text/csv"}, timeout=30).status_code == 406
    assert httpx.get(url, params={"format": "nonsense"}, timeout=30).status_code == 400


def test_export_void_command(linked: tuple[Path, dict[str, object]]) -> None:
    done = run_qcollab(linked[0], "export", "--void", "--format", "ttl")
    assert done.returncode == 0, done.stderr
    void = Graph().parse(data=done.stdout, format="turtle")
    assert value(void, DATASET, VOID.triples) > 1000
    assert linkset_iri("dbpedia", OWL.sameAs) in set(void.subjects(RDF.type, VOID.Linkset))
