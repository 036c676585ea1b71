"""Answers of SPARQL queries compared by the rules of SPARQL 1.1: solutions as multisets (lists under
ORDER BY), graphs up to blank-node isomorphism, literals by lexical form, datatype and language."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import pyoxigraph as ox

MATCH_STEPS = 200_000  # the blank-node matcher gives up (and says so) past this many steps

Term = tuple[str, ...]  # ("iri", value) | ("bnode", label) | ("literal", lexical form, datatype, language)
Row = tuple[tuple[str, Term], ...]  # a solution (variable, term), sorted; a triple is one of s, p, o
Form = Literal["select", "ask", "graph"]


class MatchBudgetError(RuntimeError):
    """The blank-node matcher ran out of steps: the answers are too symmetric to compare this way."""


@dataclass(frozen=True)
class Answer:
    """A query's answer in comparable form: solutions, a boolean, or the triples of a graph."""

    form: Form
    variables: tuple[str, ...] = ()
    rows: tuple[Row, ...] = ()
    boolean: bool | None = None


def term_of(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Term:
    """A term by exactly what identifies it: an IRI, a blank-node label, a literal's three parts."""
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    if isinstance(term, ox.BlankNode):
        return ("bnode", term.value)
    if isinstance(term, ox.Literal):
        return ("literal", term.value, term.datatype.value, term.language or "")
    raise TypeError(f"unsupported term in a result: {term!r}")


def answer_of(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | Iterable[ox.Triple]) -> Answer:
    """The Answer of an evaluated or parsed result (a parsed graph is an iterable of triples or quads)."""
    if isinstance(result, ox.QueryBoolean):
        return Answer("ask", boolean=bool(result))
    if isinstance(result, ox.QuerySolutions):
        names = tuple(v.value for v in result.variables)
        rows = tuple(
            tuple(sorted((n, term_of(s[n])) for n in names if s[n] is not None))  # type: ignore[arg-type]
            for s in result
        )
        return Answer("select", names, rows)
    triples = {(term_of(t.subject), term_of(t.predicate), term_of(t.object)) for t in result}
    return Answer("graph", ("s", "p", "o"), tuple(tuple(zip("spo", t, strict=True)) for t in sorted(triples)))


def parse_answer(body: bytes, fmt: ox.QueryResultsFormat | ox.RdfFormat) -> Answer:
    """The Answer in a response body: SPARQL results, or a graph."""
    if isinstance(fmt, ox.QueryResultsFormat):
        return answer_of(ox.parse_query_results(body, fmt))
    return answer_of(ox.parse(body, fmt))


def shape(row: Row) -> Row:
    return tuple((name, ("bnode",) if term[0] == "bnode" else term) for name, term in row)


class _Bijection:
    """One consistent renaming of blank nodes, both ways, with an undo log for backtracking."""

    def __init__(self) -> None:
        self.there: dict[str, str] = {}
        self.back: dict[str, str] = {}
        self.log: list[str] = []

    def unify(self, left: Row, right: Row) -> bool:
        mark = len(self.log)
        for (_, a), (_, b) in zip(left, right, strict=True):
            if a[0] != "bnode":
                continue
            if self.there.get(a[1], b[1]) != b[1] or self.back.get(b[1], a[1]) != a[1]:
                self.undo(mark)
                return False
            if a[1] not in self.there:
                self.there[a[1]], self.back[b[1]] = b[1], a[1]
                self.log.append(a[1])
        return True

    def undo(self, mark: int) -> None:
        while len(self.log) > mark:
            label = self.log.pop()
            del self.back[self.there.pop(label)]


def same_rows(left: Sequence[Row], right: Sequence[Row], *, ordered: bool = False) -> bool:
    """Whether two lists (or multisets) of rows are equal up to one bijection of blank-node labels."""
    if len(left) != len(right) or Counter(map(shape, left)) != Counter(map(shape, right)):
        return False
    mapping = _Bijection()
    if ordered:
        return all(shape(a) == shape(b) and mapping.unify(a, b) for a, b in zip(left, right, strict=True))
    ground = [row for row in left if shape(row) == row]
    if Counter(ground) != Counter(row for row in right if shape(row) == row):
        return False
    rest = [row for row in left if shape(row) != row]
    candidates: dict[Row, list[int]] = {}
    for index, row in enumerate(right):
        if shape(row) != row:
            candidates.setdefault(shape(row), []).append(index)
    rest.sort(key=lambda row: len(candidates[shape(row)]))
    used: set[int] = set()
    steps = [0]

    def place(position: int) -> bool:
        if position == len(rest):
            return True
        row = rest[position]
        for index in candidates[shape(row)]:
            steps[0] += 1
            if steps[0] > MATCH_STEPS:
                raise MatchBudgetError(f"no blank-node matching found within {MATCH_STEPS} steps")
            mark = len(mapping.log)
            if index not in used and mapping.unify(row, right[index]):
                used.add(index)
                if place(position + 1):
                    return True
                used.discard(index)
                mapping.undo(mark)
        return False

    return place(0)


def mismatch(expected: Answer, actual: Answer, *, ordered: bool = False, reduced: bool = False) -> str | None:
    """None when the answers agree by the rules of SPARQL 1.1, otherwise what differs.

    SELECT: the same variables and the same solutions, as a multiset (a list under ORDER BY; a set
    under REDUCED, which may drop some duplicates); ASK: the same boolean; CONSTRUCT and DESCRIBE: the
    same graph. Blank nodes compare up to one bijection over the whole answer; literals by lexical
    form, datatype and language.
    """
    if expected.form != actual.form:
        return f"a {expected.form} answer was expected, got a {actual.form} answer"
    if expected.form == "ask":
        return None if expected.boolean == actual.boolean else f"ASK: {expected.boolean} != {actual.boolean}"
    if expected.form == "select" and expected.variables != actual.variables:
        return f"variables: {list(expected.variables)} != {list(actual.variables)}"
    left, right = expected.rows, actual.rows
    if reduced:
        left, right = tuple(dict.fromkeys(left)), tuple(dict.fromkeys(right))
    if same_rows(left, right, ordered=ordered and expected.form == "select"):
        return None
    return "different solutions" if expected.form == "select" else "different graphs (not isomorphic)"


def render_term(term: Term) -> str:
    if term[0] == "iri":
        return f"<{term[1]}>"
    if term[0] == "bnode":
        return f"_:{term[1]}"
    text = json.dumps(term[1], ensure_ascii=False)
    return f"{text}@{term[3]}" if term[3] else f"{text}^^<{term[2]}>"


def lines_of(answer: Answer) -> list[str]:
    """One line per solution (?name=term ...) or triple (N-Triples), or the boolean."""
    if answer.form == "ask":
        return [str(answer.boolean)]
    if answer.form == "graph":
        return [" ".join(render_term(t) for _, t in row) + " ." for row in answer.rows]
    return [" ".join(f"?{n}={render_term(t)}" for n, t in row) or "(empty solution)" for row in answer.rows]


def render(answer: Answer, *, ordered: bool = True, limit: int = 60) -> str:
    """An answer for a failure message, its lines sorted unless the order counts."""
    lines = lines_of(answer) if ordered else sorted(lines_of(answer))
    if answer.form == "ask":
        return f"  {lines[0]}"
    head = f"  variables {list(answer.variables)}, {len(lines)} row(s)" if answer.form == "select" else ""
    shown = [f"  {line}" for line in lines[:limit]]
    more = [f"  ... {len(lines) - limit} more"] if len(lines) > limit else []
    return "\n".join(filter(None, [head, *shown, *more])) or "  (no triples)"
