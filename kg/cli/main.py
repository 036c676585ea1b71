"""The `qcollab` command: build, add documents, inspect, query, validate and export the knowledge graph."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kg import __version__
from kg.cli.documents import add_command, build_command, review_command
from kg.cli.evaluate import evaluate_command
from kg.cli.load import load_command
from kg.cli.output import (
    RESULT_FORMATS,
    ExportFormat,
    LinkFormat,
    LinkTarget,
    ReportFormat,
    ResultFormat,
    print_boolean,
    print_table,
)
from kg.cli.train import train_judges_command
from kg.errors import QcollabError, RdfSyntaxError, ValidationEngineError
from kg.formats.parsing import parse_rdf_file
from kg.formats.table import by_name
from kg.namespaces import INFERRED_GRAPH
from kg.quality.reasoning import check_consistency, materialize
from kg.quality.shacl import Validator
from kg.settings import Settings, get_settings
from kg.store.factory import open_configured_store, store_location
from kg.store.interface import KnowledgeStore
from kg.store.oxigraph import open_store

app = typer.Typer(
    help="qcollab: a knowledge graph of international collaboration in quantum computing.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
LINK_REPORT_NAME = "link-report.json"
errors = Console(stderr=True)


def _settings() -> Settings:
    return get_settings()


def _open_existing(settings: Settings) -> KnowledgeStore:
    """The store to read: the remote one (QCOLLAB_STORE=sparql), or the store folder built before."""
    if settings.store == "sparql":
        return open_configured_store(settings)
    path = settings.resolved_store_path
    if not path.is_dir():
        raise QcollabError(f"no graph at {path}: run 'qcollab build' first")
    try:
        return open_store(path, read_only=True)
    except OSError as error:
        raise QcollabError(f"cannot open the store at {path}: {error}") from error


def _version(value: bool) -> None:
    if value:
        console.print(f"qcollab {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Build the graph from seeds/, then query, validate and export it."""


app.command("build")(build_command)
app.command("add")(add_command)
app.command("review")(review_command)
app.command("load")(load_command)


@app.command()
def stats(fmt: Annotated[ReportFormat, typer.Option("--format")] = ReportFormat.text) -> None:
    """Print triples per graph and entities per class."""
    from kg.pipeline.build import statistics  # imports the extraction pipeline (spaCy)

    with _open_existing(_settings()) as store:
        numbers = statistics(store)
    if fmt is ReportFormat.json:
        console.print_json(json.dumps(numbers))
        return
    console.print(f"Total quads: {numbers['triples']}")
    for title, rows in (("Named graph", numbers["graphs"]), ("Class", numbers["entities"])):
        table = Table(title_justify="left")
        table.add_column(title)
        table.add_column("count", justify="right")
        for key, value in rows.items():  # type: ignore[union-attr]
            table.add_row(key, str(value))
        console.print(table)


@app.command()
def query(
    sparql: Annotated[str, typer.Argument(help="A SPARQL 1.1 query, or @FILE to read one.")],
    fmt: Annotated[ResultFormat, typer.Option("--format")] = ResultFormat.table,
) -> None:
    """Run a SPARQL query over the union of all graphs."""
    text = Path(sparql[1:]).read_text() if sparql.startswith("@") else sparql
    with _open_existing(_settings()) as store:
        _print_result(store.query(text), fmt)


def _print_result(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, fmt: ResultFormat) -> None:
    if isinstance(result, ox.QueryBoolean):
        print_boolean(bool(result), fmt)
    elif isinstance(result, ox.QueryTriples):
        rdf = by_name(fmt.value if fmt is ResultFormat.nt else ResultFormat.ttl.value).rdf
        sys.stdout.write(result.serialize(format=rdf).decode())
    elif fmt is ResultFormat.table:
        print_table(console, result)
    elif fmt.value in RESULT_FORMATS:
        sys.stdout.write(result.serialize(format=RESULT_FORMATS[fmt.value]).decode())
    else:
        raise QcollabError(f"--format {fmt.value} is for CONSTRUCT/DESCRIBE results")


@app.command()
def validate(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Turtle, JSON-LD or N-Triples.")],
    fmt: Annotated[ReportFormat, typer.Option("--format")] = ReportFormat.text,
) -> None:
    """Validate a record against the shapes, the ontology and the entities it cites; exit 1 if invalid."""
    settings = _settings()
    graph = parse_rdf_file(path)
    validator = Validator(settings.shapes_path, settings.ontology_path, settings.shacl_engine)
    if settings.store == "sparql" or settings.resolved_store_path.is_dir():
        with _open_existing(settings) as store:
            outcome = validator.validate_record(graph, store)
    else:
        outcome = validator.validate_record(graph)
    if fmt is ReportFormat.json:
        print(json.dumps(outcome.summary(), indent=2))
    elif fmt is ReportFormat.ttl:
        print(outcome.report_graph.serialize(format="turtle"))
    else:
        console.print(outcome.report_text, highlight=False, markup=False)
    if not outcome.conforms:
        raise typer.Exit(code=1)


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format")] = ExportFormat.trig,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File (default: stdout).")] = None,
    graph: Annotated[str | None, typer.Option(help="Only this named graph.")] = None,
    void: Annotated[bool, typer.Option("--void", help="Export the VoID description instead.")] = False,
) -> None:
    """Export the dataset (triple formats get the union of all graphs), or its VoID description."""
    settings = _settings()
    with _open_existing(settings) as store:
        if void:
            data = _void_description(store, settings, fmt)
            if output is None:
                sys.stdout.buffer.write(data)
                return
            output.write_bytes(data)
        elif output is None:
            store.dump(fmt.value, sys.stdout.buffer, graph=graph)
            return
        else:
            with output.open("wb") as handle:
                store.dump(fmt.value, handle, graph=graph)
    console.print(f"Wrote {output}")


def _void_description(store: KnowledgeStore, settings: Settings, fmt: ExportFormat) -> bytes:
    from kg.describe.statistics import DatasetStatistics
    from kg.describe.void import VOID_FORMATS, describe_dataset

    stats = DatasetStatistics.from_store(store, settings.base_iri)
    return describe_dataset(stats, settings).serialize(format=VOID_FORMATS[fmt.value], encoding="utf-8")


@app.command()
def reason(
    check: Annotated[bool, typer.Option(help="Also run HermiT on the ontology.")] = False,
) -> None:
    """Drop and rebuild the graph of materialized inferences (optionally check consistency)."""
    settings = _settings()
    if check:
        outcome = check_consistency(settings.ontology_path)
        if not outcome.consistent or outcome.unsatisfiable:
            raise QcollabError(f"the ontology is inconsistent: {outcome}")
        console.print(f"HermiT: the ontology is consistent ({outcome.seconds:.1f} s)")
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with open_configured_store(settings, bulk=True) as store, Progress(
        *columns, console=errors, transient=True
    ) as bar:
        task = bar.add_task("inferring", total=None)

        def report_progress(step: str, done: int, total: int) -> None:
            bar.update(task, description=step, completed=done, total=total)

        inferred = materialize(store, progress=report_progress)
    console.print(f"{inferred} triples inferred into {INFERRED_GRAPH} of {store_location(settings)}")


@app.command()
def serve() -> None:
    """Serve SPARQL, lookup and linked data with uvicorn (host, port, workers from settings)."""
    import uvicorn

    settings = _settings()
    if settings.workers > 1:
        raise QcollabError("QCOLLAB_WORKERS must be 1: the store's views and workers live in one process")
    if settings.store != "sparql":
        if not settings.resolved_store_path.is_dir():
            raise QcollabError(f"no graph at {settings.resolved_store_path}: run 'qcollab build' first")
        with open_store(settings.resolved_store_path):
            pass  # fails in one readable line if another process holds the store
    uvicorn.run(
        "api.app:app_factory", factory=True, host=settings.host, port=settings.port,
        workers=settings.workers, access_log=False,
    )


@app.command()
def link(
    target: Annotated[
        list[LinkTarget] | None, typer.Option("--target", help="Link target (repeat; default: both).")
    ] = None,
    offline: Annotated[
        bool, typer.Option(help="Use the shipped reference snapshot even if endpoints are configured.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report only; write no links.")] = False,
    fmt: Annotated[LinkFormat, typer.Option("--format")] = LinkFormat.table,
    save_report: Annotated[
        bool, typer.Option("--save-report", help="Also write the JSON report to <data dir>/link-report.json.")
    ] = False,
) -> None:
    """Link actors, programs and concepts to Wikidata and DBpedia (linkset graphs, with a report)."""
    from kg.linking.report import print_report
    from kg.linking.run import link_store

    settings = _settings()
    if settings.store != "sparql" and not settings.resolved_store_path.is_dir():
        raise QcollabError(f"no graph at {settings.resolved_store_path}: run 'qcollab build' first")
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=errors, transient=True) as bar:
        task = bar.add_task("linking", total=None)

        def report_progress(step: str, done: int, total: int) -> None:
            bar.update(task, description=step, completed=done, total=total)

        def report_sent(quads: int, requests: int) -> None:
            bar.update(task, description=f"writing the linksets: {quads:,} quads in {requests} requests")

        try:
            store = open_configured_store(settings, bulk=True, on_sent=report_sent)
        except OSError as error:
            raise QcollabError(f"cannot open the store at {settings.resolved_store_path}: {error}") from error
        with store:
            report = link_store(
                store, settings, targets=[t.value for t in target or list(LinkTarget)],
                offline=offline, write=not dry_run, progress=report_progress,
            )
    if save_report:
        saved = settings.data_dir / LINK_REPORT_NAME
        saved.parent.mkdir(parents=True, exist_ok=True)
        saved.write_text(json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        errors.print(f"The review report is {saved}")
    if fmt is LinkFormat.json:
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        print_report(report, console)


app.command("evaluate")(evaluate_command)
app.command("train-judges")(train_judges_command)


def main() -> None:
    """Entry point: user errors in one readable line; exit 1 (does not conform, or another user
    error), 2 (syntax error, with line and column; for build and add: some documents failed),
    3 (the validator itself failed)."""
    try:
        app()
    except RdfSyntaxError as error:
        errors.print(f"[red]error:[/red] syntax error at {escape(str(error))}", highlight=False)
        sys.exit(2)
    except ValidationEngineError as error:
        errors.print(f"[red]error:[/red] {escape(str(error))}", highlight=False)
        sys.exit(3)
    except QcollabError as error:
        errors.print(f"[red]error:[/red] {escape(str(error))}", highlight=False)
        sys.exit(1)
