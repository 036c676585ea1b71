"""Accessibility measured by axe-core in headless Chromium (tests/browser/a11y.test.mjs): the home page with
a query's answer, the network, the charts, a resource page and a document page, at desktop and phone widths.
A violation of impact "serious" or "critical" fails the test; the others, and what axe leaves for a person to
review, are printed (pytest -s)."""

from __future__ import annotations

import pytest
from live_server import LiveServer
from test_web import browser_script

BLOCKING = {"serious", "critical"}
PATHS = ("/", "/network", "/charts", "/resource/canada",
         "/document/international-quantum-computing-collaborations")


@pytest.fixture(scope="module")
def audited(server: LiveServer) -> dict:
    """What axe found on each page, by "<width> <path>"."""
    return browser_script("a11y.test.mjs", server.base_url)


def _described(violations: list[dict]) -> str:
    return "; ".join(f"{v['impact']} {v['id']} ({v['help']}) x{v['count']}: "
                     + ", ".join(n["target"] for n in v["nodes"]) for v in violations)


def test_every_page_is_audited_at_both_widths(audited: dict) -> None:
    assert set(audited["audits"]) == {f"{width} {path}" for width in ("desktop", "phone") for path in PATHS}
    assert audited["errors"] == []


@pytest.mark.parametrize("width", ["desktop", "phone"])
@pytest.mark.parametrize("path", PATHS)
def test_no_serious_or_critical_accessibility_violation(audited: dict, width: str, path: str) -> None:
    found = audited["audits"][f"{width} {path}"]
    violations = found["violations"]
    others = [v for v in violations if v["impact"] not in BLOCKING]
    for heading, shown in (("violations", others), ("for a person to review", found["review"])):
        if shown:
            print(f"\n{width} {path}, {heading}: {_described(shown)}")
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, _described(blocking)
