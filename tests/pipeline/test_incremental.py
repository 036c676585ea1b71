"""The build goes on past bad documents and re-extracts only what changed; nothing stored is lost."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pyoxigraph as ox
import pytest
from documents_support import html_page, write_pdf

from kg.namespaces import DOCUMENT_GRAPH_PREFIX
from kg.pipeline.build import BuildReport, build
from kg.settings import Settings
from kg.store.oxigraph import open_store

BRIDGES = "# Quantum Bridges\n\nGermany and Japan signed a memorandum of understanding on quantum sensing.\n"
PACT = html_page("Canada and Finland pact | Newsroom", "<h1>Canada and Finland pact</h1>"
                 "<p>Canada and Finland agreed to share quantum test beds.</p>")
PACT_CHANGED = html_page("Canada and Finland pact | Newsroom",
                         "<h1>Canada and Finland pact</h1><p>Canada and Finland extended the agreement.</p>")
NOTE_PAGES = [["Quantum Notes", "The University of Tokyo partners with IBM on superconducting qubits."]]


@dataclass
class History:
    """The reports of a sequence of builds over one data folder, and what the store held after each."""

    settings: Settings
    reports: list[BuildReport] = field(default_factory=list)
    graphs: list[dict[str, list[str]]] = field(default_factory=list)  # graph IRI -> sorted N-Quads

    def run(self) -> BuildReport:
        report = build(self.settings)
        self.reports.append(report)
        with open_store(self.settings.resolved_store_path, read_only=True) as store:
            documents = [g for g in store.named_graphs() if g.startswith(DOCUMENT_GRAPH_PREFIX)]
            self.graphs.append({g: sorted(str(q) for q in store.quads_in_graph(g)) for g in documents})
        return report


def graph(slug: str) -> str:
    return f"{DOCUMENT_GRAPH_PREFIX}{slug}"


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    """1: three documents; 2: nothing changed; 3: one changed; 4: one turned bad, a bad one added and
    one removed; 5: nothing changed again."""
    root = tmp_path_factory.mktemp("incremental")
    seeds = root / "seeds"
    seeds.mkdir()
    (seeds / "bridges.md").write_text(BRIDGES, encoding="utf-8")
    (seeds / "pact.html").write_text(PACT, encoding="utf-8")
    write_pdf(seeds / "notes.pdf", NOTE_PAGES, title="Quantum Notes 2024")
    steps = History(Settings(data_dir=root / "data", seeds_dir=seeds))
    steps.run()
    steps.run()
    (seeds / "pact.html").write_text(PACT_CHANGED, encoding="utf-8")
    steps.run()
    (seeds / "bridges.md").write_bytes("# Quantum Bridges\n\nCafé".encode("latin-1"))
    (seeds / "broken.txt").write_bytes(b"Japan\x00Canada")
    (seeds / "notes.pdf").unlink()
    steps.run()
    steps.run()
    return steps


def test_first_build_extracts_every_document(history: History) -> None:
    first = history.reports[0]
    assert sorted(first.extracted) == ["bridges.md", "notes.pdf", "pact.html"]
    assert first.reused == [] and first.failed == {}
    assert set(history.graphs[0]) == {graph("bridges"), graph("notes"), graph("pact")}


def test_unchanged_seeds_extract_nothing(history: History) -> None:
    second = history.reports[1]
    assert second.skipped and second.extracted == [] and second.failed == {}


def test_a_changed_document_is_the_only_one_extracted(history: History) -> None:
    third = history.reports[2]
    assert third.extracted == ["pact.html"]
    assert sorted(third.reused) == ["bridges.md", "notes.pdf"]
    before, after = history.graphs[0], history.graphs[2]
    assert after[graph("notes")] == before[graph("notes")]  # reused exactly as extracted
    assert after[graph("pact")] != before[graph("pact")]
    assert any("extended the agreement" in quad for quad in after[graph("pact")])


def test_bad_documents_are_reported_and_nothing_stored_is_lost(history: History) -> None:
    fourth = history.reports[3]
    assert not fourth.skipped
    assert set(fourth.failed) == {"bridges.md", "broken.txt"}
    assert fourth.failed["broken.txt"] == (
        "broken.txt: binary file (NUL byte at offset 5), not a text document")
    assert fourth.failed["bridges.md"].startswith("bridges.md: not UTF-8")
    assert fourth.reused == ["pact.html"] and fourth.extracted == []
    assert fourth.removed_graphs == [graph("notes")]  # removed from the seeds: dropped as before
    stored = history.graphs[3]
    assert set(stored) == {graph("bridges"), graph("pact")}
    assert stored[graph("bridges")] == history.graphs[2][graph("bridges")]  # the last good graph is kept


def test_a_build_with_failures_is_up_to_date_and_still_reports_them(history: History) -> None:
    fifth = history.reports[4]
    assert fifth.skipped and fifth.failed == history.reports[3].failed


def test_documents_carry_their_format_and_own_title(history: History) -> None:
    with open_store(history.settings.resolved_store_path, read_only=True) as store:
        rows = store.query(
            "SELECT ?g ?title ?format WHERE { GRAPH ?g { ?d a qc:SourceDocument ; dcterms:title ?title ; "
            "dcterms:format ?format } } ORDER BY ?g"
        )
        found = {(r["g"].value, r["title"].value, r["format"].value) for r in rows}
    assert found == {
        (graph("bridges"), "Quantum Bridges", "text/markdown"),
        (graph("pact"), "Canada and Finland pact", "text/html"),  # <title> without " | Newsroom"
    }
    notes = history.graphs[0][graph("notes")]
    title = ox.Literal("Quantum Notes 2024", language="en")
    assert any(f"<http://purl.org/dc/terms/title> {title}" in quad for quad in notes)  # the PDF's /Title
    assert any('"application/pdf"' in quad for quad in notes)


def test_cache_holds_the_current_documents(history: History) -> None:
    folder = history.settings.data_dir / "extracted"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert sorted(manifest["documents"]) == ["bridges.md", "pact.html"]  # bridges.md: its last good content
    assert sorted(p.name for p in folder.glob("*.nt")) == ["bridges.md.nt", "pact.html.nt"]
    assert manifest["documents"]["pact.html"]["graph"] == graph("pact")
