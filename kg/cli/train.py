"""`qcollab train-pairs`: the collaboration-pair judge trained on a gold corpus, and how well it reads."""

from __future__ import annotations

import json
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kg.extract.pair_model import MODEL_PATH
from kg.settings import get_settings


class TrainFormat(StrEnum):
    table = "table"
    json = "json"


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def train_pairs_command(
    folder: Annotated[Path, typer.Argument(help="The gold corpus to train on (never the held-out split).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the weights.")] = MODEL_PATH,
    threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Probability from which a pair is added.")
    ] = 0.85,
    regularization: Annotated[float, typer.Option(min=1e-6, help="Inverse L2 strength (C).")] = 1.0,
    cross_validate: Annotated[
        bool,
        typer.Option(help="Also score the folder by document folds, each read by a judge that never saw it."),
    ] = False,
    fmt: Annotated[TrainFormat, typer.Option("--format")] = TrainFormat.table,
) -> None:
    """Train the judge that adds collaborations the rules miss, from the pairs of a gold corpus."""
    from kg.extract.extractor import Extractor
    from kg.extract.pair_training import corpus_examples, cross_validated, fit, write_model

    settings = get_settings()
    rules = Extractor.load(model_path=settings.nlp_model_path, pair_model=None)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("reading", total=None)

        def progress(name: str, done: int, total: int) -> None:
            bar.update(task, description=name, completed=done, total=total)

        examples = corpus_examples(folder, rules, progress)
        model = fit(examples, regularization=regularization, threshold=threshold)
        scores = None
        if cross_validate:
            scores = cross_validated(
                folder,
                replace(rules),
                examples,
                progress=progress,
                regularization=regularization,
                threshold=threshold,
            )
    write_model(model, output)
    summary: dict[str, object] = {
        "output": str(output),
        "examples": model["examples"],
        "positives": model["positives"],
        "features": len(model["weights"]),  # type: ignore[arg-type]
    }
    if scores is not None:
        summary["collaborations"] = {
            name: {"precision": s.precision, "recall": s.recall, "f1": s.f1} for name, s in scores.items()
        }
    if fmt is TrainFormat.json:
        print(json.dumps(summary, indent=2))
        return
    console = Console()
    console.print(
        f"Wrote {output}: {summary['features']} weights from {summary['examples']} candidate pairs "
        f"({summary['positives']} stated collaborations).",
        soft_wrap=True,
        markup=False,
    )
    for name, s in (scores or {}).items():
        console.print(
            f"collaborations, {name}: precision {_percent(s.precision)}, recall {_percent(s.recall)}, "
            f"F1 {_percent(s.f1)}",
            markup=False,
        )
