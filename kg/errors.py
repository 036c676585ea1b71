"""Errors the user can act on; anything else is a fault and keeps its traceback."""

from __future__ import annotations


class QcollabError(Exception):
    """Base of every error reported to the user in one line."""


class RdfSyntaxError(QcollabError):
    """A document (record, query, update) that does not parse, with its position."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        self.message = message
        self.line = line
        self.column = column
        where = f"line {line}, column {column}: " if line is not None else ""
        super().__init__(f"{where}{message}")


class UnsupportedFormatError(QcollabError):
    """A serialization we cannot read or write."""


class ValidationEngineError(QcollabError):
    """The SHACL engine could not validate (as opposed to: the data does not conform)."""


class NonConformingError(QcollabError):
    """Data that does not conform to the shapes; carries the report text."""

    def __init__(self, report_text: str) -> None:
        self.report_text = report_text
        super().__init__("the data does not conform to the SHACL shapes:\n" + report_text)
