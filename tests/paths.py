"""Where the tests find the project's files: the checkout, the seeds and the test fixtures."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
ONTOLOGY = ROOT / "ontology" / "qcollab.ttl"
SHAPES = ROOT / "shapes" / "qcollab-shapes.ttl"
FIXTURES = ROOT / "tests" / "fixtures"
DOCUMENTS = FIXTURES / "documents"
RECORDS = FIXTURES / "records"
BROWSER = ROOT / "tests" / "browser"
