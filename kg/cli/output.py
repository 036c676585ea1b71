"""What the `qcollab` command prints: its output formats, tables and answers."""

from __future__ import annotations

import json
from enum import StrEnum

import pyoxigraph as ox
from rich.console import Console
from rich.table import Table

from kg.formats.table import results_formats
from kg.namespaces import PREFIXES


class ResultFormat(StrEnum):
    """--format of `qcollab query`: a table, or a name of the formats table."""

    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"
    xml = "xml"
    ttl = "ttl"
    nt = "nt"


class ReviewFormat(StrEnum):
    """--format of `qcollab review`."""

    table = "table"
    text = "text"
    json = "json"


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    ttl = "ttl"


class ExportFormat(StrEnum):
    """--format of `qcollab export`: names of the formats table."""

    ttl = "ttl"
    nt = "nt"
    nq = "nq"
    trig = "trig"
    jsonld = "jsonld"


RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {f.name: f.results for f in results_formats()}


class AddFormat(StrEnum):
    """--format of `qcollab add`."""

    text = "text"
    json = "json"


class LinkFormat(StrEnum):
    table = "table"
    json = "json"


class LinkTarget(StrEnum):
    wikidata = "wikidata"
    dbpedia = "dbpedia"


def print_boolean(value: bool, fmt: ResultFormat) -> None:
    """An ASK answer: SPARQL JSON, or true/false."""
    if fmt is ResultFormat.json:
        print(json.dumps({"head": {}, "boolean": value}))
    else:
        print("true" if value else "false")


def compact(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
    """A cell: IRIs as prefixed names where a predeclared prefix fits, literals as their text."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, namespace in PREFIXES.items():
            local = term.value.removeprefix(namespace)
            if local != term.value and local:
                return f"{prefix}:{local}"
    return term.value


def print_table(console: Console, result: ox.QuerySolutions) -> None:
    """SELECT results as a table, IRIs as prefixed names, and the row count."""
    names = [v.value for v in result.variables]
    table = Table(*names)
    count = 0
    for row in result:
        table.add_row(*(compact(row[n]) for n in names))
        count += 1
    console.print(table)
    console.print(f"{count} row(s)")
