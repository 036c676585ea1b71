"""The SPARQL 1.1 Protocol, case by case, over HTTP against the real service.

One row per case of the W3C SPARQL 1.1 Protocol test suite (its 34 cases, in our own words and with our
own data: three named graphs set up through the Graph Store protocol), then the cases the suite leaves
out that issue 11 names (the service's base IRI as the request reached it, atomic multi-operation
updates, LOAD refused by policy). Each row cites the section of the spec that decides it; a row's
`check` looks at the answer's content, not only its status.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from live_server import LiveServer, running_server

FOAF = "http://xmlns.com/foaf/0.1/"
DC = "http://purl.org/dc/terms/"
EX = "http://example.org/protocol/"
DATA = {f"{EX}data{n}": n for n in (1, 2, 3)}  # graph IRI -> number: each graph's document and title
OUT = f"{EX}out"
FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
RESULTS = {
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
}
RDF = {
    "text/turtle",
    "application/n-triples",
    "application/rdf+xml",
    "application/ld+json",
    "application/n-quads",
    "application/trig",
}
DOCUMENTS = f"SELECT ?doc WHERE {{ ?doc a <{FOAF}Document> }}"
NAMED_WHERE = f"GRAPH ?g {{ ?doc a <{FOAF}Document> }}"
NAMED_DOCUMENTS = f"SELECT ?g ?doc WHERE {{ {NAMED_WHERE} }}"

Check = Callable[[httpx.Response, httpx.Client], None]


@dataclass(frozen=True)
class Case:
    """One request, the status it must get, and what its answer (or the store after it) must hold."""

    name: str
    section: str  # of SPARQL 1.1 Protocol unless it says otherwise
    method: str
    params: list[tuple[str, str]] = field(default_factory=list)
    content_type: str | None = None
    body: bytes | None = None
    status: int | tuple[int, ...] = 200
    admin: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    check: Check | None = None


def form(*pairs: tuple[str, str]) -> bytes:
    return urlencode(pairs).encode()


def media(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip()


def rows(response: httpx.Response) -> list[dict[str, str]]:
    assert media(response) == "application/sparql-results+json", response.text[:300]
    return [{k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]]


def select(http: httpx.Client, sparql: str) -> list[dict[str, str]]:
    response = http.get(
        "/sparql", params={"query": sparql}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200, response.text
    return rows(response)


def documents(*numbers: int) -> Check:
    """The answer lists the documents of exactly these graphs."""

    def check(response: httpx.Response, _: httpx.Client) -> None:
        assert sorted(row["doc"] for row in rows(response)) == sorted(f"{EX}data{n}#doc" for n in numbers)

    return check


def named_documents(*numbers: int) -> Check:
    def check(response: httpx.Response, _: httpx.Client) -> None:
        found = sorted((row["g"], row["doc"]) for row in rows(response))
        assert found == sorted((f"{EX}data{n}", f"{EX}data{n}#doc") for n in numbers)

    return check


def ask_answer(value: bool) -> Check:
    def check(response: httpx.Response, _: httpx.Client) -> None:
        assert media(response) in RESULTS
        if media(response) == "application/sparql-results+json":
            assert response.json()["boolean"] is value

    return check


def of_kind(kinds: set[str]) -> Check:
    def check(response: httpx.Response, _: httpx.Client) -> None:
        assert media(response) in kinds, media(response)
        assert response.content

    return check


def out_holds(*numbers: int, predicate: str = f"{DC}BibliographicResource") -> Check:
    """After an update: the output graph types exactly these documents."""

    def check(response: httpx.Response, http: httpx.Client) -> None:
        found = select(http, f"SELECT ?doc WHERE {{ GRAPH <{OUT}> {{ ?doc a <{predicate}> }} }}")
        assert sorted(row["doc"] for row in found) == sorted(f"{EX}data{n}#doc" for n in numbers)

    return check


def problem_says(*words: str) -> Check:
    def check(response: httpx.Response, _: httpx.Client) -> None:
        assert media(response) == "application/problem+json", response.text[:300]
        detail = response.json()["detail"]
        assert all(word in detail for word in words), detail

    return check


def graph_has(graph: str, triple: tuple[str, str, str]) -> Check:
    def check(response: httpx.Response, http: httpx.Client) -> None:
        s, p, o = triple
        ask = http.get(
            "/sparql",
            params={"query": f"ASK {{ GRAPH <{graph}> {{ <{s}> <{p}> <{o}> }} }}"},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert ask.json()["boolean"] is True, f"<{s}> <{p}> <{o}> not in <{graph}>"

    return check


def assert_text(response: httpx.Response, expected: str) -> None:
    assert expected in response.text, response.text


def titled(http: httpx.Client, *numbers: int) -> None:
    """Exactly these data graphs still have their document's title."""
    found = select(
        http,
        f"SELECT ?g WHERE {{ GRAPH ?g {{ ?doc <{DC}title> ?title }} FILTER(STRSTARTS(STR(?g), '{EX}')) }}",
    )
    assert sorted(row["g"] for row in found) == sorted(f"{EX}data{n}" for n in numbers)


def nothing_written(response: httpx.Response, http: httpx.Client) -> None:
    assert not select(http, f"SELECT * WHERE {{ GRAPH <{OUT}> {{ ?s ?p ?o }} }}")


def insert_types(using: str = "", where: str = f"?doc a <{FOAF}Document>") -> str:
    return f"INSERT {{ GRAPH <{OUT}> {{ ?doc a <{DC}BibliographicResource> }} }} {using} WHERE {{ {where} }}"


D1, D2, D3 = (f"{EX}data{n}" for n in (1, 2, 3))
ASK = "ASK {}"

SUITE = [
    # -- query operation, SPARQL 1.1 Protocol 2.1
    Case(
        "query_post_form",
        "2.1.2",
        "POST",
        content_type=FORM,
        body=form(("query", ASK)),
        check=ask_answer(True),
    ),
    Case("query_get", "2.1.1", "GET", [("query", ASK)], check=ask_answer(True)),
    Case(
        "query_dataset_default_graphs_get",
        "2.1.4",
        "GET",
        [("query", DOCUMENTS), ("default-graph-uri", D1), ("default-graph-uri", D2)],
        check=documents(1, 2),
    ),
    Case(
        "query_dataset_default_graphs_post",
        "2.1.4",
        "POST",
        content_type=FORM,
        body=form(("query", DOCUMENTS), ("default-graph-uri", D1), ("default-graph-uri", D2)),
        check=documents(1, 2),
    ),
    Case(
        "query_dataset_named_graphs_get",
        "2.1.4",
        "GET",
        [("query", NAMED_DOCUMENTS), ("named-graph-uri", D1), ("named-graph-uri", D2)],
        check=named_documents(1, 2),
    ),
    Case(
        "query_dataset_named_graphs_post",
        "2.1.4",
        "POST",
        content_type=FORM,
        body=form(("query", NAMED_DOCUMENTS), ("named-graph-uri", D1), ("named-graph-uri", D2)),
        check=named_documents(1, 2),
    ),
    Case(
        "query_dataset_full",
        "2.1.4",
        "GET",
        [
            ("query", f"SELECT ?doc WHERE {{ {{ ?doc a <{FOAF}Document> }} UNION {{ {NAMED_WHERE} }} }}"),
            ("default-graph-uri", D3),
            ("named-graph-uri", D1),
            ("named-graph-uri", D2),
        ],
        check=documents(1, 2, 3),
    ),
    Case(
        "query_multiple_dataset",
        "2.1.4 (the protocol's dataset overrides FROM)",
        "GET",
        [
            ("query", f"SELECT ?doc FROM <{D3}> WHERE {{ ?doc a <{FOAF}Document> }}"),
            ("default-graph-uri", D1),
        ],
        check=documents(1),
    ),
    Case(
        "query_content_type_select",
        "2.1.6",
        "GET",
        [("query", DOCUMENTS)],
        headers={"Accept": "application/sparql-results+xml, application/sparql-results+json;q=0.9"},
        check=of_kind({"application/sparql-results+xml"}),
    ),
    Case(
        "query_content_type_ask",
        "2.1.6",
        "GET",
        [("query", ASK)],
        headers={"Accept": "application/sparql-results+json"},
        check=ask_answer(True),
    ),
    Case(
        "query_content_type_describe",
        "2.1.6",
        "GET",
        [("query", f"DESCRIBE <{D1}#doc>")],
        headers={"Accept": "application/rdf+xml, text/turtle;q=0.9"},
        check=of_kind({"application/rdf+xml"}),
    ),
    Case(
        "query_content_type_construct",
        "2.1.6",
        "GET",
        [
            (
                "query",
                f"CONSTRUCT {{ ?doc a <{FOAF}Document> }} WHERE {{ GRAPH ?g {{ ?doc a <{FOAF}Document> }} }}",
            )
        ],
        headers={"Accept": "text/turtle"},
        check=of_kind({"text/turtle"}),
    ),
    # -- update operation, 2.2
    Case(
        "update_dataset_default_graph",
        "2.2.3",
        "POST",
        [("using-graph-uri", D1)],
        UPDATE,
        insert_types().encode(),
        204,
        admin=True,
        check=out_holds(1),
    ),
    Case(
        "update_dataset_default_graphs",
        "2.2.3",
        "POST",
        [("using-graph-uri", D1), ("using-graph-uri", D2)],
        UPDATE,
        insert_types().encode(),
        204,
        admin=True,
        check=out_holds(1, 2),
    ),
    Case(
        "update_dataset_named_graphs",
        "2.2.3",
        "POST",
        [("using-named-graph-uri", D1), ("using-named-graph-uri", D2)],
        UPDATE,
        insert_types(where=NAMED_WHERE).encode(),
        204,
        admin=True,
        check=out_holds(1, 2),
    ),
    Case(
        "update_dataset_full",
        "2.2.3",
        "POST",
        [],
        FORM,
        form(
            ("update", insert_types(where=f"{{ ?doc a <{FOAF}Document> }} UNION {{ {NAMED_WHERE} }}")),
            ("using-graph-uri", D3),
            ("using-named-graph-uri", D1),
        ),
        204,
        admin=True,
        check=out_holds(1, 3),
    ),
    Case(
        "update_dataset_delete_where",
        "2.2.3 (DELETE WHERE is DELETE {P} WHERE {P}: USING NAMED applies)",
        "POST",
        [("using-named-graph-uri", D1)],
        UPDATE,
        f"DELETE WHERE {{ GRAPH ?g {{ ?doc <{DC}title> ?title }} }}".encode(),
        204,
        admin=True,
        check=lambda r, http: titled(http, 2, 3),
    ),
    Case(
        "update_post_form",
        "2.2.1",
        "POST",
        content_type=FORM,
        body=form(("update", insert_types(using=f"USING <{D2}>"))),
        status=204,
        admin=True,
        check=out_holds(2),
    ),
    Case(
        "update_post_direct",
        "2.2.2",
        "POST",
        content_type=UPDATE,
        body=insert_types(using=f"USING <{D3}>").encode(),
        status=204,
        admin=True,
        check=out_holds(3),
    ),
    # -- the base IRI: the service's, which is its endpoint as the request reached it (2.1.4 / 2.2.4)
    Case(
        "update_base_uri",
        "2.2.4",
        "POST",
        content_type=UPDATE,
        body=f"INSERT DATA {{ GRAPH <{OUT}> {{ <s> <p> <test> }} }}".encode(),
        status=204,
        admin=True,
        check=lambda r, http: graph_has(
            OUT, (f"{http.base_url}s", f"{http.base_url}p", f"{http.base_url}test")
        )(r, http),
    ),
    Case(
        "query_base_uri",
        "2.1.4",
        "POST",
        content_type=QUERY,
        body=b"CONSTRUCT { <s> <p> 1 } WHERE {}",
        headers={"Accept": "application/n-triples"},
        check=lambda r, http: assert_text(r, f'<{http.base_url}s> <{http.base_url}p> "1"'),
    ),
    # -- refusals
    Case("bad_query_method", "2.1 (GET or POST only)", "PUT", [("query", ASK)], status=405),
    Case(
        "bad_multiple_queries",
        "2.1.1 (exactly one query)",
        "GET",
        [("query", ASK), ("query", "SELECT * {}")],
        status=400,
        check=problem_says("query"),
    ),
    Case(
        "bad_query_wrong_media_type", "2.1.3", "POST", content_type="text/plain", body=b"ASK {}", status=415
    ),
    Case("bad_query_missing_form_type", "2.1.2", "POST", body=form(("query", ASK)), status=415),
    Case("bad_query_missing_direct_type", "2.1.3", "POST", body=b"ASK {}", status=415),
    Case(
        "bad_query_non_utf8",
        "2.1.3 (UTF-8 only)",
        "POST",
        content_type=f"{QUERY}; charset=UTF-16",
        body="ASK {}".encode("utf-16"),
        status=415,
        check=problem_says("UTF-8"),
    ),
    Case(
        "bad_query_syntax",
        "2.1.6 (malformed query: 400)",
        "GET",
        [("query", "ASK {")],
        status=400,
        check=problem_says("line 1"),
    ),
    Case(
        "bad_update_get",
        "2.2 (POST only)",
        "GET",
        [("update", f"CLEAR GRAPH <{OUT}>")],
        status=400,
        check=problem_says("POST"),
    ),
    Case(
        "bad_multiple_updates",
        "2.2.1 (exactly one update)",
        "POST",
        content_type=FORM,
        body=form(("update", f"CLEAR GRAPH <{OUT}>"), ("update", f"CLEAR GRAPH <{OUT}>")),
        status=400,
        admin=True,
    ),
    Case(
        "bad_update_wrong_media_type",
        "2.2.2",
        "POST",
        content_type="text/plain",
        body=f"CLEAR SILENT GRAPH <{OUT}>".encode(),
        status=415,
        admin=True,
    ),
    Case(
        "bad_update_missing_form_type",
        "2.2.1",
        "POST",
        body=form(("update", f"CLEAR SILENT GRAPH <{OUT}>")),
        status=415,
        admin=True,
    ),
    Case(
        "bad_update_non_utf8",
        "2.2.2 (UTF-8 only)",
        "POST",
        content_type=f"{UPDATE}; charset=UTF-16",
        body=f"CLEAR SILENT GRAPH <{OUT}>".encode("utf-16"),
        status=415,
        admin=True,
    ),
    Case(
        "bad_update_syntax",
        "2.2.2 (malformed update: 400)",
        "POST",
        content_type=UPDATE,
        body=b"INSERT DATA { <urn:a> <urn:b> }",
        status=400,
        admin=True,
        check=problem_says("line 1"),
    ),
    Case(
        "bad_update_dataset_conflict",
        "2.2.3 (parameters and USING together: 400)",
        "POST",
        [("using-graph-uri", D1)],
        UPDATE,
        insert_types(using=f"USING <{D2}>").encode(),
        400,
        admin=True,
        check=lambda r, http: (problem_says("USING", "2.2.3")(r, http), nothing_written(r, http)),
    ),
]

VALID = f'INSERT DATA {{ GRAPH <{OUT}> {{ <{EX}a> <{DC}title> "A" }} }}'
INVALID_COUNTRY = (  # a country with no label and no provenance: refused by the shapes
    f"INSERT DATA {{ GRAPH <{OUT}> {{ <https://w3id.org/qcollab/resource/nowhere> a "
    "<https://w3id.org/qcollab/ontology#Country> } }"
)
BEYOND = [
    Case(
        "update_base_uri_own_base",
        "SPARQL 1.1 Query 4.1.1.1 (the text's own BASE wins)",
        "POST",
        content_type=UPDATE,
        body=f"BASE <{EX}> INSERT DATA {{ GRAPH <{OUT}> {{ <s> <p> <o> }} }}".encode(),
        status=204,
        admin=True,
        check=graph_has(OUT, (f"{EX}s", f"{EX}p", f"{EX}o")),
    ),
    Case(
        "query_base_uri_via_proxy",
        "2.1.4 (the endpoint as the request reached it)",
        "POST",
        content_type=QUERY,
        body=b"SELECT (<s> AS ?s) WHERE {}",
        headers={
            "Host": "kg.example.org:8443",
            "X-Forwarded-Proto": "https",
            "Accept": "application/sparql-results+json",
        },
        check=lambda r, http: assert_text(r, "https://kg.example.org:8443/s"),
    ),
    Case(
        "update_operations_are_atomic",
        "SPARQL 1.1 Update 2.2 (a request is one unit) and the SHACL gate",
        "POST",
        content_type=UPDATE,
        body=f"{VALID} ;\n{INVALID_COUNTRY}".encode(),
        status=422,
        admin=True,
        check=nothing_written,
    ),
    Case(
        "update_operations_are_atomic_on_error",
        "SPARQL 1.1 Update 3.2.3 (DROP of a missing graph fails)",
        "POST",
        content_type=UPDATE,
        body=f"{VALID} ;\nDROP GRAPH <{EX}missing>".encode(),
        status=400,
        admin=True,
        check=nothing_written,
    ),
    Case(
        "update_several_operations",
        "SPARQL 1.1 Update 3 (operations in order)",
        "POST",
        content_type=UPDATE,
        body=f"{VALID} ;\nCOPY <{D1}> TO <{D2}> ;\n{insert_types(using=f'USING <{D2}>')}".encode(),
        status=204,
        admin=True,
        check=out_holds(1),
    ),
    Case(
        "update_load_is_refused_by_policy",
        "SPARQL 1.1 Update 3.1.4 (LOAD), refused as policy: 403",
        "POST",
        content_type=UPDATE,
        body=f"LOAD <http://127.0.0.1:9/data.ttl> INTO GRAPH <{OUT}>".encode(),
        status=403,
        admin=True,
        check=lambda r, http: (problem_says("policy", "LOAD")(r, http), nothing_written(r, http)),
    ),
    Case(
        "update_without_token",
        "SPARQL 1.1 Protocol 2.2 (the service may require authentication)",
        "POST",
        content_type=UPDATE,
        body=VALID.encode(),
        status=401,
        check=nothing_written,
    ),
]


def turtle_of(number: int) -> str:
    doc = f"<{EX}data{number}#doc>"
    return f'{doc} a <{FOAF}Document> ; <{DC}title> "Document {number}" .\n'


@pytest.fixture(scope="module")
def service(built_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with running_server(built_data, tmp_path_factory.mktemp("protocol-suite")) as live:
        yield live


@pytest.fixture
def http(service: LiveServer) -> Iterator[httpx.Client]:
    """A client of the service, with the three data graphs as the suite expects them and no output graph."""
    with httpx.Client(base_url=f"{service.base_url}/", timeout=60) as client:
        for graph, number in DATA.items():
            put = client.put(
                "/rdf-graphs",
                params={"graph": graph},
                content=turtle_of(number),
                headers={"Content-Type": "text/turtle", **service.admin_headers},
            )
            assert put.status_code in (201, 204), put.text
        client.post(
            "/sparql",
            content=f"DROP SILENT GRAPH <{OUT}>",
            headers={"Content-Type": UPDATE, **service.admin_headers},
        ).raise_for_status()
        yield client


@pytest.mark.parametrize("case", SUITE + BEYOND, ids=lambda case: case.name)
def test_protocol_case(case: Case, service: LiveServer, http: httpx.Client) -> None:
    headers = {**case.headers, **(service.admin_headers if case.admin else {})}
    if case.content_type is not None:
        headers["Content-Type"] = case.content_type
    elif case.body is not None:
        headers["Content-Type"] = ""  # no media type at all, as the suite's "missing type" cases send
    headers.setdefault("Accept", "application/sparql-results+json")
    response = http.request(case.method, "/sparql", params=case.params, content=case.body, headers=headers)
    allowed = case.status if isinstance(case.status, tuple) else (case.status,)
    assert response.status_code in allowed, (
        f"{case.name} ({case.section}): {response.status_code} {response.text}"
    )
    if response.status_code >= 400:
        assert media(response) == "application/problem+json", response.text
    if case.check is not None:
        case.check(response, http)


def test_the_table_has_the_34_cases_of_the_w3c_protocol_suite() -> None:
    assert len({case.name for case in SUITE}) == len(SUITE) == 35  # 34, and DELETE WHERE with USING NAMED
