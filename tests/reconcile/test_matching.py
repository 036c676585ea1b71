"""The W3C Reconciliation Service API 0.2 at /reconcile (the protocol OpenRefine speaks)."""

from __future__ import annotations

import json
import re

import httpx
import pyoxigraph as ox
import pytest
from live_server import LiveServer
from paths import ROOT

from kg.errors import ReconcileQueryError
from kg.linking.run import link_store
from kg.reconcile.matching import ReconcileIndex
from kg.settings import Settings
from kg.store.oxigraph import OxigraphStore

QC = "https://w3id.org/qcollab/ontology#"
MESSY = {
    "q0": ("USA", "united-states"),
    "q1": ("Royaume-Uni", "united-kingdom"),
    "q2": ("European Union (EU)", "european-union"),
    "q3": ("Nippon", "japan"),
    "q4": ("Kanada", "canada"),
    "q5": ("  the United Kingdom ", "united-kingdom"),
    "q6": ("Volksrepublik China", "china"),
}


@pytest.fixture(scope="module")
def index() -> ReconcileIndex:
    """The gazetteer's entities with the ontology, linked offline, indexed."""
    store = OxigraphStore()
    store.load((ROOT / "kg/data/gazetteer.ttl").read_bytes(), ox.RdfFormat.TURTLE,
               graph="https://w3id.org/qcollab/graph/document/gazetteer")
    store.load(Settings().ontology_path.read_bytes(), ox.RdfFormat.TURTLE,
               graph="https://w3id.org/qcollab/graph/ontology")
    link_store(store, Settings())
    return ReconcileIndex.build(store, Settings())


def top(index: ReconcileIndex, query: dict[str, object]) -> dict[str, object]:
    results = index.reconcile(query)
    assert results, query
    return results[0]


@pytest.mark.parametrize(("text", "expected"), list(MESSY.values()))
def test_messy_names_match(index: ReconcileIndex, text: str, expected: str) -> None:
    best = top(index, {"query": text})
    assert best["id"] == expected
    assert best["match"] is True


def test_uncertain_names_are_not_matches(index: ReconcileIndex) -> None:
    fuzzy = top(index, {"query": "Germny"})
    assert fuzzy["id"] == "germany" and fuzzy["match"] is False
    assert index.reconcile({"query": "Atlantis"}) == []


def test_type_filter(index: ReconcileIndex) -> None:
    assert top(index, {"query": "Japan", "type": "Country"})["id"] == "japan"
    assert top(index, {"query": "Japan", "type": QC + "Actor"})["id"] == "japan"
    assert top(index, {"query": "Japan", "type": ["qc:Program", "qc:Country"]})["id"] == "japan"
    assert index.reconcile({"query": "Japan", "type": "Program"}) == []
    assert top(index, {"query": "Japan", "type": "Program", "type_strict": "should"})["id"] == "japan"


def test_properties_refine(index: ReconcileIndex) -> None:
    agreeing = top(index, {"query": "China", "properties": [{"pid": "iso3166Alpha2", "v": "CN"}]})
    assert agreeing["id"] == "china" and agreeing["match"] is True and agreeing["score"] == 100
    disagreeing = top(index, {"query": "China", "properties": [{"pid": "qc:iso3166Alpha2", "v": "TW"}]})
    assert disagreeing["match"] is False
    by_code_only = top(index, {"properties": [{"pid": QC + "iso3166Alpha2", "v": ["JP"]}]})
    assert by_code_only["id"] == "japan"


def test_result_shape(index: ReconcileIndex) -> None:
    best = top(index, {"query": "Canada", "limit": 1})
    assert set(best) >= {"id", "name", "type", "score", "match"}
    assert best["name"] == "Canada"
    assert best["type"] == [{"id": "Country", "name": "country"}]
    assert len(index.reconcile({"query": "quantum", "limit": 2})) <= 2


def test_bad_queries(index: ReconcileIndex) -> None:
    with pytest.raises(ReconcileQueryError):
        index.reconcile({"limit": 3})
    with pytest.raises(ReconcileQueryError):
        index.reconcile({"query": "x", "type": 3})
    with pytest.raises(ReconcileQueryError):
        index.reconcile_batch(["not", "an", "object"])  # type: ignore[arg-type]


# ---------------------------------------------------------------- the service


def test_manifest_per_spec(server: LiveServer) -> None:
    answer = httpx.get(f"{server.base_url}/reconcile", timeout=30)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    manifest = answer.json()
    assert "0.2" in manifest["versions"]
    assert isinstance(manifest["name"], str) and manifest["name"]
    assert manifest["identifierSpace"] == "https://w3id.org/qcollab/resource/"
    assert manifest["schemaSpace"] == QC
    assert manifest["view"]["url"] == f"{server.base_url}/resource/{{{{id}}}}"
    preview = manifest["preview"]
    assert "{{id}}" in preview["url"]
    assert isinstance(preview["width"], int) and isinstance(preview["height"], int)
    types = {t["id"]: t["name"] for t in manifest["defaultTypes"]}
    assert {"Actor", "Country", "Organization", "Program"} <= set(types)
    assert types["Country"] == "country"
    unique = {json.dumps(t, sort_keys=True) for t in manifest["defaultTypes"]}
    assert len(manifest["defaultTypes"]) == len(unique)
    entity = manifest["suggest"]["entity"]
    assert entity["service_url"] == server.base_url and entity["service_path"].startswith("/")


def test_manifest_jsonp(server: LiveServer) -> None:
    answer = httpx.get(f"{server.base_url}/reconcile", params={"callback": "jQuery123_cb"}, timeout=30)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/javascript")
    match = re.fullmatch(r"/\*\*/jQuery123_cb\((.*)\);", answer.text, re.DOTALL)
    assert match and json.loads(match.group(1))["schemaSpace"] == QC
    bad = httpx.get(f"{server.base_url}/reconcile", params={"callback": "alert(1)//"}, timeout=30)
    assert bad.status_code == 400


def test_messy_list_over_http(linked_server: LiveServer) -> None:
    queries = {key: {"query": text, "limit": 3} for key, (text, _) in MESSY.items()}
    queries["q9"] = {"query": "USA", "type": "Country", "limit": 3,
                     "properties": [{"pid": "iso3166Alpha2", "v": "US"}]}
    url = f"{linked_server.base_url}/reconcile"
    answer = httpx.post(url, data={"queries": json.dumps(queries)}, timeout=30)
    assert answer.status_code == 200, answer.text
    results = answer.json()
    assert set(results) == set(queries)
    for key, (text, expected) in MESSY.items():
        best = results[key]["result"][0]
        assert best["id"] == expected, (text, results[key])
        assert best["match"] is True, (text, best)
        assert len(results[key]["result"]) <= 3
    assert results["q9"]["result"][0]["id"] == "united-states"
    assert results["q9"]["result"][0]["type"][0]["id"] == "Country"


def test_queries_by_get_and_json(linked_server: LiveServer) -> None:
    queries = json.dumps({"q0": {"query": "Kanada"}})
    url = f"{linked_server.base_url}/reconcile"
    by_get = httpx.get(url, params={"queries": queries}, timeout=30)
    assert by_get.json()["q0"]["result"][0]["id"] == "canada"
    by_json = httpx.post(url, json={"queries": json.loads(queries)}, timeout=30)
    assert by_json.json()["q0"]["result"][0]["id"] == "canada"


def test_protocol_errors(server: LiveServer) -> None:
    url = f"{server.base_url}/reconcile"
    assert httpx.post(url, data={"queries": "{not json"}, timeout=30).status_code == 400
    assert httpx.post(url, data={"other": "1"}, timeout=30).status_code == 400
    assert httpx.post(url, data={"queries": json.dumps({"q0": {"limit": 2}})}, timeout=30).status_code == 400
    plain = httpx.post(url, content=b"x", headers={"Content-Type": "text/plain"}, timeout=30)
    assert plain.status_code == 415


def test_preview(linked_server: LiveServer) -> None:
    answer = httpx.get(f"{linked_server.base_url}/reconcile/preview", params={"id": "japan"}, timeout=30)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert "Japan" in answer.text and "http://www.wikidata.org/entity/Q17" in answer.text
    assert f"{linked_server.base_url}/resource/japan" in answer.text
    missing = httpx.get(f"{linked_server.base_url}/reconcile/preview", params={"id": "atlantis"}, timeout=30)
    assert missing.status_code == 404


def test_suggest(linked_server: LiveServer) -> None:
    entities = httpx.get(
        f"{linked_server.base_url}/reconcile/suggest/entity", params={"prefix": "Jap"}, timeout=30
    ).json()["result"]
    assert entities[0]["id"] == "japan" and entities[0]["name"] == "Japan"
    types = httpx.get(
        f"{linked_server.base_url}/reconcile/suggest/type", params={"prefix": "coun"}, timeout=30
    ).json()["result"]
    assert {"id": "Country", "name": "country"} in types
