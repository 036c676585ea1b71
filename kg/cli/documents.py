"""`qcollab build` and `qcollab add`: the build with its progress bar, and what it did, in one line each."""

from __future__ import annotations

import dataclasses
import filecmp
import json
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kg.cli.output import AddFormat, ReviewFormat
from kg.errors import DocumentError, DocumentExistsError
from kg.pipeline.review import read_report
from kg.settings import Settings, get_settings
from kg.store.factory import store_location
from kg.text.readers import DOCUMENT_SUFFIXES, read_document

if TYPE_CHECKING:
    from kg.pipeline.build import BuildReport

# The pipeline (and spaCy with it) is imported by the commands that build, so that `qcollab serve`,
# `query` or `load` start without it.

# Exit status of a build that completed although some documents could not be read.
SOME_DOCUMENTS_FAILED = 2
console = Console()
errors = Console(stderr=True)


def run_build(settings: Settings, *, force: bool = False) -> BuildReport:
    """The incremental build, with a progress bar on stderr."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=errors, transient=True) as bar:
        task = bar.add_task("building", total=None)

        def report_progress(step: str, done: int, total: int) -> None:
            bar.update(task, description=step, completed=done, total=total)

        from kg.pipeline.build import build

        return build(settings, force=force, progress=report_progress)


def print_error(message: str) -> None:
    """One readable line on stderr."""
    errors.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)


def print_build(report: BuildReport, settings: Settings) -> None:
    """What a build did: each document extracted or reused, each failure as a one-line error."""
    if report.skipped:
        console.print(f"The graph in {store_location(settings)} is up to date.", soft_wrap=True)
    for name in report.extracted:
        console.print(f"{name}: {report.documents[name]} triples extracted", markup=False, soft_wrap=True)
    for name in report.reused:
        console.print(f"{name}: {report.documents[name]} triples (unchanged, reused)", markup=False,
                      soft_wrap=True)
    for message in report.failed.values():
        print_error(message)
    if not report.skipped:
        console.print(
            f"Built {report.triples} quads ({report.inferred} inferred) in {report.seconds:.1f} s into "
            f"{store_location(settings)}: {len(report.extracted)} extracted, "
            f"{len(report.reused)} reused, {len(report.failed)} failed", markup=False, soft_wrap=True,
        )
    if report.held_back:
        console.print(f"{report.held_back} low-confidence facts held back: see `qcollab review`",
                      markup=False, soft_wrap=True)


def build_command(
    force: Annotated[
        bool, typer.Option(help="Rebuild and re-extract every document even if the graph is up to date.")
    ] = False,
) -> None:
    """Extract the seed documents into the store, validate with SHACL, materialize inferences.

    Only new or changed documents are extracted; the others reuse their graphs from the last build.
    A document that cannot be read is reported in one line and left out (a graph it had is kept).
    Exit status: 0 built (or up to date), 2 built but some documents failed, 1 the build failed.
    """
    settings = get_settings()
    report = run_build(settings, force=force)
    print_build(report, settings)
    if report.failed:
        raise typer.Exit(code=SOME_DOCUMENTS_FAILED)


def _slug(path: Path) -> str | None:
    try:
        from kg.extract.pipeline import document_slug

        return document_slug(path)
    except ValueError:
        return None


def place(source: Path, seeds_dir: Path, *, force: bool) -> bool:
    """Copy a document into the seeds folder; False if the same content is already there."""
    target = seeds_dir / source.name
    slug = _slug(source)
    if slug is None:
        raise DocumentError(source.name, "the file name has no letters or digits to name its graph")
    from kg.pipeline.build import seed_documents

    for other in seed_documents(seeds_dir):
        if other.name != source.name and _slug(other) == slug:
            raise DocumentExistsError(source.name, f"{other} names the same graph (document/{slug}); "
                                                   "rename one of them")
    if target.exists():
        if target.resolve() == source.resolve() or filecmp.cmp(source, target, shallow=False):
            return False
        if not force:
            raise DocumentExistsError(source.name, f"{target} already exists with other content; "
                                                   "--force replaces it")
    partial = seeds_dir / f".{source.name}.partial"  # hidden: a build never reads it half copied
    shutil.copyfile(source, partial)
    os.replace(partial, target)
    return True


def add_command(
    files: Annotated[list[Path], typer.Argument(
        metavar="FILE", help=f"Documents to add ({', '.join(DOCUMENT_SUFFIXES)}).", show_default=False)],
    force: Annotated[
        bool, typer.Option(help="Replace a different file of the same name in the seeds folder.")
    ] = False,
    fmt: Annotated[AddFormat, typer.Option("--format")] = AddFormat.text,
) -> None:
    """Check documents, copy them into the seeds folder and build (only what changed is extracted).

    A document that cannot be read is refused in one line and not copied; the others go in.
    Exit status: 0 done, 1 some documents were refused, 2 the build left out seeds that failed.
    """
    settings = get_settings()
    settings.seeds_dir.mkdir(parents=True, exist_ok=True)
    added: list[str] = []
    unchanged: list[str] = []
    refused: dict[str, str] = {}
    for source in files:
        try:
            read_document(source, max_bytes=settings.max_document_bytes)
            (added if place(source, settings.seeds_dir, force=force) else unchanged).append(source.name)
        except DocumentError as error:
            refused[source.name] = str(error)
            print_error(str(error))
    report = run_build(settings) if added or unchanged else None
    if fmt is AddFormat.json:
        answer = {"added": added, "unchanged": unchanged, "refused": refused,
                  "build": dataclasses.asdict(report) if report else None}
        print(json.dumps(answer, indent=2, ensure_ascii=False))
    else:
        for name in added:
            console.print(f"added {settings.seeds_dir / name}", markup=False, soft_wrap=True)
        for name in unchanged:
            console.print(f"{name} is already in {settings.seeds_dir} (same content)", markup=False,
                          soft_wrap=True)
        if report is not None:
            print_build(report, settings)
    if refused:
        raise typer.Exit(code=1)
    if report is not None and report.failed:
        raise typer.Exit(code=SOME_DOCUMENTS_FAILED)


def review_command(
    fmt: Annotated[ReviewFormat, typer.Option("--format")] = ReviewFormat.table,
    below: Annotated[float | None, typer.Option(help="Only facts with a confidence below this.")] = None,
) -> None:
    """List the facts the last build held back for low confidence (below QCOLLAB_MIN_CONFIDENCE)."""
    settings = get_settings()
    from kg.pipeline.build import review_path

    items = [i for i in read_report(review_path(settings)) if below is None or i.confidence < below]
    if fmt is ReviewFormat.json:
        print(json.dumps({"items": [i.as_dict() for i in items]}, indent=1, ensure_ascii=False))
        return
    if fmt is ReviewFormat.text:
        for item in items:
            print(item.line)
        return
    table = Table(title=f"{len(items)} facts held back for review", title_justify="left")
    for column in ("document", "fact", "confidence", "method", "sentence"):
        table.add_column(column, justify="right" if column == "confidence" else "left")
    for item in items:
        fact = f"{item.subject} {item.predicate} {item.object}"
        table.add_row(item.document, fact, f"{item.confidence:.2f}", item.method, item.sentence)
    console.print(table)
