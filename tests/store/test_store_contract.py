"""One contract for every store back-end: the embedded Oxigraph store and a RemoteStore over a real,
writable Oxigraph server (its own default graph, or the union one), with and without the Graph Store
Protocol. The same assertions for each; the remote's failures are in test_remote_store_failures.py."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from remote_stores import OxigraphServer, writable_oxigraph

from kg.errors import RdfSyntaxError, StoreOperationUnsupportedError
from kg.store.interface import KnowledgeStore, StoreChanges
from kg.store.oxigraph import OxigraphStore
from kg.store.remote import RemoteStore
from kg.store.sparql_http import SparqlHttpClient

EX = "http://example.org/"
G1, G2 = EX + "g1", EX + "g2"
DATA = f"""
@prefix ex: <{EX}> .
ex:a ex:knows ex:b ; ex:name "Ada"@en-GB , "Ada" .
ex:b ex:age "07"^^<http://www.w3.org/2001/XMLSchema#int> ; ex:code "x1"^^ex:Code .
_:n1 ex:knows ex:a .
"""
BACKENDS = ["embedded", "remote", "remote-sparql-only", "remote-union"]


def n(local: str) -> ox.NamedNode:
    return ox.NamedNode(EX + local)


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, OxigraphServer]]:
    root = tmp_path_factory.mktemp("oxigraph")
    with (
        writable_oxigraph(root / "own") as own,
        writable_oxigraph(root / "union", union_default_graph=True) as union,
    ):
        yield {"own": own, "union": union}


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[KnowledgeStore]:
    if request.param == "embedded":
        with OxigraphStore(tmp_path / "store") as embedded:
            yield embedded
        return
    servers: dict[str, OxigraphServer] = request.getfixturevalue("servers")
    server = servers["union" if request.param == "remote-union" else "own"]
    gsp = None if request.param == "remote-sparql-only" else server.gsp_url
    client = SparqlHttpClient(server.query_url, server.update_url, gsp, timeout_seconds=10)
    if request.param == "remote-union":
        remote = RemoteStore(client, default_graph="union", batch_quads=3)
    elif request.param == "remote":
        remote = RemoteStore(client, union_request="oxigraph", batch_quads=3)
    else:
        remote = RemoteStore(client, union_request="named-graphs", batch_quads=3)
    remote.clear()
    with remote:
        yield remote


def loaded(store: KnowledgeStore) -> KnowledgeStore:
    store.load(DATA, ox.RdfFormat.TURTLE, G1)
    store.load(f"<{EX}c> <{EX}knows> <{EX}a> .", ox.RdfFormat.N_TRIPLES, G2)
    return store


def test_load_and_each_query_form(store: KnowledgeStore) -> None:
    loaded(store)
    rows = store.query(f"SELECT ?who WHERE {{ ?who <{EX}knows> <{EX}a> }}")
    assert isinstance(rows, ox.QuerySolutions)
    who = [row["who"] for row in rows]
    assert n("c") in who and len(who) == 2 and isinstance(next(w for w in who if w != n("c")), ox.BlankNode)
    assert isinstance(ask := store.query(f"ASK {{ <{EX}a> <{EX}knows> <{EX}b> }}"), ox.QueryBoolean) and bool(
        ask
    )
    triples = store.query(f"CONSTRUCT {{ ?s <{EX}p> ?o }} WHERE {{ ?s <{EX}knows> ?o }}")
    assert isinstance(triples, ox.QueryTriples)
    assert len(set(triples)) == 3
    with_prefixes = store.query("SELECT ?s WHERE { ?s rdfs:label|<http://example.org/name> ?o }")
    assert {row["s"] for row in with_prefixes} == {n("a")}


def test_dataset_parameters(store: KnowledgeStore) -> None:
    loaded(store)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def total(result: object) -> int:
        return int(next(iter(result))["n"].value)  # type: ignore[call-overload]

    assert total(store.query(count)) == 7
    assert total(store.query(count, default_graphs=[G2])) == 1
    named = store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", named_graphs=[G2]
    )
    assert {(row["g"].value, int(row["n"].value)) for row in named} == {(G2, 1)}
    assert total(store.query(count, named_graphs=[G2])) == 0  # no default-graph-uri: an empty default graph
    assert total(store.query(f"SELECT (COUNT(*) AS ?n) FROM <{G2}> WHERE {{ ?s ?p ?o }}")) == 1
    graphs = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    # default graphs alone keep every graph named (the pipeline relies on it); [] names none
    assert total(store.query(graphs, default_graphs=[G2])) == total(store.query(graphs)) >= 2
    assert total(store.query(graphs, default_graphs=[G2], named_graphs=[])) == 0
    assert total(store.evaluate(count, default_graph=[ox.NamedNode(G1)])) == 6
    assert total(store.evaluate(count, default_graph=[], named_graphs=[])) == 0


@pytest.mark.parametrize("bound", list(itertools.product([False, True], repeat=4)))
def test_quads_matching_each_combination(store: KnowledgeStore, bound: tuple[bool, ...]) -> None:
    loaded(store)
    store.bulk_add([ox.Quad(n("d"), n("knows"), n("a"))])  # one in the default graph
    expected = set(store.quads())
    assert len(expected) == 8
    for quad in expected:
        pattern = [t if b else None for t, b in zip(quad, bound, strict=True)]
        got = set(store.quads_matching(*pattern))
        assert quad in got
        assert got == {
            q for q in expected if all(p is None or p == t for p, t in zip(pattern, q, strict=True))
        }


def test_contains_counts_and_graphs(store: KnowledgeStore) -> None:
    loaded(store)
    assert store.contains(ox.Quad(n("a"), n("knows"), n("b"), ox.NamedNode(G1)))
    assert not store.contains(ox.Quad(n("a"), n("knows"), n("b"), ox.NamedNode(G2)))
    blank = next(store.quads_matching(None, n("knows"), n("a"), ox.NamedNode(G1)))
    assert isinstance(blank.subject, ox.BlankNode) and store.contains(blank)
    assert (store.triple_count(G1), store.triple_count(G2), store.triple_count(), store.quad_count()) == (
        6,
        1,
        7,
        7,
    )
    assert store.named_graphs() == [G1, G2]
    assert store.has_graph(G1) and not store.has_graph(EX + "none")
    assert store.has_graph_or_default(None)
    assert store.referrers([EX + "a"]) == {EX + "c"}
    assert store.referrers([EX + "a", EX + "b"], exclude=[G2]) == {EX + "a"}


def test_graph_reads_and_writes(store: KnowledgeStore) -> None:
    loaded(store)
    body = Graph()
    body.add((URIRef(EX + "x"), URIRef(EX + "p"), Literal("one", lang="fr")))
    store.put_graph(G2, body)
    assert {(str(s), str(o)) for s, _, o in store.graph(G2)} == {(EX + "x", "one")}
    more = Graph()
    more.add((URIRef(EX + "y"), URIRef(EX + "p"), Literal(2)))
    store.post_graph(G2, more)
    assert store.triple_count(G2) == 2
    store.put_graph(EX + "empty", Graph())
    assert store.has_graph(EX + "empty") and store.triple_count(EX + "empty") == 0
    store.replace_graph(G2, more)
    assert set(store.quads_in_graph(G2)) == {
        ox.Quad(
            n("y"),
            n("p"),
            ox.Literal("2", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
            ox.NamedNode(G2),
        )
    }
    assert len(store.union_graph(exclude=[G1])) == 1
    store.post_graph(None, more)
    assert store.triple_count() == 8
    store.delete_graph(None)
    store.delete_graph(G2)
    store.drop_graph(EX + "empty")
    assert store.named_graphs() == [G1] and store.triple_count() == 6
    store.clear()
    assert store.quad_count() == 0 and store.named_graphs() == []


def test_apply_store_changes(store: KnowledgeStore) -> None:
    loaded(store)
    removed = {
        ox.Quad(n("a"), n("knows"), n("b"), ox.NamedNode(G1)),
        next(store.quads_matching(None, n("knows"), n("a"), ox.NamedNode(G1))),
    }
    added = {ox.Quad(n("new"), n("p"), ox.Literal(f"v{i}"), ox.NamedNode(EX + "g3")) for i in range(5)}
    store.apply(
        StoreChanges(
            removed=removed, added=added, created={ox.NamedNode(EX + "g4")}, dropped={ox.NamedNode(G2)}
        )
    )
    assert not any(store.contains(q) for q in removed) and all(store.contains(q) for q in added)
    assert store.named_graphs() == [G1, EX + "g3", EX + "g4"]
    assert store.triple_count() == 4 + 5


def test_update_with_prefixes_and_base(store: KnowledgeStore) -> None:
    store.update("INSERT DATA { GRAPH qcg:t { <s> rdfs:label 'x' } }", base_iri=EX)
    assert store.contains(
        ox.Quad(
            n("s"),
            ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
            ox.Literal("x"),
            ox.NamedNode("https://w3id.org/qcollab/graph/t"),
        )
    )
    store.update(f"DELETE WHERE {{ GRAPH ?g {{ <{EX}s> ?p ?o }} }}")
    assert store.quad_count() == 0


def test_blank_nodes_keep_their_labels(store: KnowledgeStore) -> None:
    """Written with bulk_add (or apply) a blank node keeps its label; a loaded document's get fresh ones."""
    b1, b2 = ox.BlankNode("b1"), ox.BlankNode("b2")
    store.bulk_add(
        [ox.Quad(b1, n("p"), b2, ox.NamedNode(G1)), ox.Quad(b2, n("p"), ox.Literal("end"), ox.NamedNode(G1))]
    )
    quads = set(store.quads_in_graph(G1))
    assert {q.subject for q in quads} == {ox.BlankNode("b1"), ox.BlankNode("b2")}
    rows = store.query(f"SELECT ?x ?y WHERE {{ ?x <{EX}p> ?y FILTER(!isLiteral(?y)) }}")
    assert [(r["x"], r["y"]) for r in rows] == [(ox.BlankNode("b1"), ox.BlankNode("b2"))]
    first = ox.Quad(ox.BlankNode("b1"), n("p"), ox.BlankNode("b2"), ox.NamedNode(G1))
    assert store.contains(first)
    store.apply(StoreChanges(removed={first}))
    assert set(store.quads_in_graph(G1)) == quads - {first}
    store.load(f"_:b1 <{EX}p> _:b1 .", ox.RdfFormat.N_TRIPLES, G2)
    (again,) = store.quads_in_graph(G2)
    assert again.subject == again.object and again.subject != b1


def test_literals_kept_exactly(store: KnowledgeStore) -> None:
    literals = [
        ox.Literal('Zürich "quoted"\nline\\u0022 \t tab', language="de-CH"),
        ox.Literal("plain"),
        ox.Literal("x1", datatype=n("Code")),
        ox.Literal("07", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#int")),
        ox.Literal("2024-01-02", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
    ]
    quads = [ox.Quad(n("s"), n(f"p{i}"), lit, ox.NamedNode(G1)) for i, lit in enumerate(literals)]
    store.bulk_add(quads)
    assert set(store.quads_in_graph(G1)) == store.canonical(quads)
    assert all(store.contains(q) for q in store.canonical(quads))


def test_construct_with_substitutions(store: KnowledgeStore) -> None:
    loaded(store)
    sparql = f"CONSTRUCT {{ ?x <{EX}seen> ?o }} WHERE {{ ?x <{EX}knows> ?o }} LIMIT 5"
    assert store.construct(sparql, {"x": EX + "c"}) == {ox.Triple(n("c"), n("seen"), n("a"))}


def test_syntax_errors_have_line_and_column(store: KnowledgeStore) -> None:
    with pytest.raises(RdfSyntaxError) as query_error:
        store.query("SELECT ?s\nWHERE { ?s ?p }")
    assert query_error.value.line == 2 and query_error.value.message
    with pytest.raises(RdfSyntaxError) as update_error:
        store.update("INSERT DATA {\n <a> <b> }", base_iri=EX)
    assert update_error.value.line == 2


def test_inferences_pending_mark(store: KnowledgeStore) -> None:
    assert not store.inferences_pending()
    store.mark_inferences_pending(True)
    if isinstance(store, RemoteStore):
        assert store.inferences_pending() and store.named_graphs() == []
    store.mark_inferences_pending(False)
    assert not store.inferences_pending()


def test_remote_store_says_what_it_cannot_do(store: KnowledgeStore, tmp_path: Path) -> None:
    if not isinstance(store, RemoteStore):
        pytest.skip("the embedded store can do all of these")
    for operation in (
        store.copy,
        store.optimize,
        lambda: store.backup(tmp_path / "b"),
        lambda: store.changes_to(store),
        lambda: store.load_snapshot(tmp_path / "s"),
    ):
        with pytest.raises(StoreOperationUnsupportedError, match="remote SPARQL store"):
            operation()
