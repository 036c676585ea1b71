"""`qcollab add` and `qcollab build` as a user runs them: documents checked, copied, built; bad ones named."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from documents_support import html_page, write_scanned_pdf
from paths import ROOT

BRIDGES = "# Quantum Bridges\n\nGermany and Japan signed a memorandum of understanding on quantum sensing.\n"
BRIDGES_REVISED = "# Quantum Bridges\n\nGermany and Japan extended their memorandum on quantum sensing.\n"
PACT = html_page("Canada and Finland pact | Newsroom", "<h1>Canada and Finland pact</h1>"
                 "<p>Canada and Finland agreed to share quantum test beds.</p>")


@dataclass
class Folders:
    incoming: Path
    seeds: Path
    data: Path

    def qcollab(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "QCOLLAB_DATA_DIR": str(self.data), "QCOLLAB_SEEDS_DIR": str(self.seeds),
               "COLUMNS": "200"}
        return subprocess.run(
            [sys.executable, "-c", "from kg.cli.main import main; main()", *args],
            env=env, capture_output=True, text=True, cwd=ROOT, timeout=300,
        )


def error_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> Folders:
    root = tmp_path_factory.mktemp("add")
    incoming = root / "incoming"
    (incoming / "revised").mkdir(parents=True)
    (incoming / "bridges.md").write_text(BRIDGES, encoding="utf-8")
    (incoming / "revised" / "bridges.md").write_text(BRIDGES_REVISED, encoding="utf-8")
    (incoming / "pact.html").write_text(PACT, encoding="utf-8")
    write_scanned_pdf(incoming / "scan.pdf")
    return Folders(incoming, root / "seeds", root / "data")


@pytest.fixture(scope="module")
def first_add(folders: Folders) -> subprocess.CompletedProcess[str]:
    """Two good documents and a scanned PDF into a seeds folder that does not exist yet."""
    files = [str(folders.incoming / n) for n in ("bridges.md", "pact.html", "scan.pdf")]
    return folders.qcollab("add", *files, "--format", "json")


def test_add_copies_the_good_documents_refuses_the_bad_one_and_builds(
    folders: Folders, first_add: subprocess.CompletedProcess[str]
) -> None:
    assert first_add.returncode == 1  # one document was refused
    answer = json.loads(first_add.stdout)
    assert answer["added"] == ["bridges.md", "pact.html"] and answer["unchanged"] == []
    assert list(answer["refused"]) == ["scan.pdf"]
    assert answer["refused"]["scan.pdf"].startswith("scan.pdf: no text layer (scanned PDF?)")
    assert error_lines(first_add) == [f"error: {answer['refused']['scan.pdf']}"]
    assert sorted(p.name for p in folders.seeds.iterdir()) == ["bridges.md", "pact.html"]
    assert (folders.seeds / "pact.html").read_text(encoding="utf-8") == PACT
    built = answer["build"]
    assert sorted(built["extracted"]) == ["bridges.md", "pact.html"] and built["failed"] == {}
    assert built["triples"] > 0 and (folders.data / "store").is_dir()


def test_adding_the_same_file_again_changes_nothing(
    folders: Folders, first_add: subprocess.CompletedProcess[str]
) -> None:
    again = folders.qcollab("add", str(folders.incoming / "bridges.md"))
    assert again.returncode == 0, again.stderr
    assert f"bridges.md is already in {folders.seeds} (same content)" in again.stdout
    assert "is up to date" in again.stdout


def test_a_different_file_of_the_same_name_needs_force(
    folders: Folders, first_add: subprocess.CompletedProcess[str]
) -> None:
    revised = str(folders.incoming / "revised" / "bridges.md")
    refused = folders.qcollab("add", revised)
    assert refused.returncode == 1
    assert error_lines(refused) == [
        f"error: bridges.md: {folders.seeds / 'bridges.md'} already exists with other content; "
        "--force replaces it"]
    assert (folders.seeds / "bridges.md").read_text(encoding="utf-8") == BRIDGES
    replaced = folders.qcollab("add", "--force", revised)
    assert replaced.returncode == 0, replaced.stderr
    assert (folders.seeds / "bridges.md").read_text(encoding="utf-8") == BRIDGES_REVISED
    lines = replaced.stdout.splitlines()
    assert f"added {folders.seeds / 'bridges.md'}" in lines
    assert any(line.startswith("bridges.md: ") and line.endswith(" triples extracted") for line in lines)
    assert any(line.startswith("pact.html: ") and line.endswith(" triples (unchanged, reused)")
               for line in lines)
    assert lines[-1].endswith(": 1 extracted, 1 reused, 0 failed")


def test_build_names_a_bad_seed_and_exits_2(
    folders: Folders, first_add: subprocess.CompletedProcess[str]
) -> None:
    (folders.seeds / "broken.txt").write_bytes(b"Japan\x00Canada")
    try:
        result = folders.qcollab("build")
        assert result.returncode == 2, result.stderr
        assert error_lines(result) == [
            "error: broken.txt: binary file (NUL byte at offset 5), not a text document"]
        assert result.stdout.splitlines()[-1].endswith(": 0 extracted, 2 reused, 1 failed")
    finally:
        (folders.seeds / "broken.txt").unlink()


def test_help_documents_the_exit_status_of_build() -> None:
    result = subprocess.run([sys.executable, "-c", "from kg.cli.main import main; main()", "build", "--help"],
                            capture_output=True, text=True, cwd=ROOT, env={**os.environ, "COLUMNS": "200"})
    assert "2 built but some documents failed" in result.stdout
