"""Parity cases (a TriG file and a query each): loading them, their expected answers, reporting a mismatch."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox
from parity_compare import Answer, answer_of, lines_of, mismatch, render, shape

CASES = Path(__file__).resolve().parent / "cases"
DATASET_MARKER = "#DATASET"  # a line of its own, where the harness writes FROM / FROM NAMED
EXPECT_EMPTY = "#EXPECT-EMPTY"  # a line of its own: the expected answer has no solutions
CASE_GRAPHS = "http://example.org/parity/"  # the default graph of case NAME goes to CASE_GRAPHS/NAME/default

# strings, IRIs and comments: what a keyword found in a query must not be inside
_NOT_CODE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|<[^<>"{}|^`\s]*>'
    r"|#[^\n\r]*",
    re.DOTALL,
)


class CaseError(ValueError):
    """A case the harness cannot run as written."""


def outer_code(sparql: str) -> str:
    """The query outside strings, IRIs, comments and braces: its prologue, form, dataset and modifiers."""
    code, depth, kept = _NOT_CODE.sub(" ", sparql), 0, []
    for char in code:
        depth += char == "{"
        kept.append(char if depth == 0 else " ")
        depth -= char == "}"
    return "".join(kept)


def _has(keyword: str, code: str) -> bool:
    return re.search(rf"(?<![\w:?$]){keyword}(?![\w:-])", code, re.IGNORECASE) is not None


@dataclass(frozen=True)
class Case:
    """One case: the graphs of its dataset (as N-Triples) and its query."""

    name: str
    query: str
    data: bytes  # the TriG file
    default: bytes
    named: tuple[tuple[str, bytes], ...]

    @property
    def default_graph(self) -> str:
        return f"{CASE_GRAPHS}{self.name}/default"

    @property
    def own_dataset(self) -> bool:
        """Whether the query names its dataset itself (FROM or FROM NAMED)."""
        return _has("FROM", outer_code(self.query))

    @property
    def ordered(self) -> bool:
        """Whether the query's results are ordered (ORDER BY of the outer query, not of a subquery)."""
        return _has(r"ORDER\s+BY", outer_code(self.query))

    @property
    def reduced(self) -> bool:
        return _has("REDUCED", outer_code(self.query))

    @property
    def expect_empty(self) -> bool:
        return any(line.strip() == EXPECT_EMPTY for line in self.query.splitlines())

    def with_dataset(self) -> str:
        """The query with FROM <default graph> and FROM NAMED <each named graph> at the marker."""
        clauses = [f"FROM <{self.default_graph}>", *(f"FROM NAMED <{iri}>" for iri, _ in self.named)]
        lines = [
            " ".join(clauses) if line.strip() == DATASET_MARKER else line for line in self.query.splitlines()
        ]
        return "\n".join(lines) + "\n"


def case_names(folder: Path = CASES) -> list[str]:
    """Every case in the folder (a NAME.rq with its NAME.trig), sorted."""
    return sorted(path.stem for path in folder.glob("*.rq"))


def load_case(name: str, folder: Path = CASES) -> Case:
    """Read a case and check that the harness can set it up as written."""
    query = (folder / f"{name}.rq").read_text(encoding="utf-8")
    data = (folder / f"{name}.trig").read_bytes()
    graphs: dict[str, list[ox.Triple]] = {}
    owners: dict[str, str] = {}
    for quad in ox.parse(data, ox.RdfFormat.TRIG):
        graph = "" if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        if isinstance(quad.graph_name, ox.BlankNode) or (
            graph and not graph.startswith("http://example.org/")
        ):
            raise CaseError(f"{name}: named graphs must be IRIs under http://example.org/, not {graph}")
        for term in (quad.subject, quad.object):
            if isinstance(term, ox.BlankNode) and owners.setdefault(term.value, graph) != graph:
                raise CaseError(f"{name}: blank node _:{term.value} is in two graphs (they are loaded apart)")
        graphs.setdefault(graph, []).append(ox.Triple(quad.subject, quad.predicate, quad.object))
    markers = sum(line.strip() == DATASET_MARKER for line in query.splitlines())
    default = _ntriples(graphs.pop("", []))
    case = Case(name, query, data, default, tuple((g, _ntriples(t)) for g, t in graphs.items()))
    if case.own_dataset == (markers == 1) or markers > 1:
        raise CaseError(f"{name}: a query needs one {DATASET_MARKER} line, or FROM / FROM NAMED of its own")
    return case


def expected_answer(case: Case) -> Answer:
    """The spec's answer: the engine in process, over the case's dataset, no prefixes predeclared."""
    store = ox.Store()
    store.load(case.data, format=ox.RdfFormat.TRIG)
    return answer_of(store.query(case.query))


def _ntriples(triples: Sequence[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) if triples else b""


def report(case: Case, expected: Answer, variant: str, query: str, actual: Answer | str) -> str | None:
    """None when a variant's answer (or the error it got instead) is the expected one; else what differs,
    the solutions or triples without blank nodes found on one side only, and both answers."""
    ordered = case.ordered and expected.form == "select"
    if isinstance(actual, str):
        problem, diff, shown = actual, "", f"  {actual}"
    else:
        problem = mismatch(expected, actual, ordered=case.ordered, reduced=case.reduced)
        mine, theirs = _ground_lines(expected), _ground_lines(actual)
        only = [f"  - {line}\n" for line in sorted(mine - theirs)[:10]]
        only += [f"  + {line}\n" for line in sorted(theirs - mine)[:10]]
        diff = "".join(["only in the expected answer (-), only in the actual one (+):\n", *only])
        shown = render(actual, ordered=ordered)
    if problem is None:
        return None
    return (
        f"{case.name}, variant {variant}: {problem}\nquery sent:\n{query}\n{diff}"
        f"expected (pyoxigraph in process):\n{render(expected, ordered=ordered)}\n"
        f"actual (over HTTP):\n{shown}"
    )


def _ground_lines(answer: Answer) -> Counter[str]:
    return Counter(lines_of(replace(answer, rows=tuple(r for r in answer.rows if shape(r) == r))))
