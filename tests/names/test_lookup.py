"""GET /lookup over the real service, and the index's matching rules on their own."""

from __future__ import annotations

import httpx
import pyoxigraph as ox
import pytest
from live_server import LiveServer

from kg.names.lookup import LookupIndex, Name, max_typos
from kg.names.normalize import edit_distance, fold
from kg.store.oxigraph import OxigraphStore

QCR = "https://w3id.org/qcollab/resource/"
QC = "https://w3id.org/qcollab/ontology#"


def lookup(server: LiveServer, **params: str | int) -> list[dict]:
    response = httpx.get(f"{server.base_url}/lookup", params=params, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def iris(hits: list[dict]) -> list[str]:
    return [hit["iri"] for hit in hits]


def test_folding_and_typo_budget() -> None:
    assert fold("Québec") == "quebec"
    assert max_typos("usa") == 0 and max_typos("japan") == 1 and max_typos("australia") == 2
    assert edit_distance("austrlia", "australia", 2) == 1
    assert edit_distance("ausrtalia", "australia", 2) == 1  # a transposition is one edit
    assert edit_distance("japan", "canada", 1) == 2


def test_names_rank_exact_above_prefix_above_fuzzy() -> None:
    query = Name.of("Australia", True)
    exact = Name.of("Australia", True).score(query)
    prefix = Name.of("Australia and New Zealand", True).score(query)
    typo = Name.of("Australia", True).score(Name.of("Austrlia", True))
    assert exact == 1.0 and exact > prefix > typo > 0
    assert Name.of("Canada", True).score(Name.of("Austrlia", True)) == 0


TINY = b"""
@prefix qc: <https://w3id.org/qcollab/ontology#> .
@prefix qcr: <https://w3id.org/qcollab/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
qc:Country rdfs:subClassOf qc:Actor .
qcr:quebec a qc:Actor ; rdfs:label "Qu\xc3\xa9bec"@en ; dcterms:description "A province."@en .
qcr:peru a qc:Country ; skos:prefLabel "Peru"@en ; skos:altLabel "Republic of Peru"@en .
<https://w3id.org/qcollab/resource/sentence/x/0-4> a qc:SourceSentence ; rdfs:label "Peru"@en .
<https://example.org/elsewhere> rdfs:label "Peru"@en .
"""


def test_index_from_a_store() -> None:
    store = OxigraphStore()
    store.load(TINY, ox.RdfFormat.TURTLE, graph="https://w3id.org/qcollab/graph/test")
    index = LookupIndex.from_store(store)
    [quebec] = index.search("QUEBEC")
    assert (quebec.iri, quebec.label, quebec.description) == (QCR + "quebec", "Québec", "A province.")
    assert [h.iri for h in index.search("peru")] == [QCR + "peru"]  # no sentence, nothing outside the base
    assert [h.iri for h in index.search("republic of peru")] == [QCR + "peru"]
    assert index.search("peru", index.resolve_type("qc:Actor"))[0].types == [QC + "Country"]
    assert index.search("quebec", index.resolve_type("qc:Country")) == []


def test_quantum_flag_finds_the_quantum_flagship(server: LiveServer) -> None:
    hits = lookup(server, q="quantum flag")
    assert hits[0]["iri"] == QCR + "quantum-flagship"
    assert hits[0]["label"] == "Quantum Flagship"
    assert QC + "Program" in hits[0]["types"] or any("Program" in t for t in hits[0]["types"])
    assert set(hits[0]) == {"iri", "label", "types", "description", "score"}


@pytest.mark.parametrize("alias", ["U.S.", "usa", "USA", "united states"])
def test_aliases_find_the_united_states(server: LiveServer, alias: str) -> None:
    assert lookup(server, q=alias)[0]["iri"] == QCR + "united-states"


def test_typo_finds_australia(server: LiveServer) -> None:
    hits = lookup(server, q="Austrlia")
    assert hits[0]["iri"] == QCR + "australia"
    assert hits[0]["score"] < 1


def test_case_and_accents_fold(server: LiveServer) -> None:
    assert lookup(server, q="JAPAN")[0]["iri"] == QCR + "japan"
    assert lookup(server, q="Jápan")[0]["iri"] == QCR + "japan"


def test_exact_label_ranks_first_and_scores_descend(server: LiveServer) -> None:
    hits = lookup(server, q="quantum", limit=20)
    assert len(hits) > 1
    scores = [hit["score"] for hit in hits]
    assert scores == sorted(scores, reverse=True)
    exact = lookup(server, q="Japan")
    assert exact[0]["iri"] == QCR + "japan" and exact[0]["score"] == 1.0


def test_type_filter_accepts_curie_local_name_and_iri_with_subclasses(server: LiveServer) -> None:
    countries = lookup(server, q="united", type="qc:Country")
    assert QCR + "united-states" in iris(countries)
    assert QCR + "united-kingdom" in iris(countries)
    assert iris(countries) == iris(lookup(server, q="united", type=QC + "Country"))
    assert iris(countries) == iris(lookup(server, q="united", type="Country"))
    actors = lookup(server, q="united", type="qc:Actor", limit=50)  # countries are actors
    assert QCR + "united-states" in iris(actors)
    programs = lookup(server, q="quantum flag", type="qc:Country")
    assert QCR + "quantum-flagship" not in iris(programs)


def test_limit(server: LiveServer) -> None:
    assert len(lookup(server, q="quantum", limit=2)) == 2
    assert len(lookup(server, q="quantum", limit=1)) == 1


@pytest.mark.parametrize("params", [{"q": ""}, {"q": "   "}, {}, {"q": "japan", "limit": "0"},
                                    {"q": "japan", "limit": "many"}, {"q": "japan", "limit": "1000"},
                                    {"q": "japan", "type": "nope:Thing"}])
def test_bad_requests_are_400(server: LiveServer, params: dict[str, str]) -> None:
    response = httpx.get(f"{server.base_url}/lookup", params=params, timeout=30)
    assert response.status_code == 400, response.text
