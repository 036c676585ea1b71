"""`qcollab link`: matching against Wikidata and DBpedia, offline (snapshot) and online (SPARQL)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from linking_support import oxigraph_server, recording_proxy, run_qcollab
from live_server import LiveServer

from kg.linking.run import entities_to_link, link_store, local_entities
from kg.names.index import EntityIndex
from kg.names.lookup import LookupIndex
from kg.names.normalize import name_keys, normalize, similarity, spelling_variants
from kg.reconcile.matching import ReconcileIndex
from kg.settings import Settings
from kg.store.oxigraph import OxigraphStore

WD = "http://www.wikidata.org/entity/"
DBR = "http://dbpedia.org/resource/"
QCR = "https://w3id.org/qcollab/resource/"
LINKSET = "https://w3id.org/qcollab/graph/linkset/"

# The seven actors of the seed document and the items they are (checked by hand).
EXPECTED = {
    "united-states": ("Q30", "United_States"),
    "european-union": ("Q458", "European_Union"),
    "united-kingdom": ("Q145", "United_Kingdom"),
    "canada": ("Q16", "Canada"),
    "australia": ("Q408", "Australia"),
    "japan": ("Q17", "Japan"),
    "china": ("Q148", "China"),
}
# Items that share a name with one of ours but are something else.
DISTRACTORS = {
    WD + q for q in ("Q828", "Q29520", "Q865", "Q174193", "Q188712", "Q23666", "Q1428", "Q230")
} | {
    DBR + r for r in (
        "Americas", "Taiwan", "United_Kingdom_of_Great_Britain_and_Ireland", "Empire_of_Japan",
        "Great_Britain", "Georgia_(U.S._state)", "Georgia_(country)",
    )
}

MINI = """
@prefix qc: <https://w3id.org/qcollab/ontology#> .
@prefix qcr: <https://w3id.org/qcollab/resource/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

qcr:georgia a qc:Country ; skos:prefLabel "Georgia"@en ; qc:iso3166Alpha2 "GE" .
qcr:china a qc:Country ; rdfs:label "China"@en .
qcr:united-kingdom a qc:Country ; skos:prefLabel "United Kingdom"@en ;
    skos:altLabel "Great Britain"@en, "UK"@en ; qc:iso3166Alpha2 "GB" .
qcr:united-states a qc:Country ; skos:prefLabel "United States"@en ;
    skos:altLabel "America"@en, "USA"@en ; qc:iso3166Alpha2 "US" .
qcr:japan a qc:Country ; skos:prefLabel "Japan"@en ; qc:iso3166Alpha2 "JP" .
qcr:taiwan a qc:Country ; skos:prefLabel "Taiwan"@en ; qc:iso3166Alpha2 "TW" .
qcr:the-americas a qc:Region ; skos:prefLabel "America"@en .
qcr:european-union a qc:SupranationalUnion ; skos:prefLabel "European Union"@en ; skos:altLabel "EU"@en .
qcr:quantum-networking a qc:TechnologyArea ; skos:prefLabel "quantum networking"@en ;
    skos:altLabel "quantum network"@en .
qcr:drug-discovery a qc:ApplicationDomain ; skos:prefLabel "drug discovery"@en .
qcr:quantum-flagship a qc:Program ; skos:prefLabel "Quantum Flagship"@en .
"""


def mini_store() -> OxigraphStore:
    store = OxigraphStore()
    store.load(MINI, ox.RdfFormat.TURTLE, graph="https://w3id.org/qcollab/graph/document/mini")
    return store


def links_of(report: object, target: str) -> dict[str, str]:
    return {
        link.entity.iri.removeprefix(QCR): link.target
        for link in report.targets[target].links  # type: ignore[attr-defined]
    }


# ---------------------------------------------------------------- names


def test_normalisation_folds_case_accents_and_punctuation() -> None:
    assert normalize("U.S.") == "us"
    assert normalize("Royaume-Uni") == "royaume uni"
    assert normalize("People's Republic of China") == "peoples republic of china"
    assert normalize("The Netherlands") == "netherlands"
    assert normalize("Japón") == "japon"
    assert name_keys("Georgia (country)") == {"georgia country", "georgia"}
    assert {"european union", "eu"} <= name_keys("European Union (EU)", inner=True)
    assert "Drug discovery" in spelling_variants("drug discovery")
    assert similarity("quantum networking", "quantum network") > 0.9
    assert similarity("south africa", "south korea") < 0.8


# ---------------------------------------------------------------- offline matching


def test_offline_links_follow_types_not_names() -> None:
    report = link_store(mini_store(), Settings(), write=False)
    wikidata, dbpedia = links_of(report, "wikidata"), links_of(report, "dbpedia")
    assert wikidata["georgia"] == WD + "Q230"  # the country, not the U.S. state Q1428
    assert wikidata["china"] == WD + "Q148"  # not the region Q29520, not Taiwan Q865
    assert wikidata["united-kingdom"] == WD + "Q145"  # not Q174193 (1801-1922) nor the island Q23666
    assert wikidata["united-states"] == WD + "Q30"  # "America" is also the continents, Q828
    assert wikidata["japan"] == WD + "Q17"  # not the Empire of Japan, Q188712
    assert wikidata["taiwan"] == WD + "Q865"
    assert wikidata["the-americas"] == WD + "Q828"  # a region named America is the continents
    assert wikidata["european-union"] == WD + "Q458"
    assert wikidata["drug-discovery"] == WD + "Q1418791"
    assert "quantum-flagship" not in wikidata  # not in the snapshot: no link rather than a wrong one
    assert dbpedia["georgia"] == DBR + "Georgia_(country)"
    assert dbpedia["china"] == DBR + "China"
    assert dbpedia["united-states"] == DBR + "United_States"


def test_predicates_by_kind() -> None:
    report = link_store(mini_store(), Settings(), write=False)
    links = report.targets["wikidata"].links
    predicates = {link.entity.iri.removeprefix(QCR): link.predicate for link in links}
    assert predicates["japan"] == "http://www.w3.org/2002/07/owl#sameAs"
    assert predicates["drug-discovery"] == "http://www.w3.org/2004/02/skos/core#exactMatch"


def test_rejected_distractors_are_reported_with_reasons() -> None:
    report = link_store(mini_store(), Settings(), write=False)
    by_entity = {link.entity.iri.removeprefix(QCR): link for link in report.targets["wikidata"].links}
    us_rejected = {s.candidate.iri: s.rejected for s in by_entity["united-states"].rejected}
    assert "Country" in us_rejected[WD + "Q828"]
    japan_rejected = {s.candidate.iri: s.rejected for s in by_entity["japan"].rejected}
    assert "Q3024240" in japan_rejected[WD + "Q188712"]  # a historical country
    uk_rejected = {s.candidate.iri for s in by_entity["united-kingdom"].rejected}
    assert {WD + "Q174193", WD + "Q23666"} <= uk_rejected
    evidence = " ".join(by_entity["japan"].scored.evidence)
    assert "JP agrees" in evidence and "wd:Q6256" in evidence


def test_candidates_below_the_threshold_are_not_linked_but_reported() -> None:
    store = mini_store()
    report = link_store(store, Settings(link_threshold=0.95), write=True)
    wikidata = report.targets["wikidata"]
    assert "china" not in links_of(report, "wikidata")  # found through an alias only: 0.93 < 0.95
    review = {entity.iri.removeprefix(QCR): (scored, reason) for entity, scored, reason in wikidata.review}
    candidates, reason = review["china"]
    assert candidates[0].candidate.iri == WD + "Q148"
    assert 0.9 < candidates[0].score < 0.95 and "below the threshold" in reason
    assert links_of(report, "wikidata")["japan"] == WD + "Q17"  # label + ISO code: 1.0
    rows = store.query(
        f"ASK {{ GRAPH <{LINKSET}wikidata> {{ <{QCR}china> ?p ?o }} }}"
    )
    assert not bool(rows)
    dbpedia_review = {e.iri.removeprefix(QCR): s for e, s, _ in report.targets["dbpedia"].review}
    assert dbpedia_review["quantum-networking"][0].candidate.iri == DBR + "Quantum_network"


def test_linkset_graph_records_method_score_date_and_run() -> None:
    store = mini_store()
    link_store(store, Settings())
    rows = list(store.query(
        "PREFIX sssom: <https://w3id.org/sssom/> "
        f"SELECT ?p ?score ?date ?why ?start ?how WHERE {{ GRAPH <{LINKSET}wikidata> {{ "
        f"?st a owl:Axiom ; owl:annotatedSource <{QCR}japan> ; owl:annotatedProperty ?p ; "
        f"owl:annotatedTarget <{WD}Q17> ; "
        "sssom:confidence ?score ; dcterms:date ?date ; sssom:mapping_justification ?why ; "
        "rdfs:comment ?how ; prov:wasGeneratedBy ?run . ?run a prov:Activity ; prov:startedAtTime ?start } }"
    ))
    assert len(rows) == 1
    row = rows[0]
    assert row["p"].value == "http://www.w3.org/2002/07/owl#sameAs"
    assert float(row["score"].value) == 1.0
    assert row["date"].datatype.value.endswith("#date")
    assert row["why"].value.startswith("https://w3id.org/semapv/vocab/")
    assert "ISO 3166-1" in row["how"].value
    assert bool(store.query(f"ASK {{ GRAPH <{LINKSET}wikidata> {{ <{QCR}japan> owl:sameAs <{WD}Q17> }} }}"))


def test_relinking_replaces_the_linksets() -> None:
    store = mini_store()
    link_store(store, Settings())
    first = store.triple_count(f"{LINKSET}wikidata")
    link_store(store, Settings())
    assert store.triple_count(f"{LINKSET}wikidata") == first


def test_local_entities_read_labels_aliases_and_codes() -> None:
    entities = {e.iri.removeprefix(QCR): e for e in local_entities(mini_store())}
    assert entities["united-states"].kind == "country"
    assert entities["united-states"].codes == {"US"}
    assert "USA" in entities["united-states"].aliases
    assert entities["quantum-networking"].kind == "concept"
    assert entities["quantum-flagship"].kind == "program"


def test_linking_lookup_and_reconciliation_read_one_entity_index() -> None:
    store = mini_store()
    store.update('INSERT DATA { GRAPH <urn:x-test:more> { qcr:japan rdfs:label "Nippon"@ja, "Japan"@en } }')
    index = EntityIndex.from_store(store)
    linkable = {e.iri.removeprefix(QCR): e for e in entities_to_link(index)}
    assert linkable["japan"].labels == ["Japan", "Nippon"]  # skos:prefLabel first, one "Japan"
    assert linkable["united-kingdom"].aliases == ["Great Britain", "UK"]
    assert [hit.iri for hit in LookupIndex(index).search("Nippon")] == [QCR + "japan"]
    answers = ReconcileIndex(index).reconcile({"query": "Great Britain", "type": "Country"})
    assert answers[0]["id"] == "united-kingdom"


# ---------------------------------------------------------------- online matching (a real SPARQL server)


def test_online_endpoints_give_the_same_links_and_get_our_user_agent(tmp_path: Path) -> None:
    offline = link_store(mini_store(), Settings(), write=False)
    with oxigraph_server(tmp_path) as endpoint, recording_proxy(endpoint) as proxy:
        settings = Settings(
            wikidata_endpoint=f"{proxy.url}/query",
            dbpedia_endpoint=f"{proxy.url}/query",
            user_agent="qcollab-test/1.0 (linking test)",
        )
        online = link_store(mini_store(), settings, write=False)
    assert links_of(online, "wikidata") == links_of(offline, "wikidata")
    assert links_of(online, "dbpedia") == links_of(offline, "dbpedia")
    assert proxy.requests, "the endpoint was not asked"
    assert {r.headers.get("user-agent") for r in proxy.requests} == {"qcollab-test/1.0 (linking test)"}
    assert online.targets["wikidata"].source.startswith("SPARQL endpoint")


def test_offline_flag_ignores_configured_endpoints() -> None:
    settings = Settings(wikidata_endpoint="http://127.0.0.1:9/unreachable")
    report = link_store(mini_store(), settings, targets=["wikidata"], offline=True, write=False)
    assert links_of(report, "wikidata")["japan"] == WD + "Q17"


def test_unreachable_endpoint_is_a_clear_error() -> None:
    from kg.linking.sources import LinkingSourceError

    settings = Settings(wikidata_endpoint="http://127.0.0.1:1/query")
    with pytest.raises(LinkingSourceError, match="cannot reach"):
        link_store(mini_store(), settings, targets=["wikidata"], write=False)


# ---------------------------------------------------------------- the built graph, the command, the service


def sparql(server: LiveServer, query: str) -> list[dict[str, str]]:
    answer = httpx.get(
        f"{server.base_url}/sparql", params={"query": query},
        headers={"Accept": "application/sparql-results+json"}, timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return [{k: v["value"] for k, v in b.items()} for b in answer.json()["results"]["bindings"]]


def test_command_report_has_each_country_link(linked: tuple[Path, dict[str, object]]) -> None:
    report = linked[1]
    assert report["written"] is True
    for target, index, prefix in (("wikidata", 0, WD), ("dbpedia", 1, DBR)):
        links = {
            link["entity"].removeprefix(QCR): link["target"]
            for link in report["targets"][target]["links"]  # type: ignore[index]
        }
        for slug, expected in EXPECTED.items():
            assert links.get(slug) == prefix + expected[index], (target, slug)


def test_command_report_lists_candidates_below_the_threshold(linked: tuple[Path, dict[str, object]]) -> None:
    report = linked[1]
    threshold = report["threshold"]
    review = {r["entity"].removeprefix(QCR): r for r in report["targets"]["dbpedia"]["review"]}  # type: ignore[index]
    assert review, "expected candidates for a person to confirm"
    networking = review["quantum-networking"]["candidates"][0]
    assert networking["iri"] == DBR + "Quantum_network"
    assert networking["score"] < threshold
    unmatched = {u["entity"].removeprefix(QCR) for u in report["targets"]["wikidata"]["unmatched"]}  # type: ignore[index]
    assert "quantum-flagship" in unmatched


def test_each_country_is_linked_in_the_served_graph(linked_server: LiveServer) -> None:
    rows = sparql(
        linked_server,
        f"SELECT ?s ?o ?g WHERE {{ GRAPH ?g {{ ?s owl:sameAs ?o }} "
        f"FILTER(STRSTARTS(STR(?g), \"{LINKSET}\")) }}",
    )
    found = {(r["s"].removeprefix(QCR), r["g"].removeprefix(LINKSET)): r["o"] for r in rows}
    for slug, (qid, resource) in EXPECTED.items():
        assert found[(slug, "wikidata")] == WD + qid
        assert found[(slug, "dbpedia")] == DBR + resource


def test_no_link_to_a_distractor(linked_server: LiveServer) -> None:
    rows = sparql(
        linked_server,
        f"SELECT DISTINCT ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), \"{LINKSET}\")) "
        "FILTER(?p IN (owl:sameAs, skos:exactMatch, skos:closeMatch)) }",
    )
    targets = {r["o"] for r in rows}
    assert not targets & DISTRACTORS
    # one link per entity and target
    per_entity = sparql(
        linked_server,
        "SELECT ?s ?g (COUNT(?o) AS ?n) WHERE { GRAPH ?g { "
        "?s owl:sameAs|skos:exactMatch|skos:closeMatch ?o } "
        f"FILTER(STRSTARTS(STR(?g), \"{LINKSET}\")) }} GROUP BY ?s ?g HAVING (COUNT(?o) > 1)",
    )
    assert per_entity == []


def test_served_links_carry_their_provenance(linked_server: LiveServer) -> None:
    rows = sparql(
        linked_server,
        "PREFIX sssom: <https://w3id.org/sssom/> SELECT ?score ?date ?start WHERE { GRAPH ?g { "
        f"?st owl:annotatedSource <{QCR}china> ; owl:annotatedTarget <{WD}Q148> ; sssom:confidence ?score ; "
        "dcterms:date ?date ; "
        "prov:wasGeneratedBy ?run . ?run prov:startedAtTime ?start } }",
    )
    assert len(rows) == 1 and float(rows[0]["score"]) >= 0.85


def test_table_report_and_dry_run(linked: tuple[Path, dict[str, object]]) -> None:
    data_dir = linked[0]
    before = OxigraphStore(data_dir / "store", read_only=True).triple_count()
    done = run_qcollab(data_dir, "link", "--dry-run", "--target", "wikidata")
    assert done.returncode == 0, done.stderr
    assert "Wikidata: links" in done.stdout and "not written (dry run)" in done.stdout
    assert "wd:Q17" in done.stdout and "unmatched" in done.stdout
    assert OxigraphStore(data_dir / "store", read_only=True).triple_count() == before


def test_link_without_a_graph_is_a_clear_error(tmp_path: Path) -> None:
    done = run_qcollab(tmp_path / "nothing", "link")
    assert done.returncode == 1
    assert "qcollab build" in done.stderr


def test_linked_graph_still_conforms_to_the_shapes(linked: tuple[Path, dict[str, object]]) -> None:
    """Writes are validated over every data graph, linksets included: links must not break them."""
    from kg.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH
    from kg.quality.shacl import Validator

    settings = Settings()
    store = OxigraphStore(linked[0] / "store", read_only=True)
    data = store.union_graph(exclude=[str(ONTOLOGY_GRAPH), str(INFERRED_GRAPH)])
    outcome = Validator(settings.shapes_path, settings.ontology_path).validate(data)
    assert outcome.conforms, outcome.report_text


def test_two_entities_cannot_both_be_the_same_item() -> None:
    store = OxigraphStore()
    store.load(
        "@prefix qc: <https://w3id.org/qcollab/ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<https://w3id.org/qcollab/resource/japan> a qc:Country ; skos:prefLabel \"Japan\"@en .\n"
        "<https://w3id.org/qcollab/resource/nippon> a qc:Country ; skos:prefLabel \"Nippon\"@en .\n"
        "<https://w3id.org/qcollab/resource/nihon> a qc:Country ; skos:prefLabel \"Nihon\"@en .\n",
        ox.RdfFormat.TURTLE, graph="https://w3id.org/qcollab/graph/document/t",
    )
    report = link_store(store, Settings(), targets=["wikidata"], write=False)
    assert links_of(report, "wikidata") == {"japan": WD + "Q17"}  # label beats aliases
    review = {e.iri.removeprefix(QCR): reason for e, _, reason in report.targets["wikidata"].review}
    assert "also the best match of" in review["nippon"]
