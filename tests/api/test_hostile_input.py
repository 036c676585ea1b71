"""Hostile documents and name queries over HTTP (issue 10, items 2, 9 and 11): every parse of client input
is bounded and fast, refusals are problem details naming the limit, and the server keeps serving.

Each regression test is named after the bug it covers; a bounded hypothesis fuzz then sends generated
malformed and adversarial Turtle, N-Triples, RDF/XML and JSON-LD to /validate and name strings to
/lookup and /reconcile (60 examples per target, derandomized): never a 5xx, every 4xx problem details,
/healthz answering afterwards.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import httpx
import pytest
from hostile_support import (
    RDF_NS,
    RDFS,
    jsonld_bodies,
    name_queries,
    ntriples_bodies,
    rdfxml_bodies,
    turtle_bodies,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from live_server import LiveServer

PROBLEM = "application/problem+json"
TIMEOUT = 30  # seconds: every answer below must come within this client timeout
QCR = "https://w3id.org/qcollab/resource/"
NOTE = f'<{QCR}japan> <{RDFS}comment> "A country in East Asia"@en .\n'
NT = {"Content-Type": "application/n-triples"}


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=TIMEOUT) as session:
        yield session


def validate(http: httpx.Client, body: str | bytes, media_type: str) -> httpx.Response:
    return http.post("/validate", content=body, headers={"Content-Type": media_type})


def assert_problem(response: httpx.Response, status: int | tuple[int, ...], *words: str) -> dict:
    assert response.status_code in ((status,) if isinstance(status, int) else status), response.text
    assert response.headers["content-type"] == PROBLEM
    detail = response.json()["detail"]
    assert all(word in detail for word in words), detail
    return response.json()


def assert_serving(http: httpx.Client) -> None:
    assert http.get("/healthz").status_code == 200
    response = validate(http, NOTE, "application/n-triples")
    assert response.status_code == 200 and response.json()["conforms"] is True, response.text


def billion_laughs(levels: int = 7) -> str:
    entities = ['<!ENTITY a0 "dos">'] + [
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, levels + 1)
    ]
    return (
        f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [{"".join(entities)}]>'
        f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:rdfs="{RDFS}"><rdf:Description rdf:about="{QCR}x">'
        f"<rdfs:label>&a{levels};</rdfs:label></rdf:Description></rdf:RDF>"
    )


# -- documents -------------------------------------------------------------------------------------


def test_billion_laughs_rdfxml_is_refused_fast_and_the_server_keeps_serving(http: httpx.Client) -> None:
    body = billion_laughs()
    assert len(body) < 700
    assert_problem(
        validate(http, body, "application/rdf+xml"), 400, "DTD entity declarations", "not accepted"
    )
    assert_serving(http)


def test_rdfxml_entity_declared_inside_the_root_element_is_refused_too(http: httpx.Client) -> None:
    """pyoxigraph reads a DOCTYPE anywhere, so the whole body is checked, not only its prolog."""
    body = (
        f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:rdfs="{RDFS}"><!DOCTYPE r [<!ENTITY a "hello">]>'
        f'<rdf:Description rdf:about="{QCR}x"><rdfs:label>&a;</rdfs:label></rdf:Description></rdf:RDF>'
    )
    assert_problem(validate(http, body, "application/rdf+xml"), 400, "entity declarations")


def test_two_megabyte_ntriples_literal_validates_in_under_a_second(http: httpx.Client) -> None:
    """It took 24 s in rdflib's N-Triples parser; pyoxigraph's terms are now converted directly."""
    body = f'<{QCR}japan> <{RDFS}comment> "{"a" * 2_000_000}" .\n'
    response = validate(http, body, "application/n-triples")
    assert response.status_code == 200 and response.json()["conforms"] is True, response.text[:300]


def test_rdfxml_nested_past_the_depth_limit_is_refused_unparsed(http: httpx.Client) -> None:
    """20,000 nested elements (1 MB) took 12 s to parse: the depth is checked first."""
    head = f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:p="http://e/">'
    body = head + "<rdf:Description><p:p>" * 20_000 + "x" + "</p:p></rdf:Description>" * 20_000 + "</rdf:RDF>"
    detail = assert_problem(validate(http, body, "application/rdf+xml"), 400, "nested deeper than the limit")
    assert detail["detail"].endswith("1000 levels")


def test_rdfxml_element_with_too_many_attributes_is_refused_unparsed(http: httpx.Client) -> None:
    attributes = " ".join(f'p:a{i}="v"' for i in range(50_000))
    body = f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:p="http://e/"><rdf:Description {attributes}/></rdf:RDF>'
    assert_problem(validate(http, body, "application/rdf+xml"), 400, "attributes")


def test_jsonld_with_costly_scoped_contexts_is_stopped_at_the_parse_deadline(http: httpx.Client) -> None:
    """A scoped context applied at every level costs terms x depth: parsed in a child, killed in time."""
    terms = {f"k{i}": f"http://e/k{i}" for i in range(3000)}
    context = json.dumps({"t": {"@id": "http://e/t", "@context": terms}})
    body = '{"@context":' + context + ',"@id":"http://e/s",' + '"t":{' * 10_000 + '"k0":"v"' + "}" * 10_001
    assert_problem(validate(http, body, "application/ld+json"), 400, "longer than the limit", "to parse")
    assert_serving(http)


def test_prefix_expansion_past_the_parsed_chars_limit_is_refused(http: httpx.Client) -> None:
    """A 1 MB prefix used in 30 short triples would be 90 million characters of terms."""
    body = f"@prefix p: <{QCR}{'a' * 1_000_000}> .\n" + "p:a p:b p:c .\n" * 30
    detail = assert_problem(validate(http, body, "text/turtle"), 400, "QCOLLAB_MAX_PARSED_CHARS")
    assert detail["detail"].startswith("the document expands to more than the limit of")


def test_record_past_the_triple_limit_is_refused(http: httpx.Client) -> None:
    """Validation costs about a millisecond a triple: a record holds at most 10,000 of them."""
    body = "".join(f'<{QCR}x{i}> <{RDFS}label> "x" .\n' for i in range(10_001))
    assert_problem(validate(http, body, "application/n-triples"), 400, "QCOLLAB_MAX_RECORD_TRIPLES")


def test_rdf_html_literals_past_the_markup_limit_are_refused(http: httpx.Client) -> None:
    """rdflib parses rdf:HTML with html5rdf: 30 KB of nested tags took 7 s."""
    body = f'<{QCR}japan> <{RDFS}comment> "{"<b>" * 10_000}"^^<{RDF_NS}HTML> .\n'
    assert_problem(validate(http, body, "application/n-triples"), 400, "rdf:HTML")


def test_triple_term_in_a_record_is_a_400_not_a_500(http: httpx.Client) -> None:
    body = f"<{QCR}japan> <{RDFS}seeAlso> <<( <{QCR}a> <{RDFS}label> <{QCR}b> )>> .\n"
    assert_problem(validate(http, body, "application/n-triples"), 400, "triple terms")


class _Counting(BaseHTTPRequestHandler):
    requests = 0

    def do_GET(self) -> None:  # noqa: N802
        type(self).requests += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.end_headers()
        self.wfile.write(b'{"@context": {"name": "http://schema.org/name"}}')

    def log_message(self, *args: object) -> None:
        pass


def test_jsonld_remote_context_is_never_fetched(http: httpx.Client) -> None:
    listener = ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    threading.Thread(target=listener.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{listener.server_address[1]}/context.jsonld"
        body = json.dumps({"@context": url, "@id": f"{QCR}japan", "name": "x"})
        assert_problem(
            validate(http, body, "application/ld+json"), 400, "remote JSON-LD contexts are not fetched"
        )
    finally:
        listener.shutdown()
    assert _Counting.requests == 0


# -- reconciliation --------------------------------------------------------------------------------


def test_reconcile_query_over_the_limit_is_a_400(http: httpx.Client) -> None:
    """A 400,000-character query took 6 s and more."""
    queries = json.dumps({"q0": {"query": "quantum " * 50_000}})
    problem = assert_problem(http.post("/reconcile", data={"queries": queries}), 400, "limit of 500")
    assert problem["limit"] == 500
    response = http.post("/reconcile", data={"queries": json.dumps({"q0": {"query": "Japan"}})})
    assert response.json()["q0"]["result"][0]["id"] == "japan"


def test_reconcile_batch_over_the_limit_is_a_413_or_400(http: httpx.Client) -> None:
    """10,000 queries in one batch took 18 s and more."""
    queries = json.dumps({f"q{i}": {"query": f"quantum computing {i}"} for i in range(10_000)})
    problem = assert_problem(http.post("/reconcile", data={"queries": queries}), (413, 400), "limit of 100")
    assert problem["limit"] == 100
    small = json.dumps({f"q{i}": {"query": "Japan"} for i in range(100)})
    assert len(http.post("/reconcile", data={"queries": small}).json()) == 100


def test_reconcile_invalid_utf8_is_a_400(http: httpx.Client) -> None:
    """It was silently replaced by U+FFFD and answered."""
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    raw = http.post("/reconcile", content=b'queries={"q0":{"query":"Jap\xff\xfean"}}', headers=form)
    assert_problem(raw, 400, "not valid UTF-8", "form body")
    encoded = http.post(
        "/reconcile",
        content=b"queries=" + quote('{"q0":{"query":"Jap').encode() + b"%FF%22%7D%7D",
        headers=form,
    )
    assert_problem(encoded, 400, "not valid UTF-8")
    as_json = http.post(
        "/reconcile", content=b'{"q0": {"query": "\xc3"}}', headers={"Content-Type": "application/json"}
    )
    assert_problem(as_json, 400, "not valid UTF-8", "request body")
    in_url = http.get("/reconcile?queries=%7B%22q0%22%3A%7B%22query%22%3A%22%FF%22%7D%7D")
    assert_problem(in_url, 400, "not valid UTF-8", "query string")
    assert_problem(http.get("/reconcile/suggest/entity?prefix=%C3"), 400, "query string")


def test_reconcile_suggest_prefix_over_the_limit_is_a_400(http: httpx.Client) -> None:
    assert_problem(http.get("/reconcile/suggest/entity", params={"prefix": "q" * 501}), 400, "prefix")


def test_reconcile_deeply_nested_queries_json_is_a_400(http: httpx.Client) -> None:
    queries = "[" * 100_000 + "]" * 100_000
    assert_problem(http.post("/reconcile", data={"queries": queries}), 400, "nested too deeply")


# -- the Graph Store -------------------------------------------------------------------------------


def test_graph_store_write_with_no_triples_creates_no_graph(server: LiveServer, http: httpx.Client) -> None:
    """PUT of an empty body answered 201 and the graph then existed (schemathesis made 285 of them)."""
    headers = {**server.admin_headers, "Content-Type": "text/turtle"}
    for method, body in (("PUT", b""), ("POST", b"# only a comment\n"), ("PUT", b"@prefix p: <http://e/> .")):
        graph = f"https://w3id.org/qcollab/graph/record/empty-{method.lower()}-{len(body)}"
        response = http.request(method, "/rdf-graphs", params={"graph": graph}, content=body, headers=headers)
        assert response.status_code == 200, response.text
        answer = response.json()
        assert answer["created"] is False and answer["triples"] == 0 and answer["graph"] == graph
        assert "was not created" in answer["detail"]
        assert http.get("/rdf-graphs", params={"graph": graph}).status_code == 404
    response = http.post("/rdf-graphs", content=b"", headers=headers)
    assert response.status_code == 200 and "location" not in response.headers
    assert http.get("/rdf-graphs", params={"graph": response.json()["graph"]}).status_code == 404


# -- the fuzz --------------------------------------------------------------------------------------

FUZZ = settings(
    max_examples=60,
    deadline=TIMEOUT * 1000,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
DOCUMENTS = {
    "text/turtle": turtle_bodies(),
    "application/n-triples": ntriples_bodies(),
    "application/rdf+xml": rdfxml_bodies(),
    "application/ld+json": jsonld_bodies(),
}


def assert_answered(response: httpx.Response) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:500])
    if response.status_code >= 400:
        assert response.headers.get("content-type") == PROBLEM, (response.status_code, response.text[:500])


@pytest.mark.parametrize("media_type", list(DOCUMENTS))
def test_hostile_documents_to_validate_get_no_5xx_and_problem_details(
    http: httpx.Client, media_type: str
) -> None:
    @FUZZ
    @given(body=DOCUMENTS[media_type])
    def send(body: str | bytes) -> None:
        assert_answered(validate(http, body, media_type))

    send()
    assert http.get("/healthz").status_code == 200


def test_hostile_names_to_lookup_and_reconcile_get_no_5xx_and_problem_details(http: httpx.Client) -> None:
    @FUZZ
    @given(text=name_queries, how=st.sampled_from(["lookup", "reconcile", "batch", "suggest"]))
    def send(text: str, how: str) -> None:
        if how == "lookup":
            response = http.get("/lookup", params={"q": text})
        elif how == "suggest":
            response = http.get("/reconcile/suggest/entity", params={"prefix": text})
        else:
            batch = {f"q{i}": {"query": text, "type": "Country"} for i in range(100 if how == "batch" else 1)}
            response = http.post("/reconcile", data={"queries": json.dumps(batch)})
        assert_answered(response)

    send()
    assert_serving(http)
