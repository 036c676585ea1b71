"""`qcollab train-judges`: the learned judges trained on a gold corpus, and how well the extractor reads
with them on documents they never saw."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kg.extract.judges import MODELS
from kg.settings import get_settings

if TYPE_CHECKING:
    from kg.extract.evaluation import Score

PAIR_THRESHOLD = 0.9  # both chosen by cross-validation on the dev split (make train; docs/extraction.md)
MENTION_THRESHOLD = 0.3


class TrainFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


REPORT_INTRO = """# The learned judges

Two logistic-regression judges sit beside the extractor's rules (`kg/extract/judges.py`), trained on the
dev split only by `make train` (`qcollab train-judges tests/corpus/dev --cross-validate --format markdown`),
which also wrote this file:

- **collaboration pairs**: for every two actors named in one sentence that the rules did not pair, the
  probability that the sentence states a collaboration, from the dependency path between them, the words
  between and around them and the sentence's words (`kg/extract/pair_features.py`); a pair from the
  threshold up is added (method `qc:LearnedClassifier`, the probability as its confidence), never across a
  negated or hedged verb;
- **actor names**: for every new name the rules read as an actor (never a gazetteer name), the
  probability that it is one, from its words, shape, entity label and neighbours
  (`kg/extract/mention_features.py`); a name below the threshold goes to the review report
  (`qcollab review`), not into the graph ("Eagle", the processor; "President").

The weights are JSON in `kg/data/models/` (named, with their digest, as `qc:NlpModel`s of every extraction
run); scikit-learn is needed to train them, not to use them. The thresholds were chosen by the
cross-validation below: each document is read by judges trained on the other folds only.
"""


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def train_judges_command(
    folder: Annotated[Path, typer.Argument(help="The gold corpus to train on (never the held-out split).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The folder for the weights.")] = MODELS,
    pair_threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Probability from which a pair the rules missed is added.")
    ] = PAIR_THRESHOLD,
    mention_threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Probability below which a new actor name goes to review.")
    ] = MENTION_THRESHOLD,
    cross_validate: Annotated[
        bool,
        typer.Option(help="Also score the folder by document folds, each read by judges that never saw it."),
    ] = False,
    fmt: Annotated[TrainFormat, typer.Option("--format")] = TrainFormat.table,
) -> None:
    """Train the judges of collaboration pairs and of actor names from the candidates of a gold corpus."""
    from kg.extract.extractor import Extractor
    from kg.extract.training import corpus_examples, cross_validated, fit, write_model

    settings = get_settings()
    rules = Extractor.load(
        model_path=settings.nlp_model_path,
        min_confidence=settings.min_confidence,
        pair_model=None,
        mention_model=None,
    )
    thresholds = {"collaboration-pairs": pair_threshold, "mentions": mention_threshold}
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("reading", total=None)

        def progress(name: str, done: int, total: int) -> None:
            bar.update(task, description=name, completed=done, total=total)

        examples = corpus_examples(folder, rules, progress)
        models = {
            name: fit(examples.by_judge[name], threshold=threshold, judge=name)
            for name, threshold in thresholds.items()
        }
        scores = (
            cross_validated(folder, rules, examples, thresholds, progress=progress) if cross_validate else {}
        )
    summary: dict[str, object] = {}
    for name, model in models.items():
        path = output / f"{name}.json"
        write_model(model, path)
        summary[name] = {
            "output": str(path),
            "examples": model["examples"],
            "positives": model["positives"],
            "weights": len(model["weights"]),
        }  # type: ignore[arg-type]
    readings = {
        reading: {
            kind: {"precision": s.precision, "recall": s.recall, "f1": s.f1} for kind, s in kinds.items()
        }
        for reading, kinds in scores.items()
    }
    if fmt is TrainFormat.json:
        print(json.dumps({"judges": summary, "cross_validated": readings}, indent=2))
        return
    if fmt is TrainFormat.markdown:
        print(_markdown(summary, thresholds, scores), end="")
        return
    console = Console()
    for name, facts in summary.items():
        console.print(
            f"{name}: wrote {facts['output']}, {facts['weights']} weights from {facts['examples']} "  # type: ignore[index]
            f"candidates ({facts['positives']} positive)",
            soft_wrap=True,
            markup=False,
        )  # type: ignore[index]
    for reading, kinds in scores.items():
        line = "; ".join(
            f"{kind} P {_percent(s.precision)} R {_percent(s.recall)}" for kind, s in kinds.items()
        )
        console.print(f"{reading} (cross-validated by document): {line}", soft_wrap=True, markup=False)


def _markdown(
    summary: dict[str, object], thresholds: dict[str, float], scores: dict[str, dict[str, Score]]
) -> str:
    lines = [REPORT_INTRO, "| judge | threshold | candidates | positive | weights |"]
    lines.append("|---|---:|---:|---:|---:|")
    for name, facts in summary.items():
        lines.append(f"| {name} | {thresholds[name]} | {facts['examples']} | {facts['positives']} "  # type: ignore[index]
                     f"| {facts['weights']} |")  # type: ignore[index]
    if scores:
        kinds = list(next(iter(scores.values())))
        lines += ["", "Cross-validated on the dev split (5 folds by document), precision / recall:", "",
                  "| reading | " + " | ".join(kinds) + " |", "|---|" + "---:|" * len(kinds)]
        for reading, by_kind in scores.items():
            cells = [f"{_percent(s.precision)} / {_percent(s.recall)}" for s in by_kind.values()]
            lines.append(f"| {reading} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
