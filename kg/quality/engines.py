"""The SHACL engines behind `kg.quality.shacl.Validator`: pyshacl-turbo (Rust) and pySHACL (the reference).

Both run the shapes in advanced mode (SHACL-AF: the `sh:sparql` constraint of the source sentences) over
data that already holds its RDFS entailments (`kg.quality.rdfs`, so no engine inference), with warnings
allowed, and return whether the data conforms and the `sh:ValidationReport` graph. Over every graph the
tests validate, in whole-graph mode, the two give the same results (tests/quality/test_shacl_engines.py):
`sh:sparql`, `sh:or`, `sh:not`, `sh:node`, `sh:qualifiedValueShape`, `sh:lessThan`, alternative paths and
the messages all agree, and turbo keeps the blank-node identifiers of the shapes in `sh:sourceShape`.

One difference, in `focus_nodes` mode (records and writes): pySHACL 0.40 filters every shape evaluation
by the focus list, the nested ones too (`pyshacl.shape.Shape.validate`), so a nested shape (`sh:or`,
`sh:not`, `sh:node`, `sh:qualifiedValueShape`) applied to a value that is a literal, or an IRI outside the
list, is skipped and counts as satisfied: a record dated `dcterms:date "30 June 2025"` conforms (the date's
`sh:or` of datatypes is never run). pyshacl-turbo restricts only the targets, as SHACL means it: its focus
results are pySHACL's whole-graph results on the focus nodes. So turbo needs no fallback there, and is not
made to imitate pySHACL. Threads: a turbo program is shared by any number of them (the Rust engine
releases the GIL); pySHACL's one shared part, the parsed SPARQL constraints, is filled under a lock.
"""

from __future__ import annotations

import threading
from typing import Any, Protocol

import pyshacl
import pyshacl_turbo
from pyshacl.errors import ReportableRuntimeError
from rdflib import Graph, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query

from kg.errors import ValidationEngineError
from kg.settings import ShaclEngineName


class ShaclEngine(Protocol):
    """Validates data (with its entailments) against shapes loaded once."""

    def data_graph(self) -> Graph:
        """An empty graph for the data to validate (the engine may need its own kind)."""
        ...

    def run(self, data: Graph, focus_nodes: list[URIRef] | None) -> tuple[bool, Graph]:
        """Whether `data` conforms (only the focus nodes, if any), and the report graph."""
        ...


class PreparedQueryGraph(Graph):
    """A graph that parses each SPARQL text once: pySHACL runs a SPARQL constraint's text per focus node.

    rdflib's SPARQL parser (pyparsing) is not thread-safe: two threads parsing at once fail with
    "Param.postParse2() missing 1 required positional argument" (issue 10), so parsing holds a lock.
    """

    def __init__(self, prepared: dict[str, Query], lock: threading.Lock) -> None:
        super().__init__()
        self._prepared = prepared
        self._lock = lock

    def query(self, query_object: object, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        if isinstance(query_object, str):
            prepared = self._prepared.get(query_object)
            if prepared is None:
                with self._lock:
                    prepared = self._prepared.get(query_object)
                    if prepared is None:
                        prepared = self._prepared[query_object] = prepareQuery(query_object)
            query_object = prepared
        return super().query(query_object, *args, **kwargs)  # type: ignore[arg-type]


class PyshaclEngine:
    """pySHACL, the reference: pure Python, it reads the shapes graph on every call."""

    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self._prepared: dict[str, Query] = {}
        self._parsing = threading.Lock()

    def data_graph(self) -> Graph:
        return PreparedQueryGraph(self._prepared, self._parsing)

    def run(self, data: Graph, focus_nodes: list[URIRef] | None) -> tuple[bool, Graph]:
        try:
            conforms, report, _ = pyshacl.validate(
                data,
                focus_nodes=focus_nodes,
                shacl_graph=self.shapes,
                inference="none",
                advanced=True,
                allow_warnings=True,
                inplace=True,
            )
        except ReportableRuntimeError as error:
            raise ValidationEngineError(f"the SHACL engine could not validate: {error}") from error
        if not isinstance(report, Graph):
            raise ValidationEngineError(f"the SHACL engine returned no report graph: {report}")
        return bool(conforms), report


class TurboEngine:
    """pyshacl-turbo: the shapes compiled once (Rust); a compiled program may serve many threads at once."""

    def __init__(self, shapes: Graph) -> None:
        try:
            self._compiled = pyshacl_turbo.compile_shapes(shapes, advanced=True)
        except (pyshacl_turbo.ValidationFailure, RuntimeError, ValueError) as error:
            raise ValidationEngineError(
                f"the SHACL engine could not validate: the shapes do not compile: {error}"
            ) from error

    def data_graph(self) -> Graph:
        return Graph()

    def run(self, data: Graph, focus_nodes: list[URIRef] | None) -> tuple[bool, Graph]:
        try:
            conforms, report, _ = self._compiled.validate(
                data, focus_nodes=focus_nodes, allow_warnings=True, inplace=False
            )
        except (pyshacl_turbo.ValidationFailure, RuntimeError, ValueError) as error:
            raise ValidationEngineError(f"the SHACL engine could not validate: {error}") from error
        return bool(conforms), report


def make_engine(name: ShaclEngineName, shapes: Graph) -> ShaclEngine:
    """The engine of that name over the shapes."""
    if name == "turbo":
        return TurboEngine(shapes)
    if name == "pyshacl":
        return PyshaclEngine(shapes)
    raise ValidationEngineError(f"unknown SHACL engine {name!r}: 'turbo' or 'pyshacl'")
