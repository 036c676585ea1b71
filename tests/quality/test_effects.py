"""The effect of a SPARQL Update, worked out before it runs, equals what the engine does when it runs it."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.errors import RdfSyntaxError, UpdateFailedError
from kg.quality.effects import check_syntax, effect_of
from kg.store.oxigraph import OxigraphStore

START = """PREFIX ex: <http://ex/>
INSERT DATA { ex:a ex:p ex:b . ex:a ex:q "x" .
  GRAPH ex:g1 { ex:a ex:p ex:c . ex:c ex:p ex:d . _:z ex:p ex:a } GRAPH ex:g2 { ex:b ex:p ex:e } }"""
WORKED_OUT = [
    "INSERT DATA { <http://ex/n> <http://ex/p> 1 }",
    "PREFIX ex: <http://ex/> DELETE DATA { ex:a ex:p ex:b } ; INSERT DATA { GRAPH ex:g1 { ex:a ex:p ex:b } }",
    "PREFIX ex: <http://ex/> INSERT DATA { ex:a ex:p ex:b } ; DELETE DATA { ex:a ex:p ex:b }",
    "PREFIX ex: <http://ex/> DELETE WHERE { GRAPH ?g { ex:a ex:p ?o } }",
    "PREFIX ex: <http://ex/> DELETE { GRAPH ?g { ?s ex:p ?o } } INSERT { GRAPH ?g { ?s ex:r ?o } } "
    "WHERE { GRAPH ?g { ?s ex:p ?o } }",
    "PREFIX ex: <http://ex/> WITH ex:g1 DELETE { ?s ex:p ?o } INSERT { ?o ex:inv ?s . "
    "GRAPH ex:g3 { ?s ex:seen true } } WHERE { ?s ex:p ?o }",
    "PREFIX ex: <http://ex/> INSERT { ?s ex:copy ?o } USING ex:g1 WHERE { ?s ex:p ?o }",
    "PREFIX ex: <http://ex/> INSERT { ?s ex:copy ?o } USING NAMED ex:g1 WHERE { GRAPH ?g { ?s ex:p ?o } }",
    "PREFIX ex: <http://ex/> INSERT { ?s ex:copy [ ex:v ?o ] } WHERE { ?s ?p ?o FILTER(?p = ex:p) }",
    "PREFIX ex: <http://ex/> DELETE { ex:a ?p ?o } "
    "WHERE { ex:a ?p ?o OPTIONAL { ?o ex:p ?x } FILTER(!BOUND(?x)) }",
    'PREFIX ex: <http://ex/>\n# a comment with { brace ;\n'
    'INSERT { ?s ex:label "a ; b { c" } WHERE { ?s ex:q ?o }',
    "PREFIX ex: <http://ex/> INSERT { GRAPH ?g { ?s ex:again ?o } } WHERE { GRAPH ?g { ?s ex:p ?o } } ;",
    "PREFIX ex: <http://ex/> DROP GRAPH ex:g1",
    "PREFIX ex: <http://ex/> CLEAR GRAPH ex:g1",
    "PREFIX ex: <http://ex/> CLEAR DEFAULT",
    "CLEAR ALL",
    "DROP NAMED",
    "DROP SILENT GRAPH <http://ex/none>",
    "INSERT DATA { GRAPH <http://ex/new> { <http://ex/n> <http://ex/p> 1 } }",
    "CREATE GRAPH <http://ex/new>",
    "CREATE SILENT GRAPH <http://ex/g1>",
    "ADD <http://ex/g1> TO <http://ex/g2>",
    "PREFIX ex: <http://ex/> ADD GRAPH ex:g1 TO DEFAULT",
    "ADD DEFAULT TO <http://ex/fresh>",
    "ADD SILENT <http://ex/none> TO <http://ex/g2>",
    "COPY <http://ex/g1> TO <http://ex/g2>",
    "COPY DEFAULT TO <http://ex/g1>",
    "COPY <http://ex/g1> TO <http://ex/g1>",
    "MOVE <http://ex/g1> TO <http://ex/g2>",
    "MOVE <http://ex/g2> TO DEFAULT",
    "MOVE DEFAULT TO GRAPH <http://ex/fresh>",
    "MOVE SILENT <http://ex/none> TO <http://ex/g2>",
    "PREFIX ex: <http://ex/> COPY ex:g1 TO ex:g3 ; ADD ex:g2 TO ex:g4",
    "PREFIX ex: <http://ex/> INSERT DATA { GRAPH ex:g9 { ex:n ex:p 1 } } ; CLEAR GRAPH ex:g1 ; DROP DEFAULT",
]
ON_A_COPY = [
    "PREFIX ex: <http://ex/> INSERT DATA { GRAPH ex:g1 { ex:n ex:p 1 } } ; COPY ex:g1 TO ex:g2",
    "PREFIX ex: <http://ex/> COPY ex:g1 TO ex:g2 ; CLEAR NAMED",
    "PREFIX ex: <http://ex/> INSERT DATA { ex:n ex:p 1 } ; DELETE WHERE { ?s ex:p 1 }",
]


def state(store: OxigraphStore) -> tuple[list[str], set[str]]:
    """The quads (blank nodes renamed alike) and the named graphs of a store."""

    def plain(term: object) -> object:
        return ox.BlankNode("b") if isinstance(term, ox.BlankNode) else term

    quads = sorted(
        str(ox.Quad(plain(q.subject), q.predicate, plain(q.object), q.graph_name)) for q in store.quads()
    )
    return quads, set(store.named_graphs())


def fresh() -> OxigraphStore:
    store = OxigraphStore(None)
    store.update(START)
    return store


@pytest.mark.parametrize("update", WORKED_OUT)
def test_the_worked_out_effect_is_what_the_engine_does(update: str) -> None:
    ours, engine = fresh(), fresh()
    check_syntax(update)
    effect = effect_of(ours, update)
    assert effect is not None
    ours.apply(effect)
    engine.update(update)
    assert state(ours) == state(engine)


@pytest.mark.parametrize("update", ON_A_COPY)
def test_what_is_not_worked_out_is_left_to_a_copy(update: str) -> None:
    assert effect_of(fresh(), update) is None


def test_a_syntax_error_has_its_line_and_column() -> None:
    with pytest.raises(RdfSyntaxError) as error:
        check_syntax("PREFIX ex: <http://ex/>\nINSERT DATA { ex:a ex:p }")
    assert error.value.line == 2


def test_dropping_a_missing_graph_is_refused_unless_silent() -> None:
    with pytest.raises(UpdateFailedError, match="does not exist"):
        effect_of(fresh(), "DROP GRAPH <http://ex/none>")
    assert not effect_of(fresh(), "DROP SILENT GRAPH <http://ex/none>")
