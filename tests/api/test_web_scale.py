"""The network at scale and under the query deadline, over HTTP with the real service.

At scale: the synthetic collaboration graph of tests/benchmarks/synthetic.py (reified qc:collaboratesWith,
participatesIn, ledBy, hasParticipant and fundedBy statements with their sentences, and qc:Collaboration
records of several participants: the two kinds of evidence /graph/network reads), bulk-loaded with
`qcollab load` next to the seed graph: some 2,000 actors and programs and 2,500 edges, which /graph/network
answers and the page draws in headless Chromium without a console error. The render time is printed (run
pytest with -s to see it), not asserted.

Under the deadline: a server whose queries may run for a millisecond answers the network routes and the
document page 503 with problem details and Retry-After (their queries run in the query workers, as those
of /sparql), and keeps serving.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from live_server import LiveServer, running_server
from paths import BROWSER, ROOT
from test_web import browser_script

QCOLLAB = str(Path(sys.executable).with_name("qcollab"))
SYNTHETIC = ROOT / "tests" / "benchmarks" / "synthetic.py"
TRIPLES = 150_000  # of the synthetic graph: about 2,000 nodes and 2,500 edges in the network
R = "https://w3id.org/qcollab/resource/"
SCREENSHOTS = Path(os.environ.get("QCOLLAB_SCREENSHOTS", BROWSER / "screenshots"))


@pytest.fixture(scope="module")
def large(built_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The service over the seed graph and the synthetic graph, bulk-loaded beside it."""
    folder = tmp_path_factory.mktemp("web-scale")
    prepared, synthetic = folder / "prepared", folder / "synthetic.nq"
    shutil.copytree(built_data, prepared, symlinks=True)
    subprocess.run([sys.executable, str(SYNTHETIC), "--size", str(TRIPLES), "--output", str(synthetic)],
                   check=True, capture_output=True, timeout=120)
    env = {k: v for k, v in os.environ.items() if not k.startswith("QCOLLAB_")}
    env["QCOLLAB_DATA_DIR"] = str(prepared)
    subprocess.run([QCOLLAB, "load", str(synthetic), "--no-validate"], check=True, capture_output=True,
                   env=env, timeout=300)
    with running_server(prepared, folder / "served", QCOLLAB_QUERY_WORKERS="1",
                        QCOLLAB_LIGHT_WORKERS="0") as live:
        yield live


@pytest.fixture(scope="module")
def impatient(built_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server whose queries may run for a millisecond."""
    with running_server(built_data, tmp_path_factory.mktemp("web-deadline"),
                        QCOLLAB_QUERY_TIMEOUT_SECONDS="0.001") as live:
        yield live


def test_the_network_of_a_few_thousand_nodes_is_answered_and_drawn(large: LiveServer) -> None:
    seen = browser_script("scale.test.mjs", large.base_url, str(SCREENSHOTS / "network-large.png"))
    assert seen["network"]["status"] == 200  # the page's own request of /graph/network
    data = seen["network"]["data"]
    nodes = {node["id"]: node for node in data["nodes"]}
    assert len(nodes) >= 1800 and len(data["edges"]) >= 2000 and data["truncated"] is False
    assert all(edge["source"] in nodes and edge["target"] in nodes for edge in data["edges"])
    assert {"country", "university", "company", "program"} <= {node["kind"] for node in nodes.values()}
    assert nodes[f"{R}japan"]["degree"] > 0  # the seed graph is there too
    relations = {relation for edge in data["edges"] for relation in edge["relations"]}
    assert {"participatesIn", "ledBy", "collaboratesWith"} <= relations
    assert seen["errors"] == []
    assert seen["shown"] == {"nodes": len(nodes), "edges": len(data["edges"])}
    assert seen["drawn"]["placed"] == len(nodes) and seen["listed"] == len(data["edges"])
    print(f"\n/network drew {len(nodes)} nodes and {len(data['edges'])} edges in {seen['milliseconds']} ms "
          "(page request to drawn network, headless Chromium)")


def test_a_search_of_the_large_network_keeps_the_matches_and_their_edges(large: LiveServer) -> None:
    data = httpx.get(f"{large.base_url}/graph/network", params={"q": "university of"}, timeout=60).json()
    matched = {node["id"] for node in data["nodes"] if node["match"]}
    assert len(matched) > 50
    for node in data["nodes"]:  # the text, or each of its words
        words = set(re.findall(r"\w+", node["label"].lower()))
        assert node["match"] == ("university of" in node["label"].lower() or {"university", "of"} <= words)
    assert data["edges"] and all(e["source"] in matched or e["target"] in matched for e in data["edges"])


@pytest.mark.parametrize("path", ["/graph/network", "/graph/network/evidence",
                                  "/document/international-quantum-computing-collaborations"])
def test_past_the_deadline_the_network_and_document_are_a_503_and_the_server_keeps_serving(
    impatient: LiveServer, path: str
) -> None:
    params = {"source": f"{R}canada", "target": f"{R}united-states"} if path.endswith("evidence") else {}
    details = []
    for _ in range(3):  # each time: the worker killed at the deadline is replaced
        response = httpx.get(f"{impatient.base_url}{path}", params=params, timeout=30)
        assert response.status_code == 503, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["retry-after"]
        details.append(response.json()["detail"])
    # while a killed worker is being replaced the answer may be the busy 503 instead
    assert "query exceeded the 0.001 s time limit" in details, details
    assert httpx.get(f"{impatient.base_url}/healthz", timeout=10).status_code == 200
    page = httpx.get(f"{impatient.base_url}/resource/japan", headers={"Accept": "text/html"}, timeout=10)
    assert page.status_code == 200 and "Japan" in page.text
    assert httpx.get(f"{impatient.base_url}/network", timeout=10).status_code == 200
