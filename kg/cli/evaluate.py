"""`qcollab evaluate`: extraction scored against gold annotations, as a table, JSON or Markdown."""

from __future__ import annotations

import json
import platform
import time
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from kg.settings import get_settings

if TYPE_CHECKING:
    from kg.extract.evaluation import DocumentScore, Score


class EvaluationFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _row(score: Score) -> list[str]:
    return [_pct(score.precision), _pct(score.recall), _pct(score.f1), f"{score.found}/{score.gold}",
            f"{score.correct}/{score.extracted}"]


INTRO = """Precision and recall of the extractor on the corpus in `tests/corpus/` (documents written for
this project about real collaborations, with gold annotations; format in `tests/corpus/README.md`).
`test/` is the held-out split: never tuned on. An extracted entity counts as correct when one of its
names is a name of a gold item (after the one normaliser); collaborations are unordered pairs of
actors, amounts are decimal values with their ISO 4217 currency, program roles are (program, led by
or funded by, actor). A program's name matches with or without its owner's possessive ("Canada's")
and a trailing "programme". The words/s below are one process reading one document at a time, model
loading included; a whole build (parsing in parallel, SHACL, store) is timed in
[benchmarks.md](benchmarks.md). The extractor reads with its rules and two learned judges, trained on
the dev split only ([judges.md](judges.md)). This file is written by `make eval`
(`qcollab evaluate ... --format markdown`).
"""
HEADER = ["kind", "precision", "recall", "F1", "gold found", "extracted correct"]


def _markdown(folder: Path, documents: list[DocumentScore], totals: dict[str, Score], seconds: float) -> str:
    words = sum(d.words for d in documents)
    lines = [f"## {folder.as_posix()}", "",
             f"{len(documents)} documents, {words:,} words, extracted in {seconds:.1f} s "
             f"({words / seconds:,.0f} words/s).", "",
             "| " + " | ".join(HEADER) + " |", "|---|---:|---:|---:|---:|---:|"]
    from kg.extract.evaluation import KINDS

    lines += ["| " + " | ".join([kind, *_row(totals[kind])]) + " |" for kind in KINDS]
    lines += ["", "| document | words | " + " | ".join(f"{k} P / R" for k in KINDS) + " |",
              "|---|---:|" + "---:|" * len(KINDS)]
    for doc in documents:
        cells = [f"{_pct(doc.kinds[k].precision)} / {_pct(doc.kinds[k].recall)}" for k in KINDS]
        lines.append(f"| {doc.document} | {doc.words:,} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _print_table(console: Console, folder: Path, documents: list[DocumentScore], totals: dict[str, Score],
                 misses: bool) -> None:
    from kg.extract.evaluation import KINDS

    table = Table(*HEADER, title=f"{folder}: {len(documents)} documents")
    for kind in KINDS:
        table.add_row(kind, *_row(totals[kind]))
    console.print(table)
    per_document = Table("document", *(f"{k} P/R" for k in KINDS))
    for doc in documents:
        per_document.add_row(doc.document, *(f"{_pct(doc.kinds[k].precision)} / {_pct(doc.kinds[k].recall)}"
                                             for k in KINDS))
    console.print(per_document)
    if misses:
        for doc in documents:
            for kind in KINDS:
                score = doc.kinds[kind]
                if score.missed:
                    console.print(f"{doc.document} · {kind} missed: {'; '.join(score.missed)}", markup=False)
                if score.spurious:
                    console.print(f"{doc.document} · {kind} spurious: {'; '.join(score.spurious)}",
                                  markup=False)


def evaluate_command(
    folders: Annotated[list[Path], typer.Argument(help="Folders of documents with NAME.gold.json files.")],
    fmt: Annotated[EvaluationFormat, typer.Option("--format")] = EvaluationFormat.table,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
    misses: Annotated[bool, typer.Option(help="List what was missed and what was wrong (table).")] = True,
) -> None:
    """Score the extractor against gold annotations: precision, recall and F1 per kind and document."""
    from kg.extract.evaluation import evaluate
    from kg.extract.extractor import Extractor

    console = Console(record=output is not None)
    settings = get_settings()
    extractor = Extractor.load(model_path=settings.nlp_model_path, min_confidence=settings.min_confidence)
    parts: list[str] = []
    answers: dict[str, object] = {}
    for folder in folders:
        started = time.perf_counter()
        documents, totals = evaluate(folder, extractor)
        seconds = time.perf_counter() - started
        if fmt is EvaluationFormat.markdown:
            parts.append(_markdown(folder, documents, totals, seconds))
        elif fmt is EvaluationFormat.json:
            answers[folder.as_posix()] = {
                "seconds": round(seconds, 3),
                "totals": {kind: score.as_dict() for kind, score in totals.items()},
                "documents": {d.document: {"words": d.words, **{k: s.as_dict() for k, s in d.kinds.items()}}
                              for d in documents},
            }
        else:
            _print_table(console, folder, documents, totals, misses)
    if fmt is EvaluationFormat.markdown:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        head = (f"# Extraction quality\n\n{INTRO}\nRun by `make eval` on {stamp}; {platform.system()} "
                f"{platform.machine()}, Python {platform.python_version()}.\n\n")
        text = head + "\n".join(parts)
    elif fmt is EvaluationFormat.json:
        text = json.dumps(answers, indent=2, ensure_ascii=False) + "\n"
    else:
        text = console.export_text() if output is not None else ""
    if output is not None:
        output.write_text(text, encoding="utf-8")
    elif text:
        print(text, end="")
