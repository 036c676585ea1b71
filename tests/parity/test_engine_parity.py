"""Issue 11: the /sparql endpoint answers every case as pyoxigraph does in process on the same data."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox
import pytest
from live_server import LiveServer, running_server
from parity_compare import Answer, Form, parse_answer
from parity_support import Case, case_names, expected_answer, load_case, report

FORM = "application/x-www-form-urlencoded"
Upload = Literal["put", "put-gzip"]
NON_EMPTY_SHARE = 0.8  # of the SELECT cases, at least this share must expect some solution


@dataclass(frozen=True)
class Variant:
    """One way of sending a case's query: how its dataset is given, how it is sent, in which format."""

    name: str
    dataset: Literal["protocol", "query"]  # default-graph-uri / named-graph-uri, or FROM / FROM NAMED
    method: Literal["get", "post-query", "post-form"]
    results: ox.QueryResultsFormat  # for SELECT and ASK
    graph: ox.RdfFormat  # for CONSTRUCT and DESCRIBE


PROTOCOL_GET = Variant(
    "protocol-get-json", "protocol", "get", ox.QueryResultsFormat.JSON, ox.RdfFormat.N_TRIPLES
)
FROM_POST = Variant(
    "from-post-json", "query", "post-query", ox.QueryResultsFormat.JSON, ox.RdfFormat.N_TRIPLES
)
PROTOCOL_FORM = Variant(
    "protocol-form-xml", "protocol", "post-form", ox.QueryResultsFormat.XML, ox.RdfFormat.TURTLE
)
VARIANTS = (PROTOCOL_GET, FROM_POST, PROTOCOL_FORM)


def variants_for(case: Case) -> tuple[Variant, ...]:
    """A query with a dataset of its own is sent as it is, without protocol parameters."""
    return (FROM_POST,) if case.own_dataset else VARIANTS


@pytest.fixture(scope="module")
def live(built_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of this module's own: the cases' graphs are written into it and deleted again."""
    with running_server(built_data, tmp_path_factory.mktemp("parity")) as server:
        yield server


@pytest.fixture(scope="module")
def http(live: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.base_url, timeout=60) as client:
        yield client


def put(http: httpx.Client, live: LiveServer, iri: str, body: bytes, upload: Upload) -> httpx.Response:
    """PUT a graph: a small N-Triples body (parsed, validated, committed), or gzip (the bulk loader)."""
    headers = {**live.admin_headers, "Content-Type": "application/n-triples"}
    if upload == "put-gzip":
        body, headers = gzip.compress(body), {**headers, "Content-Encoding": "gzip"}
    return http.put("/rdf-graphs", params={"graph": iri}, content=body, headers=headers)


@contextmanager
def case_graphs(http: httpx.Client, live: LiveServer, case: Case, upload: Upload) -> Iterator[None]:
    """Write the case's graphs with the Graph Store protocol, each new (201); DELETE them after."""
    graphs = [(iri, body) for iri, body in ((case.default_graph, case.default), *case.named) if body]
    written: list[str] = []
    try:
        for iri, body in graphs:
            response = put(http, live, iri, body, upload)
            assert response.status_code == 201, f"{upload} <{iri}>: {response.status_code} {response.text}"
            written.append(iri)
        yield
    finally:
        for iri in written:
            response = http.delete("/rdf-graphs", params={"graph": iri}, headers=live.admin_headers)
            assert response.status_code == 204, f"DELETE <{iri}>: {response.status_code} {response.text}"


def send(http: httpx.Client, case: Case, variant: Variant, form: Form) -> tuple[str, Answer | str]:
    """The query text sent and the service's answer (or, when it answered with an error, what it said)."""
    fmt = variant.graph if form == "graph" else variant.results
    in_query = variant.dataset == "query" or case.own_dataset  # own FROM: only FROM_POST runs it, as it is
    query = case.with_dataset() if in_query and not case.own_dataset else case.query
    named = [("named-graph-uri", iri) for iri, _ in case.named]
    params = [] if in_query else [("default-graph-uri", case.default_graph), *named]
    accept = {"Accept": fmt.media_type}
    if variant.method == "get":
        response = http.get("/sparql", params=[("query", query), *params], headers=accept)
    elif variant.method == "post-query":
        headers = {**accept, "Content-Type": "application/sparql-query; charset=utf-8"}
        response = http.post("/sparql", content=query.encode(), headers=headers)
    else:
        body = urlencode([("query", query), *params])
        response = http.post("/sparql", content=body, headers={**accept, "Content-Type": FORM})
    if response.status_code != 200:
        return query, f"HTTP {response.status_code}: {response.text[:2000]}"
    media = response.headers.get("content-type", "").split(";")[0].strip()
    if media != fmt.media_type:
        return query, f"Content-Type {media!r}, not the {fmt.media_type!r} asked for"
    return query, parse_answer(response.content, fmt)


def answers(http: httpx.Client, case: Case, expected: Answer) -> dict[str, str | None]:
    """What differs in each variant (None: nothing), by variant name."""
    return {
        variant.name: report(case, expected, variant.name, *send(http, case, variant, expected.form))
        for variant in variants_for(case)
    }


@pytest.mark.parametrize("upload", ["put", "put-gzip"])
@pytest.mark.parametrize("name", case_names())
def test_engine_parity(name: str, upload: Upload, http: httpx.Client, live: LiveServer) -> None:
    """The case's data written by a small PUT (parsed, validated, committed) or a gzip one (the bulk
    loader); every variant of the query answers as the engine does in process."""
    case = load_case(name)
    expected = expected_answer(case)
    assert case.expect_empty == (expected.form != "ask" and not expected.rows), (
        f"{name}: #EXPECT-EMPTY is wrong"
    )
    with case_graphs(http, live, case, upload):
        found = answers(http, case, expected)
    failures = [problem for problem in found.values() if problem]
    assert not failures, "\n\n".join(failures)


def test_expected_answers_are_not_trivial() -> None:
    """Most SELECT cases expect solutions; a case that expects none says so (#EXPECT-EMPTY)."""
    expected = {name: expected_answer(load_case(name)) for name in case_names()}
    selects = [name for name, answer in expected.items() if answer.form == "select"]
    non_empty = [name for name in selects if expected[name].rows]
    assert len(non_empty) >= NON_EMPTY_SHARE * len(selects), sorted(set(selects) - set(non_empty))
    asks = {answer.boolean for answer in expected.values() if answer.form == "ask"}
    assert asks == {True, False}, "the ASK cases must expect both true and false"
    forms = {answer.form for answer in expected.values()}
    assert forms == {"select", "ask", "graph"}
