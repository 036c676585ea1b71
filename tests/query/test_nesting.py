"""The nesting scanner (kg.query.nesting): how deep a request's brackets nest, however `<` is read."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import InputError, QueryTooDeepError
from kg.query.nesting import check_nesting, deepest, walk
from kg.settings import Settings

W = "SELECT * WHERE "

CASES = [  # (request, how deep its brackets nest, for the deepest reading)
    ("", 0),
    (W + "{ ?s ?p ?o }", 1),
    (W + "{ { { ?s ?p ?o } } }", 3),
    (W + "{ ?s ?p ?o FILTER((?o)) }", 3),
    (W + "{ ?s ?p [ ?q [ ?r () ] ] }", 4),
    (W + "{ ?s ?p ?o } ORDER BY (?o) LIMIT 1", 1),
    # strings: the four quote forms, escapes, brackets and quotes inside
    (W + "{ ?s ?p '{{{(((' }", 1),
    (W + '{ ?s ?p "[[[" }', 1),
    (W + "{ ?s ?p '''{\n{'{'''  }", 1),
    (W + '{ ?s ?p """a"{""{""" }', 1),
    (W + '{ ?s ?p "a\\"{{" }', 1),
    (W + "{ ?s ?p 'it\\'s {' }", 1),
    (W + "{ ?s ?p '\\\\' FILTER(1) }", 2),
    (W + '{ ?s ?p """""" FILTER(1) }', 2),
    (W + '{ ?s ?p "\\u007B" }', 1),
    # comments, ended by a line feed or a carriage return, and `#` that starts none
    (W + "{ # {{{{ ((((\n ?s ?p ?o }", 1),
    (W + "{ ?s ?p ?o } # }\r FILTER(1)", 1),
    (W + "{ ?s ?p '#' FILTER((1)) }", 3),
    ("PREFIX ex: <http://e/> " + W + "{ ?s ex:a\\#b ?o FILTER((1)) }", 3),
    ("PREFIX ex: <http://e/> " + W + "{ ?s ex:a\\(b ?o }", 1),
    # IRIs: brackets and `#` inside them are not code
    (W + "{ ?s <http://en.wikipedia.org/wiki/Qubit_(physics)> ?o }", 1),
    ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" + W + "{ ?s rdfs:label ?o }", 1),
    (W + "{ ?s <http://e/p#x> ?o . ?o <http://e/q#y> ( 1 2 ) }", 2),
    ("BASE <http://e/> " + W + "{ ?s <#p> ?o }", 1),
    # `<` as the less-than operator: what follows is code, even when it looks like an IRI
    (W + "{ ?s ?p ?o FILTER(?o < 3 && (?o > 1)) }", 3),
    (W + "{ ?s ?p ?o FILTER(?o<3&&(?o>1)) }", 3),
    (W + "{ ?s ?p ?o FILTER(?o <= (1)) }", 3),
    (W + "{ ?s ?p ?o FILTER(1<((1>0))) }", 4),
    (W + "{ ?s ?p ?o FILTER(1<((1#>))\n+1<((1#>))\n) }", 6),
    (W + "{ ?s ?p ?o FILTER(?o<<http://e/x>) }", 3),
    # triple terms and reifiers
    (W + "{ << << ?a ?b ?c >> ?b ?c >> ?p ?o }", 3),
    (W + "{ ?s ?p <<( ?a ?b ?c )>> }", 3),
    (W + "{ ?s ?p ?o {| ?q ?z |} }", 2),
    (W + "{ << ?a ?b <http://e/c>>> ?p ?o }", 2),
    # where no parser reads on: a quote that opens no string, a bracket that closes nothing
    (W + "{ ?s ?p 'abc" + "{" * 100, 1),
    (W + "{ ?s ?p ?o } } " + "{" * 100, 1),
]


@pytest.mark.parametrize(("text", "depth"), CASES)
def test_the_scanner_finds_how_deep_the_brackets_nest(text: str, depth: int) -> None:
    assert deepest(text).depth == depth


@pytest.mark.parametrize(
    "hidden",
    [
        "SELECT * WHERE { ?s ?p ?o FILTER(1<" + "(" * 5000 + "1>0" + ")" * 5000 + ") }",
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "1<((((1#>))))\n+" * 1250 + "1) }",
        "SELECT * WHERE { ?s ?p ?o FILTER(?o<'a>'" + "(" * 5000 + "1" + ")" * 5000 + ") }",
        "SELECT * WHERE " + "<<( " * 2500 + "?a ?b ?c" + " )>>" * 2500,
        "SELECT * WHERE " + "<< " * 5000 + "?a ?b ?c" + " >>" * 5000,
    ],
    ids=[
        "iri-shaped-operands",
        "hash-in-iri-shaped-operands",
        "quote-in-iri-shaped",
        "triple-terms",
        "reifiers",
    ],
)
def test_brackets_hidden_behind_an_ambiguous_less_than_are_counted(hidden: str) -> None:
    with pytest.raises(QueryTooDeepError):
        check_nesting(hidden, 64)


def test_the_error_names_the_limit_and_where_it_was_passed() -> None:
    text = "SELECT *\nWHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000
    with pytest.raises(QueryTooDeepError) as raised:
        check_nesting(text, 64)
    error = raised.value
    assert isinstance(error, InputError)
    assert (error.limit, error.line, error.column) == (64, 2, 6 + 65)
    assert (
        "64" in str(error) and "QCOLLAB_MAX_QUERY_NESTING" in str(error) and "line 2, column 71" in str(error)
    )


def test_a_request_at_the_limit_passes() -> None:
    check_nesting(W + "{" * 64 + " ?s ?p ?o " + "}" * 64, 64)


def test_the_limit_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().max_query_nesting == 64
    monkeypatch.setenv("QCOLLAB_MAX_QUERY_NESTING", "100000")
    assert Settings().max_query_nesting == 100_000


@pytest.mark.parametrize(
    ("brackets", "entered", "expected"),
    [
        ("", 3, (3, 3, -1)),
        ("((()))", 0, (0, 3, 2)),
        ("(){}[]", 2, (2, 3, 0)),
        ("())", 0, (None, 1, 0)),
        ("{" * 100_000 + "}" * 100_000, 0, (0, 100_000, 99_999)),  # counted in chunks
        ("{}" * 100_000 + "}", 0, (None, 1, 0)),
    ],
)
def test_walk_counts_brackets_alone(
    brackets: str, entered: int, expected: tuple[int | None, int, int]
) -> None:
    assert walk(brackets, entered) == expected


def test_walk_stops_at_the_first_bracket_past_the_limit() -> None:
    assert walk("(" * 10 + ")" * 10, 0, limit=4) == (None, 5, 4)
    assert walk("()" * 100_000 + "(" * 10, 0, limit=4) == (None, 5, 200_004)


def _nested(draw: st.DrawFn, depth: int) -> str:
    """A request fragment whose brackets nest exactly `depth` deep, with distractors between."""
    filler = draw(
        st.sampled_from(
            ["?s ?p ?o .", "'{('", '"""]\n}"""', "# ((\n", "<http://e/a(b)#c>", "?o < 3", "ex:a\\("]
        )
    )
    if depth == 0:
        return filler
    opener, closer = draw(st.sampled_from([("{", "}"), ("(", ")"), ("[", "]"), ("<< ", " >>")]))
    inner = _nested(draw, depth - 1)
    return f"{filler} {opener} {inner} {closer} {filler}"


@st.composite
def nested_requests(draw: st.DrawFn) -> tuple[str, int]:
    depth = draw(st.integers(0, 40))
    return _nested(draw, depth), depth


@settings(max_examples=200, deadline=None, database=None)
@given(nested_requests())
def test_generated_nesting_is_found_exactly(request: tuple[str, int]) -> None:
    text, depth = request
    assert deepest(text).depth == depth


@pytest.mark.parametrize(
    "pattern",
    ["{}", "<a#>\n", "'a'{}", "(<a>)", '"""' + 'a""', "<<<a>", "< ", "\\", "'"],
)
def test_the_scan_is_linear_in_the_length(pattern: str) -> None:
    """A megabyte of the worst patterns found takes about a second (quadratic would take hours)."""
    text = pattern * (1_000_000 // len(pattern))
    started = time.process_time()
    deepest(text, 64)
    assert time.process_time() - started < 10
