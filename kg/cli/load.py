"""`qcollab load`: bulk-load RDF files into the store, validated in batches when they use the vocabulary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from kg.cli.output import AddFormat
from kg.errors import InputError, RejectedWriteError, StoreInUseError
from kg.quality.loading import LoadReport, finish_interrupted_load, load_files, load_graph
from kg.quality.shacl import Validator
from kg.settings import Settings, get_settings
from kg.store.factory import open_configured_store
from kg.store.interface import KnowledgeStore
from kg.store.loading import LoadFile
from kg.store.remote_bulk import SentProgress

SHOWN_NODES = 3  # offending nodes named in the one-line refusal
console = Console()
errors = Console(stderr=True)


def _graph(value: str | None) -> str | None:
    """The --graph IRI, checked."""
    if value is None:
        return None
    try:
        ox.NamedNode(value)
    except ValueError:
        raise InputError(f"--graph must be an absolute IRI, not {value!r}") from None
    if ":" not in value:
        raise InputError(f"--graph must be an absolute IRI, not {value!r}")
    return value


def refusal(error: RejectedWriteError, files: list[Path]) -> str:
    """A refused load in one line: the first offending nodes and what is wrong with them."""
    violations = error.outcome.violations
    named = [f"<{v.focus_node}> ({v.message})" for v in violations[:SHOWN_NODES]]
    more = f" and {len(violations) - SHOWN_NODES} more results" if len(violations) > SHOWN_NODES else ""
    where = ", ".join(str(f) for f in files)
    return (
        f"{where}: refused, the data would not conform to the SHACL shapes: {'; '.join(named)}{more}; "
        "nothing was loaded"
    )


def _run(
    settings: Settings, sources: list[tuple[LoadFile, str | None]], validate: bool | None, lenient: bool
) -> LoadReport:
    """The load with a progress bar on stderr: bytes read of each file, subjects validated (and, over a
    remote store, quads and requests sent)."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=errors, transient=True) as bar:
        task = bar.add_task("loading", total=None, detail="")

        def report_sent(quads: int, requests: int) -> None:
            bar.update(task, detail=f"{quads:,} quads sent in {requests} requests")

        store = _open(settings, report_sent)
        if finish_interrupted_load(store, settings.data_dir):
            errors.print("an earlier load was interrupted: its inferences were rebuilt")

        def report_progress(step: str, done: int, total: int | None) -> None:
            if total:
                detail = f"{done / 1e6:.1f}/{total / 1e6:.1f} MB"
            else:
                detail = f"{done:,} subjects" if step == "validating" else ""
            bar.update(task, description=step, completed=done, total=total, detail=detail)

        with store:
            return load_files(
                store,
                sources,
                staging_dir=settings.data_dir,
                validate=validate,
                lenient=lenient,
                batch_size=settings.load_batch_size,
                progress=report_progress,
                make_validator=lambda: Validator(settings.shapes_path, settings.ontology_path),
            )


def _open(settings: Settings, on_sent: SentProgress) -> KnowledgeStore:
    """The store to load into: the embedded one (refused while a server holds it), or the remote one."""
    try:
        return open_configured_store(settings, bulk=True, on_sent=on_sent)
    except StoreInUseError as error:
        raise StoreInUseError(
            f"{error}: stop it first, or send the file to the server with an HTTP PUT "
            "to /rdf-graphs?graph=IRI"
        ) from None


def print_report(report: LoadReport) -> None:
    """What the load did, in one line (and one more for the validation)."""
    where = ", ".join(f"<{g}>" for g in report.graphs) or "the graphs they name"
    inferred = "inferences unchanged" if report.inferred is None else f"{report.inferred:,} triples inferred"
    console.print(
        f"Loaded {report.triples:,} triples from {', '.join(report.files)} into {where} in "
        f"{report.seconds:.1f} s ({report.per_second:,.0f} triples/s); {inferred}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    if report.validated:
        console.print(
            f"Validated {report.subjects:,} subjects in {report.batches} batch(es): all conform",
            markup=False,
            highlight=False,
        )
    else:
        console.print(
            "Not validated (the data does not use the qcollab vocabulary, or --no-validate)",
            markup=False,
            highlight=False,
        )


def load_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE",
            show_default=False,
            help="RDF files: .nt .nq .ttl .trig .rdf/.owl/.xml .jsonld/.json, each optionally .gz.",
        ),
    ],
    graph: Annotated[
        str | None,
        typer.Option(
            help="Graph of the triples (default: qcg:load/<file stem>); N-Quads and TriG keep their graphs."
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="RDF syntax of every file (ttl, nt, nq, trig, rdfxml, jsonld or a media type); "
            "default: from each file name.",
        ),
    ] = None,
    lenient: Annotated[
        bool,
        typer.Option(
            help="Skip some checks of the data (IRIs, language tags): faster, and takes Wikidata dumps."
        ),
    ] = False,
    validate: Annotated[
        bool | None,
        typer.Option(
            "--validate/--no-validate",
            help="Validate with SHACL (default: when the data uses the qcollab vocabulary).",
        ),
    ] = None,
    report_format: Annotated[
        AddFormat, typer.Option("--report", help="How to print the summary.")
    ] = AddFormat.text,
) -> None:
    """Bulk-load RDF files into the store, then rebuild the inferences.

    Data that uses the qcollab vocabulary is staged and validated in batches first: the first batch
    that does not conform stops the load, names its nodes, and nothing is loaded. Without validation
    the files are loaded one after the other, each one all or nothing.
    Exit status: 0 loaded, 1 refused (or another error), 2 a syntax error (file:line:column).
    """
    settings = get_settings()
    target = _graph(graph)
    sources = [LoadFile.of(path, fmt) for path in files]
    chosen = [(source, target or load_graph(source.path)) for source in sources]
    try:
        report = _run(settings, chosen, validate, lenient)
    except RejectedWriteError as error:
        errors.print(f"[red]error:[/red] {escape(refusal(error, files))}", highlight=False, soft_wrap=True)
        raise typer.Exit(code=1) from None
    if report_format is AddFormat.json:
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        print_report(report)
