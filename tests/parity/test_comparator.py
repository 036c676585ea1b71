"""The parity harness can fail: its comparator and its case checks, without a server."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from parity_compare import Answer, mismatch, parse_answer, same_rows
from parity_support import Case, CaseError, load_case, report

JSON = ox.QueryResultsFormat.JSON
XSD = "http://www.w3.org/2001/XMLSchema#"


def solutions(*rows: dict[str, dict[str, str]], variables: tuple[str, ...] = ("x", "y")) -> Answer:
    """An answer parsed from SPARQL JSON results, as the harness reads the service's."""
    body = {"head": {"vars": list(variables)}, "results": {"bindings": list(rows)}}
    return parse_answer(json.dumps(body).encode(), JSON)


def lit(value: str, datatype: str = f"{XSD}string", lang: str = "") -> dict[str, str]:
    return {"type": "literal", "value": value, **({"xml:lang": lang} if lang else {"datatype": datatype})}


def bnode(label: str) -> dict[str, str]:
    return {"type": "bnode", "value": label}


def iri(value: str) -> dict[str, str]:
    return {"type": "uri", "value": f"http://example.org/{value}"}


def graph(text: str) -> Answer:
    return parse_answer(text.encode(), ox.RdfFormat.N_TRIPLES)


def test_a_literal_of_another_datatype_is_a_different_answer() -> None:
    one = solutions({"x": iri("a"), "y": lit("1", f"{XSD}integer")})
    other = solutions({"x": iri("a"), "y": lit("1", f"{XSD}decimal")})
    assert mismatch(one, other) == "different solutions"
    assert mismatch(one, solutions({"x": iri("a"), "y": lit("01", f"{XSD}integer")})) is not None
    assert mismatch(one, solutions({"x": iri("a"), "y": lit("1")})) is not None


def test_language_tags_and_plain_literals_compare_exactly() -> None:
    english = solutions({"x": lit("chat", lang="en")})
    assert mismatch(english, solutions({"x": lit("chat", lang="en-gb")})) is not None
    assert mismatch(english, solutions({"x": lit("chat")})) is not None
    assert mismatch(english, solutions({"x": lit("chat", lang="en")})) is None


def test_answers_that_differ_only_in_blank_node_labels_are_the_same() -> None:
    one = solutions({"x": bnode("a"), "y": bnode("b")}, {"x": bnode("b"), "y": iri("c")}, {"x": bnode("a")})
    p, q = bnode("p"), bnode("q")
    renamed = solutions({"x": q, "y": iri("c")}, {"x": p}, {"x": p, "y": q})
    assert mismatch(one, renamed) is None


def test_one_renaming_holds_for_the_whole_answer() -> None:
    same_node_twice = solutions({"x": bnode("a"), "y": bnode("a")})
    assert mismatch(same_node_twice, solutions({"x": bnode("m"), "y": bnode("n")})) is not None
    two_nodes = solutions({"x": bnode("a")}, {"x": bnode("b")})
    assert mismatch(two_nodes, solutions({"x": bnode("c")}, {"x": bnode("c")})) is not None
    assert mismatch(two_nodes, solutions({"x": bnode("c")}, {"x": bnode("d")})) is None


def test_solutions_are_a_multiset_a_list_under_order_by_and_a_set_under_reduced() -> None:
    a, b = {"x": iri("a")}, {"x": iri("b")}
    assert mismatch(solutions(a, a, b), solutions(a, b, b)) is not None
    assert mismatch(solutions(a, b), solutions(b, a)) is None
    assert mismatch(solutions(a, b), solutions(b, a), ordered=True) is not None
    assert mismatch(solutions(a, a, b), solutions(a, b), reduced=True) is None
    assert mismatch(solutions(a, a, b), solutions(a, b)) is not None


def test_the_variables_and_the_form_must_agree() -> None:
    row = {"x": iri("a")}
    assert mismatch(solutions(row), solutions(row, variables=("x", "z"))) is not None
    assert mismatch(solutions(row), Answer("ask", boolean=True)) is not None
    assert mismatch(Answer("ask", boolean=True), Answer("ask", boolean=False)) is not None


def test_graphs_compare_up_to_blank_node_isomorphism() -> None:
    chain = "_:a <http://example.org/p> _:b .\n_:b <http://example.org/p> _:c .\n"
    assert mismatch(graph(chain), graph(chain.replace("_:a", "_:z").replace("_:c", "_:a"))) is None
    loop = "_:a <http://example.org/p> _:b .\n_:b <http://example.org/p> _:a .\n"
    assert mismatch(graph(chain), graph(loop)) == "different graphs (not isomorphic)"
    typed = '<http://example.org/s> <http://example.org/p> "1"^^<http://www.w3.org/2001/XMLSchema#int> .\n'
    assert mismatch(graph(typed), graph(typed.replace("#int", "#integer"))) is not None


def pair(x: str, y: str) -> tuple[tuple[str, tuple[str, str]], ...]:
    return (("x", ("bnode", x)), ("y", ("bnode", y)))


def test_the_matcher_backtracks_past_a_wrong_first_choice() -> None:
    """The first row's first partner (a->y, b->z) leaves the second row none: only a->x, b->y, c->z fits."""
    assert same_rows([pair("a", "b"), pair("b", "c")], [pair("y", "z"), pair("x", "y")])
    assert not same_rows([pair("a", "b"), pair("b", "a")], [pair("y", "z"), pair("x", "y")])


def test_a_mismatch_report_shows_both_answers() -> None:
    case = Case("demo", "SELECT ?x ?y WHERE { ?x ?p ?y }\n", b"", b"", ())
    expected = solutions({"x": iri("a"), "y": lit("1", f"{XSD}integer")})
    actual = solutions({"x": iri("a"), "y": lit("1", f"{XSD}decimal")})
    message = report(case, expected, "v", case.query, actual) or ""
    assert f'?x=<http://example.org/a> ?y="1"^^<{XSD}integer>' in message
    assert f'?x=<http://example.org/a> ?y="1"^^<{XSD}decimal>' in message
    assert "  - ?x=<http://example.org/a>" in message and "  + ?x=<http://example.org/a>" in message
    assert report(case, expected, "v", case.query, "HTTP 400: refused") is not None
    assert report(case, expected, "v", case.query, expected) is None


def write_case(folder: Path, name: str, data: str, query: str) -> None:
    (folder / f"{name}.trig").write_text(data, encoding="utf-8")
    (folder / f"{name}.rq").write_text(query, encoding="utf-8")


def test_cases_the_harness_cannot_set_up_are_refused(tmp_path: Path) -> None:
    shared = "_:b <http://example.org/p> 1 .\nGRAPH <http://example.org/g> { _:b <http://example.org/p> 2 }\n"
    write_case(tmp_path, "shared", shared, "SELECT *\n#DATASET\nWHERE { ?s ?p ?o }\n")
    with pytest.raises(CaseError, match="two graphs"):
        load_case("shared", tmp_path)
    write_case(tmp_path, "unmarked", "<http://example.org/s> <http://example.org/p> 1 .\n", "ASK {}\n")
    with pytest.raises(CaseError, match="#DATASET"):
        load_case("unmarked", tmp_path)


def test_the_dataset_goes_where_the_marker_is_and_only_the_outer_order_counts(tmp_path: Path) -> None:
    data = "@prefix ex: <http://example.org/> .\nex:s ex:p 1 .\nGRAPH ex:g { ex:s ex:p 2 }\n"
    query = "SELECT ?s\n#DATASET\nWHERE { { SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 1 } }\n"
    write_case(tmp_path, "marked", data, query)
    case = load_case("marked", tmp_path)
    assert not case.ordered and not case.own_dataset
    assert case.with_dataset().splitlines()[1] == (
        "FROM <http://example.org/parity/marked/default> FROM NAMED <http://example.org/g>"
    )
    own = Case("own", 'SELECT * FROM <http://example.org/g> WHERE { ?s ?p "FROM" } ORDER BY ?s', b"", b"", ())
    assert own.own_dataset and own.ordered
    assert not Case("in-text", 'SELECT * WHERE { ?s ?p "FROM x" } # FROM <y>', b"", b"", ()).own_dataset
