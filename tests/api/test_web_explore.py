"""The page as a place to explore (issue 13): /graph/network and its evidence over HTTP, the document page,
statements with their sentences, and the network, editor, charts and document views in headless Chromium.

The browser run saves its screenshots in tests/browser/screenshots/ (ignored by git), or in the folder
QCOLLAB_SCREENSHOTS names.
"""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from live_server import LiveServer
from paths import BROWSER
from test_web import browser_script

from api.openapi_parts import KINDS
from kg.describe.network import KIND_NAMES, MAX_SEARCH_CHARS

R = "https://w3id.org/qcollab/resource/"
DOCUMENT = f"{R}document/international-quantum-computing-collaborations"
SCREENSHOTS = Path(os.environ.get("QCOLLAB_SCREENSHOTS", BROWSER / "screenshots"))


def get(server: LiveServer, path: str, **params: object) -> httpx.Response:
    return httpx.get(f"{server.base_url}{path}", params=params, timeout=30)


def network(server: LiveServer, **params: object) -> dict:
    response = get(server, "/graph/network", **params)
    assert response.status_code == 200, response.text
    return response.json()


def pairs(data: dict) -> set[tuple[str, str]]:
    return {(e["source"].removeprefix(R), e["target"].removeprefix(R)) for e in data["edges"]}


def test_the_network_holds_the_actors_and_their_collaborations(server: LiveServer) -> None:
    data = network(server)
    nodes = {n["id"].removeprefix(R): n for n in data["nodes"]}
    assert nodes["japan"]["kind"] == "country" and nodes["japan"]["href"] == "/resource/japan"
    assert nodes["european-union"]["kind"] == "union"
    flagship = nodes["quantum-flagship"]
    assert flagship["kind"] == "program" and flagship["label"] == "Quantum Flagship"
    expected = {("canada", "united-states"), ("australia", "japan"), ("european-union", "quantum-flagship")}
    assert expected <= pairs(data)
    edge = next(e for e in data["edges"] if e["id"] == f"{R}canada {R}united-states")
    assert edge["weight"] == 2 and edge["relations"] == ["collaboratesWith"]
    assert edge["documents"] == [DOCUMENT]
    assert f"{R}quantum-information-science" in edge["areas"]
    funded = next(e for e in data["edges"] if "funds" in e["relations"])
    assert funded["models"] == [f"{R}model/multilateral-consortia-and-programs"]
    assert data["truncated"] is False
    assert DOCUMENT in {f["id"] for f in data["facets"]["documents"]}  # other tests may add records
    assert f"{R}quantum-materials" in {f["id"] for f in data["facets"]["areas"]}


def test_network_filters_are_applied_by_the_query(server: LiveServer) -> None:
    by_area = network(server, area=f"{R}quantum-materials")
    assert pairs(by_area) == {("europe", "japan"), ("japan", "united-states")}
    assert {n["id"].removeprefix(R) for n in by_area["nodes"]} == {"europe", "japan", "united-states"}
    by_model = network(server, model=f"{R}model/multilateral-consortia-and-programs")
    assert pairs(by_model) == {("europe", "quantum-flagship"), ("european-union", "quantum-flagship")}
    countries = network(server, kind="country")
    assert {n["kind"] for n in countries["nodes"]} == {"country"}
    assert ("canada", "united-states") in pairs(countries)
    assert "quantum-flagship" not in {n["id"].removeprefix(R) for n in countries["nodes"]}
    from_seed = pairs(network(server, document=DOCUMENT))
    assert ("canada", "united-states") in from_seed and from_seed <= pairs(network(server))
    assert network(server, document=f"{R}document/no-such-document")["edges"] == []
    heaviest = network(server, limit=2)
    assert len(heaviest["edges"]) == 2 and heaviest["truncated"] is True
    assert all(e["weight"] == 2 for e in heaviest["edges"])


@pytest.mark.parametrize("params", [{"kind": "planet"}, {"kind": ""}, {"limit": "0"}, {"limit": "many"},
                                    {"area": "not an iri"}, {"model": "http://a:b/"}, {"model": ""},
                                    {"document": "urn:x"}, {"q": "x" * 201}, {"q": " \t"}])
def test_bad_network_parameters_are_a_400(server: LiveServer, params: dict) -> None:
    response = get(server, "/graph/network", **params)
    assert response.status_code == 400 and response.headers["content-type"] == "application/problem+json"


def test_q_keeps_the_nodes_whose_label_matches_and_their_edges(server: LiveServer) -> None:
    everything = network(server)
    found = network(server, q="JAPAN")  # case folded
    assert {n["id"].removeprefix(R) for n in found["nodes"] if n["match"]} == {"japan"}
    assert pairs(found) == {pair for pair in pairs(everything) if "japan" in pair} != set()
    ends = {end for pair in pairs(found) for end in pair}
    assert {n["id"].removeprefix(R) for n in found["nodes"]} == ends  # the matches and their neighbours
    assert all(not n["match"] for n in found["nodes"] if n["id"] != f"{R}japan")
    by_words = network(server, q="flagship quantum")  # each word, in any order
    assert [n["label"] for n in by_words["nodes"] if n["match"]] == ["Quantum Flagship"]
    assert ("european-union", "quantum-flagship") in pairs(by_words)
    assert network(server, q="united", kind="country")["nodes"]
    assert {n["kind"] for n in network(server, q="united", kind="country")["nodes"]} == {"country"}
    assert network(server, q="no such name anywhere") | {"facets": None} == {
        "nodes": [], "edges": [], "truncated": False, "facets": None}
    assert get(server, "/graph/network", q="x" * 200).status_code == 200  # the longest q allowed


def test_an_over_long_q_is_a_400_that_says_why(server: LiveServer) -> None:
    response = get(server, "/graph/network", q="quantum " * 30)
    assert response.status_code == 400 and response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "q is 240 characters long; at most 200 are allowed"


def test_the_sentences_behind_an_edge(server: LiveServer) -> None:
    response = get(server, "/graph/network/evidence", source=f"{R}united-states", target=f"{R}canada")
    assert response.status_code == 200, response.text
    sentences = response.json()["sentences"]
    texts = [s["text"] for s in sentences]
    assert texts[0].startswith("U.S. universities and companies often collaborate with European, Canadian")
    assert any(t.startswith("Canada: A pioneer in quantum information science") for t in texts)
    first = sentences[0]
    assert first["document"] == DOCUMENT and first["start"] == 5755 and first["end"] == 5858
    assert first["documentHref"] == "/document/international-quantum-computing-collaborations"
    assert get(server, "/graph/network/evidence", source=f"{R}canada").status_code == 400


def test_kinds_are_documented_as_the_code_knows_them(server: LiveServer) -> None:
    assert tuple(KINDS) == KIND_NAMES
    document = get(server, "/openapi.json").json()
    assert {"/graph/network", "/graph/network/evidence"} <= set(document["paths"])
    for path in ("/graph/network", "/graph/network/evidence"):
        described = document["paths"][path]["get"]
        assert {"400", "429", "503"} <= set(described["responses"])
        assert "QCOLLAB_QUERY_TIMEOUT_SECONDS" in described["description"]
    [q] = [p for p in document["paths"]["/graph/network"]["get"]["parameters"] if p["name"] == "q"]
    assert q["schema"]["maxLength"] == MAX_SEARCH_CHARS


def test_the_document_page_highlights_mentions_and_lists_statements(server: LiveServer) -> None:
    response = get(server, "/document/international-quantum-computing-collaborations")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "<h1>Unlocking the Quantum Future" in page and 'class="entities"' in page  # displaCy's markup
    assert '<a class="mention" href="/resource/japan"' in page
    assert '<a class="mention" href="/resource/quantum-flagship"' in page
    assert "The Power of International Collaborations in Quantum Computing" in page
    assert "as the graph was built from it" in page  # the text came from seeds/, checksum checked
    assert 'id="statements"' in page and "U.S. universities and companies often collaborate" in page
    assert get(server, "/document/no-such-document").status_code == 404
    resource = httpx.get(server.base_url + "/resource/" + DOCUMENT.removeprefix(R),
                         headers={"Accept": "text/html"}, timeout=30).text
    assert 'href="/document/international-quantum-computing-collaborations"' in resource


def test_each_statement_of_an_entity_page_quotes_its_sentence(server: LiveServer) -> None:
    page = httpx.get(f"{server.base_url}/resource/canada", headers={"Accept": "text/html"}, timeout=30).text
    row = page[page.index('href="/ontology#collaboratesWith"'):]
    row = row[:row.index("</tr>")]
    assert 'href="/resource/united-states"' in row and '<blockquote class="evidence">' in row
    assert "Canada: A pioneer in quantum information science" in row


@pytest.fixture(scope="module")
def explored(server: LiveServer) -> dict:
    """What the browser saw in tests/browser/explore.test.mjs."""
    return browser_script("explore.test.mjs", server.base_url, str(SCREENSHOTS))


def test_the_views_load_without_errors_or_outside_requests(explored: dict) -> None:
    assert explored["errors"] == []
    assert explored["outside"] == []  # everything is served by the service itself
    assert explored["phone"] == {"home": 390, "network": 390, "charts": 390}  # no sideways scrolling
    for name in ("network", "network-evidence", "editor-construct", "editor-error", "charts", "document",
                 "phone-network"):
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000, name


def test_the_network_is_filtered_clicked_and_navigated(explored: dict) -> None:
    seen = explored["network"]
    assert seen["all"]["edges"] >= 15 and seen["all"]["nodes"] >= 12
    assert seen["byModel"] == {"nodes": 3, "edges": 2}
    assert seen["withoutCountries"]["edges"] < seen["all"]["edges"]
    assert seen["sentences"]
    if seen["edge"] == f"{R}canada {R}united-states":
        assert any(t.startswith("Canada: A pioneer in quantum") for t in seen["sentences"])
    assert seen["clickedTo"] == "/resource/japan"


def test_the_editor_runs_queries_draws_graphs_and_marks_errors(explored: dict) -> None:
    seen = explored["editor"]
    assert seen["rows"] == ["Japan"] and seen["csv"].splitlines() == ["name", "Japan"]
    assert seen["graphShown"] and seen["graphNodes"] >= 5
    assert seen["marker"]["error"].startswith("Line 3, column 10:") and seen["marker"]["gutterMarkers"] == 1
    assert seen["history"] >= 5  # the four queries, and the heading option


def test_a_crowded_graph_labels_its_edges_on_hover_with_curies(explored: dict) -> None:
    crowded, small = explored["editor"]["crowded"], explored["editor"]["small"]
    assert crowded["edges"] > 8 and crowded["shown"] == 0  # past a handful of edges, no label is drawn
    assert crowded["labels"] == ["qc:collaboratesWith"]
    hovered = crowded["hovered"]
    assert hovered["shown"] == "qc:collaboratesWith" and hovered["afterwards"] == ""
    assert " — qc:collaboratesWith → " in hovered["caption"]
    assert 1 <= small["edges"] <= 3 and small["shown"] == small["edges"]  # a few edges keep their labels
    assert small["labels"] == ["qc:collaboratesWith"]


def test_no_answer_stays_while_a_query_runs_or_after_it_failed(explored: dict) -> None:
    running, failed = explored["editor"]["whileRunning"], explored["editor"]["afterError"]
    for state in (running, failed):
        assert state["graph"] is False and state["graphPanelShown"] is False, state
        assert state["tables"] == 0 and state["canvases"] == 0 and state["raw"] == 0, state
    assert running["message"] == "The query is running…"
    assert failed["message"].startswith("No answer: the query failed")


def test_the_charts_and_the_document_view(explored: dict) -> None:
    assert explored["charts"]["drawn"] == 3
    assert {"United States", "Canada", "Japan"} <= set(explored["charts"]["countries"])
    assert explored["document"]["mentions"] > 50
