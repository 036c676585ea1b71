"""The protocol's update dataset written into an update's text (SPARQL 1.1 Protocol 2.2.3), checked on the
engine: the rewritten request changes a store exactly as the same request with USING written by hand."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.errors import UpdateDatasetConflictError
from kg.quality.update_request import UpdateRequest

EX = "http://example.org/"
DATA = f"""
<{EX}a> <{EX}p> "in default" .
GRAPH <{EX}g1> {{ <{EX}a> <{EX}p> "in g1" . <{EX}b> <{EX}q> "WHERE USING" }}
GRAPH <{EX}g2> {{ <{EX}a> <{EX}p> "in g2" }}
"""
OUT = f"GRAPH <{EX}out> {{ ?s <{EX}seen> ?o }}"

# (update without dataset, the same update with the clauses written in, using graphs, using named graphs)
CASES = [
    (
        f"INSERT {{ {OUT} }} WHERE {{ ?s <{EX}p> ?o }}",
        f"INSERT {{ {OUT} }} USING <{EX}g1> WHERE {{ ?s <{EX}p> ?o }}",
        [f"{EX}g1"],
        [],
    ),
    (
        f"INSERT {{ {OUT} }} WHERE {{ GRAPH ?g {{ ?s <{EX}p> ?o }} }}",
        f"INSERT {{ {OUT} }} USING NAMED <{EX}g2> WHERE {{ GRAPH ?g {{ ?s <{EX}p> ?o }} }}",
        [],
        [f"{EX}g2"],
    ),
    (
        f'# WHERE in a comment\nINSERT {{ {OUT} }} WHERE {{ ?s ?p ?o FILTER(?o != "USING") }}',
        f'INSERT {{ {OUT} }} USING <{EX}g1> USING <{EX}g2> WHERE {{ ?s ?p ?o FILTER(?o != "USING") }}',
        [f"{EX}g1", f"{EX}g2"],
        [],
    ),
    (
        f"INSERT {{ {OUT} }} WHERE {{ {{ SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }} }} }}",
        f"INSERT {{ {OUT} }} USING <{EX}g2> WHERE {{ {{ SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }} }} }}",
        [f"{EX}g2"],
        [],
    ),
    (
        f"DELETE WHERE {{ GRAPH ?g {{ ?s <{EX}p> ?o }} }}",
        f"DELETE {{ GRAPH ?g {{ ?s <{EX}p> ?o }} }} USING NAMED <{EX}g1> "
        f"WHERE {{ GRAPH ?g {{ ?s <{EX}p> ?o }} }}",
        [],
        [f"{EX}g1"],
    ),
    (
        f"PREFIX ex: <{EX}>\nINSERT DATA {{ ex:x ex:p 1 }} ;\n"
        "DELETE { GRAPH ex:g1 { ?s ex:p ?o } } WHERE { ?s ex:p ?o }",
        f"PREFIX ex: <{EX}>\nINSERT DATA {{ ex:x ex:p 1 }} ;\n"
        "DELETE { GRAPH ex:g1 { ?s ex:p ?o } } USING ex:g1 WHERE { ?s ex:p ?o }",
        [f"{EX}g1"],
        [],
    ),
]


def outcome(update: str) -> set[ox.Quad]:
    store = ox.Store()
    store.load(DATA, ox.RdfFormat.TRIG)
    store.update(update)
    return set(store)


@pytest.mark.parametrize(("update", "by_hand", "using", "named"), CASES)
def test_using_parameters_change_the_store_as_using_clauses_do(
    update: str, by_hand: str, using: list[str], named: list[str]
) -> None:
    rewritten = UpdateRequest(None, tuple(using), tuple(named)).applied_to(update)
    assert outcome(rewritten) == outcome(by_hand)
    assert outcome(rewritten) != outcome(update), "the case must tell the datasets apart"


@pytest.mark.parametrize(
    "update",
    [
        f"WITH <{EX}g1> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
        f"DELETE {{ ?s ?p ?o }} USING <{EX}g1> WHERE {{ ?s ?p ?o }}",
        f"INSERT DATA {{ <{EX}x> <{EX}p> 1 }} ; "
        f"INSERT {{ {OUT} }} using named <{EX}g1> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    ],
)
def test_using_parameters_with_a_dataset_in_the_text_are_refused(update: str) -> None:
    with pytest.raises(UpdateDatasetConflictError, match="2.2.3"):
        UpdateRequest(None, (f"{EX}g2",)).applied_to(update)


def test_without_parameters_the_text_is_unchanged() -> None:
    update = f"WITH <{EX}g1> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}"
    assert UpdateRequest(f"{EX}base").applied_to(update) == update
