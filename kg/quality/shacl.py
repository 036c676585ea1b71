"""SHACL validation of records and of the built graph, against the shapes and the ontology."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.formats.parsing import rdflib_term
from kg.namespaces import RDF, SH
from kg.quality.engines import make_engine
from kg.quality.neighbourhood import Neighbourhood, TypingPredicates
from kg.quality.rdfs import RdfsSchema
from kg.settings import ShaclEngineName, get_settings
from kg.store.interface import KnowledgeStore, StoreChanges
from kg.store.remote_reads import RemoteReads
from kg.store.remote_slice import RemoteSlice


@dataclass(frozen=True)
class Violation:
    """One result of a SHACL report, flattened for people and JSON."""

    severity: str
    focus_node: str
    path: str | None
    value: str | None
    message: str
    source_shape: str | None


@dataclass
class ValidationOutcome:
    """What validation found: conformance, the report graph and a readable text."""

    conforms: bool
    report_graph: Graph
    report_text: str
    violations: list[Violation] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        """A JSON-ready summary."""
        return {
            "conforms": self.conforms,
            "violations": [vars(v) for v in self.violations],
            "count": len(self.violations),
        }


def _text(node: Node | None) -> str | None:
    if node is None:
        return None
    return str(node) if isinstance(node, URIRef | Literal) else node.n3()


def _short(iri: str | None) -> str:
    if iri is None:
        return "-"
    return iri.rsplit("#", 1)[-1] if "#" in iri else iri


_PATH_OPERATORS = ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?"))


def _path_text(report: Graph, path: Node | None) -> str | None:
    """A result path: the IRI of a predicate, or a SHACL path as a SPARQL property path."""
    if path is None or isinstance(path, URIRef | Literal):
        return _text(path)

    def render(node: Node) -> str:
        if isinstance(node, URIRef):
            return f"<{node}>"
        if (alternatives := report.value(node, SH.alternativePath)) is not None:
            return "(" + "|".join(render(n) for n in Collection(report, alternatives)) + ")"
        if (inverse := report.value(node, SH.inversePath)) is not None:
            return "^" + render(inverse)
        for operator, suffix in _PATH_OPERATORS:
            if (inner := report.value(node, operator)) is not None:
                return render(inner) + suffix
        if report.value(node, RDF.first) is not None:
            return "(" + "/".join(render(n) for n in Collection(report, node)) + ")"
        return node.n3()

    return render(path)


def _short_path(path: str) -> str:
    """A path with each IRI shortened to its local name after '#' (as in `_short`)."""
    if not path.startswith(("<", "(", "^")):
        return _short(path)
    return re.sub(r"<([^>]*)>", lambda match: _short(match.group(1)), path)


def violations_of(report: Graph) -> list[Violation]:
    """The results of a sh:ValidationReport, in a stable order.

    Only the report's own results (sh:result) count: the results nested in them as sh:detail
    (why a value failed an sh:node shape) explain a result and are not violations of their own.
    """
    found = []
    reports = report.subjects(RDF.type, SH.ValidationReport)
    results = {result for node in reports for result in report.objects(node, SH.result)}
    for result in results:
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        found.append(
            Violation(
                severity=_short(_text(report.value(result, SH.resultSeverity))),
                focus_node=_text(report.value(result, SH.focusNode)) or "",
                path=_path_text(report, report.value(result, SH.resultPath)),
                value=_text(report.value(result, SH.value)),
                message="; ".join(messages) or "constraint violated",
                source_shape=_text(report.value(result, SH.sourceShape)),
            )
        )
    return sorted(found, key=lambda v: (v.focus_node, v.path or "", v.message))


def readable_report(violations: list[Violation]) -> str:
    """One line per violation: severity, focus node, path, message."""
    if not violations:
        return "Conforms: the data satisfies every shape."
    lines = [f"Does not conform: {len(violations)} result(s)."]
    for v in violations:
        path = f" {_short_path(v.path)}" if v.path else ""
        value = f" (value: {v.value})" if v.value is not None else ""
        lines.append(f"- [{v.severity}] <{v.focus_node}>{path}: {v.message}{value}")
    return "\n".join(lines)


class Validator:
    """Loads the shapes and the ontology once, then validates any number of graphs, from many threads.

    `engine` is the SHACL engine (`kg.quality.engines`; default: the `shacl_engine` setting); the
    outcome has the same shape whichever it is.
    """

    def __init__(self, shapes_path: Path, ontology_path: Path, engine: ShaclEngineName | None = None) -> None:
        self.shapes = Graph().parse(shapes_path, format="turtle")
        self.ontology = Graph().parse(ontology_path, format="turtle")
        self.schema = RdfsSchema(self.ontology)
        self.engine = make_engine(engine or get_settings().shacl_engine, self.shapes)

    def validate(
        self, data: Graph, focus_nodes: list[URIRef] | None = None, *, whole_ontology: bool = True
    ) -> ValidationOutcome:
        """Validate a graph (only the given focus nodes, if any); ValidationEngineError when it cannot."""
        entailed = self.schema.entailed(data, into=self.engine.data_graph(), whole_ontology=whole_ontology)
        conforms, report = self.engine.run(entailed, focus_nodes)
        violations = violations_of(report)
        return ValidationOutcome(conforms, report, readable_report(violations), violations)

    def validate_record(self, record: Graph, store: KnowledgeStore | None = None) -> ValidationOutcome:
        """Judge a record as it would be judged once stored: in its neighbourhood in the store.

        Blank nodes are skolemized so they can be named as focus nodes; the focus and the data are
        those of a write of the record (kg.quality.neighbourhood): the record's subjects and the
        nodes it gives a new type, with what the store says about what they point at.
        """
        if store is None:
            return self.validate(record)
        data, focus = record_scope(record, store, self.schema)
        return self.validate(data, focus_nodes=focus, whole_ontology=False)


def scope_of(neighbourhood: Neighbourhood) -> tuple[Graph, list[URIRef]]:
    """The data and focus nodes a change is validated on; blank nodes skolemized (in both, the same way),
    since a SHACL engine takes only IRIs as focus nodes."""
    focus = neighbourhood.focus()
    nodes = sorted((_named(rdflib_term(node)) for node in focus), key=str)
    return neighbourhood.graph(focus).skolemize(), nodes


def _named(node: Node) -> URIRef:
    return node.skolemize() if isinstance(node, BNode) else node  # type: ignore[return-value]


def record_scope(record: Graph, store: KnowledgeStore, schema: RdfsSchema) -> tuple[Graph, list[URIRef]]:
    """What a record is validated in (itself, skolemized, in its store neighbourhood) and its focus nodes."""
    named = record.skolemize()
    graph = ox.NamedNode("urn:qcollab:record-under-validation")
    parsed = ox.parse(named.serialize(format="nt"), ox.RdfFormat.N_TRIPLES)
    record_quads = (ox.Quad(t.subject, t.predicate, t.object, graph) for t in parsed)
    change = StoreChanges(added=store.canonical(record_quads))
    if isinstance(store, RemoteReads):  # read ahead in a few requests, not one per pattern
        store = RemoteSlice(store)  # type: ignore[assignment]
    return scope_of(Neighbourhood(store, change, TypingPredicates.of(schema)))
