"""The dataset statistics follow each write: the numbers kept up to date equal a fresh count."""

from __future__ import annotations

import gc
from pathlib import Path

import httpx
import pyoxigraph as ox
from live_server import running_server
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.describe.statistics import DatasetStatistics
from kg.describe.void import describe_dataset
from kg.namespaces import ONTOLOGY_GRAPH
from kg.settings import Settings
from kg.store.oxigraph import OxigraphStore

QCR = "https://w3id.org/qcollab/resource/"
BASE = QCR
GRAPH = "https://w3id.org/qcollab/graph/"
DOC, LINKS = GRAPH + "document/", GRAPH + "linkset/"
PREFIXES = """
@prefix qc: <https://w3id.org/qcollab/ontology#> .
@prefix qcr: <https://w3id.org/qcollab/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
START = (
    PREFIXES
    + """
qcr:japan a qc:Country ; skos:prefLabel "Japan"@en ; qc:collaboratesWith qcr:canada .
qcr:canada a qc:Country ; skos:prefLabel "Canada"@en .
qcr:drug-discovery a qc:ApplicationDomain ; skos:prefLabel "drug discovery"@en .
"""
)
UPDATES = [
    # the same triple in a second graph, a new class, a blank node
    f'INSERT DATA {{ GRAPH <{DOC}b> {{ qcr:japan a qc:Country ; rdfs:label "Japan"@en . '
    'qcr:austria a qc:Country, qc:Actor . _:x rdfs:label "anonymous" } }',
    # a new example (earlier in IRI order), then its class removed from one graph of two
    f"INSERT DATA {{ GRAPH <{DOC}c> {{ qcr:australia a qc:Country }} }}",
    f"DELETE DATA {{ GRAPH <{DOC}a> {{ qcr:japan a qc:Country }} }}",
    # links, a run with its start, then a later run
    f"INSERT DATA {{ GRAPH <{LINKS}wikidata> {{ qcr:japan owl:sameAs <http://www.wikidata.org/entity/Q17> . "
    "qcr:canada owl:sameAs <http://www.wikidata.org/entity/Q16> ; owl:sameAs qcr:japan . "
    '<urn:run:1> a prov:Activity ; prov:startedAtTime "2025-01-01T00:00:00Z"^^xsd:dateTime } }',
    f"INSERT DATA {{ GRAPH <{LINKS}wikidata> {{ <urn:run:2> a prov:Activity ; "
    'prov:startedAtTime "2025-02-01T00:00:00Z"^^xsd:dateTime } }',
    f"DELETE WHERE {{ GRAPH <{LINKS}wikidata> {{ <urn:run:2> ?p ?o }} }}",
    # rename by DELETE/INSERT WHERE across graphs
    'DELETE { GRAPH ?g { ?s skos:prefLabel ?l } } INSERT { GRAPH ?g { ?s skos:prefLabel "Nippon"@en } } '
    "WHERE { GRAPH ?g { ?s skos:prefLabel ?l FILTER(?s = qcr:japan) } }",
    # the first example goes, an empty graph stays, a graph is dropped, a class disappears
    f"DELETE WHERE {{ GRAPH <{DOC}c> {{ qcr:australia ?p ?o }} }}",
    f"DROP GRAPH <{DOC}b>",
    f"CREATE GRAPH <{DOC}empty>",
    f"CLEAR GRAPH <{LINKS}wikidata>",
]


def store_with_data() -> OxigraphStore:
    store = OxigraphStore()
    store.load(START.encode(), ox.RdfFormat.TURTLE, graph=GRAPH + "document/a")
    store.load(b"<urn:x> <urn:p> <urn:y> .", ox.RdfFormat.N_TRIPLES)  # the default graph is not counted
    return store


def test_statistics_kept_up_to_date_equal_a_fresh_count() -> None:
    store = store_with_data()
    kept = DatasetStatistics.from_store(store, BASE)
    for update in UPDATES:
        candidate = store.copy()
        candidate.update(update)
        changes = store.changes_to(candidate)
        store.apply(changes)
        kept.apply(store, changes)
        assert kept == DatasetStatistics.from_store(store, BASE), update
    assert kept.class_entities == {
        "https://w3id.org/qcollab/ontology#Country": 1,  # Japan's went
        "https://w3id.org/qcollab/ontology#ApplicationDomain": 1,
    }
    assert kept.examples["Country"] == QCR + "canada"
    assert GRAPH + "document/empty" in kept.graphs and GRAPH + "document/b" not in kept.graphs


def test_links_and_their_latest_run() -> None:
    store = store_with_data()
    kept = DatasetStatistics.from_store(store, BASE)
    for update in UPDATES[:5]:
        candidate = store.copy()
        candidate.update(update)
        changes = store.changes_to(candidate)
        store.apply(changes)
        kept.apply(store, changes)
    linkset = GRAPH + "linkset/wikidata"
    assert kept.links[linkset] == {"http://www.w3.org/2002/07/owl#sameAs": 2}  # not the link to our own
    assert kept.modified[linkset] == "2025-02-01T00:00:00Z"


# ---------------------------------------------------------------- through the real service

RECORD = "https://w3id.org/qcollab/graph/record/statistics-test"
HAND_MADE = """
qcr:ruritania a qc:Country ; rdfs:label "Ruritania"@en ; skos:prefLabel "Ruritania"@en ;
    qc:iso3166Alpha2 "XR" ; dcterms:source <https://example.org/ruritania> ;
    dcterms:date "2025-06-30"^^xsd:date ; prov:wasAttributedTo <https://orcid.org/0000-0002-1825-0097> .
"""


def conforming_data(root: Path) -> Path:
    """A data folder whose store holds the ontology and one note: writes to it conform."""
    settings = Settings(data_dir=root / "data")
    store = OxigraphStore(settings.resolved_store_path)
    store.load(settings.ontology_path.read_bytes(), ox.RdfFormat.TURTLE, graph=str(ONTOLOGY_GRAPH))
    note = f'<{QCR}japan> <http://www.w3.org/2000/01/rdf-schema#comment> "A country"@en .'
    store.load(note.encode(), ox.RdfFormat.N_TRIPLES, graph=GRAPH + "document/note")
    store.flush()
    del store
    gc.collect()
    return root / "data"


def served_void(client: httpx.Client) -> Graph:
    answer = client.get("/.well-known/void", params={"format": "nt"})
    assert answer.status_code == 200, answer.text
    return Graph().parse(data=answer.text, format="nt")


def test_void_after_writes_through_the_service_equals_a_fresh_count(tmp_path: Path) -> None:
    prologue = "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> "
    freedonia = (
        PREFIXES
        + "@prefix dcterms: <http://purl.org/dc/terms/> ."
        + HAND_MADE.replace("ruritania", "freedonia").replace("XR", "XF")
    )
    updates = [
        f"{prologue} INSERT DATA {{ GRAPH <{RECORD}> {{ {HAND_MADE} }} }}",
        f'INSERT DATA {{ GRAPH <{RECORD}> {{ qcr:ruritania skos:altLabel "Ruritanian Republic"@en }} }}',
        f'DELETE DATA {{ GRAPH <{RECORD}> {{ qcr:ruritania skos:altLabel "Ruritanian Republic"@en }} }}',
        f"DELETE {{ GRAPH <{RECORD}> {{ ?s qc:iso3166Alpha2 ?c }} }} "
        f'INSERT {{ GRAPH <{RECORD}> {{ ?s qc:iso3166Alpha2 "XQ" }} }} '
        f"WHERE {{ GRAPH <{RECORD}> {{ ?s qc:iso3166Alpha2 ?c }} }}",
    ]
    with (
        running_server(conforming_data(tmp_path / "data"), tmp_path / "server") as live,
        httpx.Client(base_url=live.base_url, timeout=60) as client,
    ):
        at_start = served_void(client)
        for update in updates:
            answer = client.post(
                "/sparql",
                content=update,
                headers={**live.admin_headers, "Content-Type": "application/sparql-update"},
            )
            assert answer.status_code == 204, answer.text
        put = client.put(
            "/rdf-graphs",
            params={"graph": RECORD + "-2"},
            content=freedonia,
            headers={**live.admin_headers, "Content-Type": "text/turtle"},
        )
        assert put.status_code == 201, put.text
        deleted = client.delete("/rdf-graphs", params={"graph": RECORD}, headers=live.admin_headers)
        assert deleted.status_code == 204, deleted.text
        served = served_void(client)
        base_url = live.base_url
    assert not isomorphic(served, at_start)
    settings = Settings(data_dir=live.data_dir, public_base_url=base_url)
    with OxigraphStore(settings.resolved_store_path) as store:
        fresh = describe_dataset(DatasetStatistics.from_store(store, settings.base_iri), settings)
    assert isomorphic(served, fresh)
