"""The home page in a real headless Chromium: a SPARQL query rendered as a table, and the search box; the
browser helpers the other page tests share."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
from live_server import LiveServer
from paths import BROWSER, ROOT

BROWSER_DIR = BROWSER
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


WEB_DIR = ROOT / "api" / "static"


def _npm() -> str:
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("node_modules is missing and npm is absent: run bash .ci/system-deps.sh (or make web)")
    return npm


def _installed(folder: Path) -> bool:
    """Whether each package of the folder's lock file is in its node_modules, at the locked version."""
    locked = json.loads((folder / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    for path, package in locked.items():
        manifest = folder / path / "package.json"
        if not path:
            continue  # the folder's own package
        if not manifest.is_file():
            return False
        if json.loads(manifest.read_text(encoding="utf-8"))["version"] != package["version"]:
            return False
    return True


def _node_modules() -> None:
    """Install tests/browser's packages (playwright-core, axe-core) from the lock file, and build the page's
    scripts when missing or older than their sources (the set-up, .ci/system-deps.sh and make web, does
    both)."""
    if not _installed(BROWSER_DIR):
        subprocess.run([_npm(), "ci", "--no-audit", "--no-fund"], cwd=BROWSER_DIR, check=True, timeout=600)
    built = WEB_DIR / "vendor" / ".built"
    sources = [*(WEB_DIR / "src").glob("*.js"), WEB_DIR / "build.mjs"]
    if not built.is_file() or max(p.stat().st_mtime for p in sources) > built.stat().st_mtime:
        if not (WEB_DIR / "node_modules" / "esbuild").is_dir():
            subprocess.run([_npm(), "ci", "--no-audit", "--no-fund"], cwd=WEB_DIR, check=True, timeout=600)
        subprocess.run([_npm(), "run", "--silent", "build"], cwd=WEB_DIR, check=True, timeout=300)


def browser_script(script: str, *args: str) -> dict:
    """Run a script of tests/browser in headless Chromium; what it printed last, as JSON."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (bash .ci/system-deps.sh installs it)")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (bash .ci/system-deps.sh installs it)")
    _node_modules()
    result = subprocess.run([node, str(BROWSER_DIR / script), *args], capture_output=True,
                            text=True, timeout=180, env={**os.environ, "CHROMIUM_PATH": CHROMIUM})
    assert result.returncode == 0, f"the browser script failed:\n{result.stderr}\n{result.stdout}"
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def page_run(server: LiveServer) -> dict:
    """What the browser saw, as printed by tests/browser/ui.test.mjs."""
    return browser_script("ui.test.mjs", server.base_url)


def test_home_page_is_served_with_its_assets(server: LiveServer) -> None:
    page = httpx.get(f"{server.base_url}/", timeout=30)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<label for="query"' in page.text and '<label for="search-input">' in page.text
    _node_modules()
    for asset, kind in (("vendor/home.js", "javascript"), ("style.css", "text/css")):
        response = httpx.get(f"{server.base_url}/static/{asset}", timeout=30)
        assert response.status_code == 200 and kind in response.headers["content-type"]
    for hidden in ("../app.py", "package.json", "src/home.js", "node_modules/cytoscape/package.json"):
        assert httpx.get(f"{server.base_url}/static/{hidden}", timeout=30).status_code == 404, hidden
    assert 'src="http' not in page.text and 'stylesheet" href="http' not in page.text  # nothing from a CDN


def test_partners_of_japan_render_as_a_table(page_run: dict) -> None:
    query = page_run["query"]
    assert "error" not in query, query.get("error")
    assert query["columns"] == ["partner", "name"]
    names = {row["name"]["text"] for row in query["rows"]}
    assert "Australia" in names
    assert "Japan" not in names
    australia = next(row for row in query["rows"] if row["name"]["text"] == "Australia")
    assert australia["partner"]["href"] == "/resource/australia"
    assert page_run["pageErrors"] == []


def test_search_box_links_to_the_quantum_flagship(page_run: dict) -> None:
    hits = page_run["searchHits"]
    assert {"text": "Quantum Flagship", "href": "/resource/quantum-flagship"} in hits
    assert hits[0]["text"] == "Quantum Flagship"
