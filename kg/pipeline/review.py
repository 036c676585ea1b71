"""The review report: facts held back for low confidence, per document, kept with the extraction cache."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from kg.extract.review import ReviewItem

REPORT_NAME = "review.json"


def _document_file(cache_dir: Path, name: str) -> Path:
    return cache_dir / f"{name}.review.json"


def save_document_review(cache_dir: Path, name: str, items: Iterable[ReviewItem]) -> None:
    """What one document's extraction held back (written with its cached graph)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    rows = json.dumps([item.as_dict() for item in items], indent=1, ensure_ascii=False)
    _document_file(cache_dir, name).write_text(rows, encoding="utf-8")


def write_report(cache_dir: Path, names: Iterable[str], report: Path) -> int:
    """The review report of the current documents, in document order; the number of items."""
    rows: list[dict[str, object]] = []
    for name in names:
        path = _document_file(cache_dir, name)
        if path.is_file():
            rows += json.loads(path.read_text(encoding="utf-8"))
    report.write_text(json.dumps({"items": rows}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(rows)


def read_report(report: Path) -> list[ReviewItem]:
    """The items of a review report written by the last build (none before the first build)."""
    if not report.is_file():
        return []
    return [ReviewItem(**row) for row in json.loads(report.read_text(encoding="utf-8"))["items"]]
