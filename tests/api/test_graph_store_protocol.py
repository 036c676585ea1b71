"""The SPARQL 1.1 Graph Store HTTP Protocol (https://www.w3.org/TR/sparql11-http-rdf-update/) over HTTP, one
table row per request: its target, the state before, the answer and the state after the spec decides."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import load_support
import pytest
from live_server import ADMIN_TOKEN, LiveServer, running_server
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS, XSD

GRAPH, DIRECT, DEFAULT, STORE, BOTH, RELATIVE = "graph", "direct", "default", "store", "both", "relative"
EXISTS, MISSING, EMPTY = "exists", "missing", "empty"
BODY, MERGED, UNCHANGED, ABSENT, AT_LOCATION = "body", "merged", "unchanged", "absent", "at location"
TURTLE, NT = "text/turtle", "application/n-triples"
EX = "http://example.org/gsp/"
OLD = f'<{EX}s> <{RDFS.label}> "old"@en .\n'
NEW = f'<{EX}s> <{RDFS.comment}> "new"@en .\n<{EX}s> <{EX}rank> "2"^^<{XSD.integer}> .\n'
NEW_JSONLD = f'{{"@id": "{EX}s", "{RDFS.comment}": {{"@value": "new", "@language": "en"}}, "{EX}rank": 2}}'
NEW_RDFXML = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    f'xmlns:rdfs="{RDFS}" xmlns:ex="{EX}"><rdf:Description rdf:about="{EX}s">'
    '<rdfs:comment xml:lang="en">new</rdfs:comment>'
    '<ex:rank rdf:datatype="http://www.w3.org/2001/XMLSchema#integer">2</ex:rank>'
    "</rdf:Description></rdf:RDF>"
)
NEW_TRIG = f"<{EX}elsewhere> {{ {NEW} }}"
MALFORMED = f"<{EX}s> <{EX}p> .\n"
NOT_CONFORMING = (
    f"<{EX}atlantis> a <https://w3id.org/qcollab/ontology#Country> .\n"  # no label, no provenance
)


@dataclass(frozen=True)
class Case:
    """One request, the state of its graph before, and what the spec section says it answers and leaves."""

    name: str
    section: str
    method: str
    target: str  # GRAPH (?graph=IRI), DIRECT (/rdf-graphs/...), DEFAULT, STORE (neither), BOTH, RELATIVE
    status: tuple[int, ...]
    before: str = MISSING  # the target graph: EXISTS (holds OLD), MISSING, EMPTY (exists, no triples)
    body: str | None = None
    content_type: str | None = TURTLE
    accept: str | None = None
    token: str | None = ADMIN_TOKEN
    headers: tuple[tuple[str, str], ...] = ()  # a header and a text its value contains
    after: str = UNCHANGED  # BODY, MERGED (OLD + NEW), UNCHANGED, ABSENT, EMPTY, AT_LOCATION
    parse: str | None = None  # a read: the answer's syntax (rdflib), compared with the graph before
    chunked: bool = False  # the body sent without a length (it goes to the bulk loader)


def read(name: str, section: str, method: str, target: str, status: int, **rest: object) -> Case:
    return Case(name, section, method, target, (status,), token=None, content_type=None, **rest)  # type: ignore[arg-type]


def write(name: str, section: str, method: str, target: str, *status: int, **rest: object) -> Case:
    return Case(name, section, method, target, status, **rest)  # type: ignore[arg-type]


TURTLE_ANSWER = (("content-type", "text/turtle"), ("vary", "Accept"))
NT_ANSWER = (("content-type", NT), ("vary", "Accept"))
XML, JSONLD, TRIG = "application/rdf+xml", "application/ld+json", "application/trig"
# fmt: off
CASES = [
    read("get-turtle", "§5.2", "GET", GRAPH, 200, before=EXISTS, accept=TURTLE, parse="turtle",
         headers=TURTLE_ANSWER),
    read("get-n-triples", "§5.2", "GET", GRAPH, 200, before=EXISTS, accept=NT, parse="nt", headers=NT_ANSWER),
    read("get-rdf-xml", "§5.2", "GET", GRAPH, 200, before=EXISTS, accept=XML, parse="xml",
         headers=(("content-type", XML),)),
    read("get-json-ld", "§5.2", "GET", GRAPH, 200, before=EXISTS, accept=JSONLD, parse="json-ld",
         headers=(("content-type", JSONLD),)),
    read("get-without-accept-is-turtle", "§5.2", "GET", GRAPH, 200, before=EXISTS, parse="turtle",
         headers=TURTLE_ANSWER),
    read("get-n-quads-is-not-offered-for-a-graph", "§5.2", "GET", GRAPH, 406, before=EXISTS,
         accept="application/n-quads"),
    read("get-unsupported-accept", "§5.2", "GET", GRAPH, 406, before=EXISTS, accept="image/png"),
    read("get-empty-graph", "§5.2", "GET", GRAPH, 200, before=EMPTY, accept=NT, parse="nt"),
    read("get-direct", "§4.1 §5.2", "GET", DIRECT, 200, before=EXISTS, accept=NT, parse="nt"),
    read("get-default", "§4.2 §5.2", "GET", DEFAULT, 200, before=EXISTS, accept=NT, parse="nt"),
    read("get-missing", "§5.1 §5.2", "GET", GRAPH, 404),
    read("get-missing-direct", "§5.1 §4.1", "GET", DIRECT, 404),
    read("head-existing", "§5.6", "HEAD", GRAPH, 200, before=EXISTS, accept=NT, headers=NT_ANSWER),
    read("head-direct", "§5.6 §4.1", "HEAD", DIRECT, 200, before=EXISTS, headers=TURTLE_ANSWER),
    read("head-missing", "§5.6 §5.1", "HEAD", GRAPH, 404),
    read("get-neither-parameter", "§4.2", "GET", STORE, 400),
    read("get-both-parameters", "§4.2", "GET", BOTH, 400),
    read("get-relative-graph-iri", "§4.2", "GET", RELATIVE, 400),
    write("put-creates", "§5.3", "PUT", GRAPH, 201, body=NEW, after=BODY),
    write("put-replaces", "§5.3", "PUT", GRAPH, 200, 204, before=EXISTS, body=NEW, after=BODY),
    write("put-fills-an-empty-graph", "§5.3", "PUT", GRAPH, 200, 204, before=EMPTY, body=NEW, after=BODY),
    write("put-creates-direct", "§4.1 §5.3", "PUT", DIRECT, 201, body=NEW, after=BODY),
    write("put-replaces-direct", "§4.1 §5.3", "PUT", DIRECT, 200, 204, before=EXISTS, body=NEW, after=BODY),
    write("put-replaces-the-default-graph", "§5.3", "PUT", DEFAULT, 200, 204, before=EXISTS, body=NEW,
          after=BODY),
    write("put-into-the-empty-default-graph-creates", "§5.3", "PUT", DEFAULT, 201, before=EMPTY, body=NEW,
          after=BODY),
    # a write of no triples to a missing graph creates nothing (200 saying so; issue 10: no empty graphs)
    write("put-of-no-triples-creates-no-graph", "§5.3", "PUT", GRAPH, 200, body="", after=ABSENT),
    write("put-chunked-creates", "§5.3", "PUT", GRAPH, 201, body=NEW, chunked=True, after=BODY),
    write("put-chunked-replaces", "§5.3", "PUT", GRAPH, 200, 204, before=EXISTS, body=NEW, chunked=True,
          after=BODY),
    write("put-chunked-of-no-triples-creates-no-graph", "§5.3", "PUT", GRAPH, 200, body="",
          chunked=True, after=ABSENT),
    write("post-chunked-merges", "§5.5", "POST", GRAPH, 200, 204, before=EXISTS, body=NEW, chunked=True,
          after=MERGED),
    write("put-n-triples", "§5.3", "PUT", GRAPH, 201, body=NEW, content_type=NT, after=BODY),
    write("put-json-ld", "§5.3", "PUT", GRAPH, 201, body=NEW_JSONLD, content_type=JSONLD, after=BODY),
    write("put-rdf-xml", "§5.3", "PUT", GRAPH, 201, body=NEW_RDFXML, content_type=XML, after=BODY),
    write("put-trig-is-flattened", "§5.3", "PUT", GRAPH, 201, body=NEW_TRIG, content_type=TRIG, after=BODY),
    write("put-unsupported-content-type", "§5.1", "PUT", GRAPH, 415, before=EXISTS, body="a,b\n",
          content_type="text/csv"),
    write("put-without-content-type", "§5.1", "PUT", GRAPH, 415, before=EXISTS, body=NEW, content_type=None),
    write("put-malformed", "§5.1", "PUT", GRAPH, 400, before=EXISTS, body=MALFORMED),
    write("put-not-conforming", "§5.1, SHACL", "PUT", GRAPH, 422, before=EXISTS, body=NOT_CONFORMING),
    write("put-not-conforming-creates-nothing", "§5.1, SHACL", "PUT", DIRECT, 422, body=NOT_CONFORMING),
    write("put-without-token", "§5.1, RFC 9110 §15.5.2", "PUT", GRAPH, 401, before=EXISTS, body=NEW,
          token=None, headers=(("www-authenticate", "Bearer"),)),
    write("put-with-a-wrong-token", "§5.1, RFC 9110 §15.5.4", "PUT", GRAPH, 403, before=EXISTS, body=NEW,
          token="wrong"),
    write("put-neither-parameter", "§4.2", "PUT", STORE, 400, body=NEW),
    write("put-both-parameters", "§4.2", "PUT", BOTH, 400, body=NEW),
    write("put-relative-graph-iri", "§4.2", "PUT", RELATIVE, 400, body=NEW),
    write("delete-existing", "§5.4", "DELETE", GRAPH, 200, 204, before=EXISTS, after=ABSENT),
    write("delete-empty", "§5.4", "DELETE", GRAPH, 200, 204, before=EMPTY, after=ABSENT),
    write("delete-missing", "§5.4 §5.1", "DELETE", GRAPH, 404, after=ABSENT),
    write("delete-direct", "§4.1 §5.4", "DELETE", DIRECT, 200, 204, before=EXISTS, after=ABSENT),
    write("delete-missing-direct", "§4.1 §5.4", "DELETE", DIRECT, 404, after=ABSENT),
    write("delete-the-default-graph-empties-it", "§5.4", "DELETE", DEFAULT, 200, 204, before=EXISTS,
          after=EMPTY),
    write("delete-without-token", "§5.1", "DELETE", GRAPH, 401, before=EXISTS, token=None),
    write("delete-neither-parameter", "§4.2", "DELETE", STORE, 400),
    write("delete-both-parameters", "§4.2", "DELETE", BOTH, 400, before=EXISTS),
    write("post-merges", "§5.5", "POST", GRAPH, 200, 204, before=EXISTS, body=NEW, after=MERGED),
    write("post-creates", "§5.5", "POST", GRAPH, 201, body=NEW, after=BODY),
    write("post-merges-direct", "§4.1 §5.5", "POST", DIRECT, 200, 204, before=EXISTS, body=NEW, after=MERGED),
    write("post-creates-direct", "§4.1 §5.5", "POST", DIRECT, 201, body=NEW, after=BODY),
    write("post-merges-into-the-default-graph", "§5.5", "POST", DEFAULT, 200, 204, before=EXISTS, body=NEW,
          after=MERGED),
    write("post-of-no-triples-merges-nothing", "§5.5", "POST", GRAPH, 200, 204, before=EXISTS, body=""),
    write("post-to-the-graph-store-creates-a-graph", "§5.5", "POST", STORE, 201, body=NEW, after=AT_LOCATION),
    write("post-of-no-triples-to-the-graph-store-creates-no-graph", "§5.5", "POST", STORE, 200, body=""),
    write("post-unsupported-content-type", "§5.1", "POST", GRAPH, 415, before=EXISTS, body="{}",
          content_type="application/sparql-query"),
    write("post-malformed", "§5.1", "POST", GRAPH, 400, before=EXISTS, body=MALFORMED),
    write("post-not-conforming", "§5.1, SHACL", "POST", GRAPH, 422, before=EXISTS, body=NOT_CONFORMING),
    write("post-with-a-wrong-token", "§5.1", "POST", GRAPH, 403, before=EXISTS, body=NEW, token="wrong"),
    write("post-both-parameters", "§4.2", "POST", BOTH, 400, body=NEW),
    write("post-relative-graph-iri", "§4.2", "POST", RELATIVE, 400, body=NEW),
    write("patch-is-not-offered", "§5.7, RFC 9110 §15.5.6", "PATCH", GRAPH, 405, before=EXISTS, body=NEW,
          headers=(("allow", "GET, HEAD, POST, PUT, DELETE, OPTIONS"),)),
]
# fmt: on


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own over a small conforming store (the ontology and one note graph)."""
    data = load_support.conforming_data(tmp_path_factory.mktemp("gsp-data"))
    with running_server(data, tmp_path_factory.mktemp("gsp")) as server:
        yield server


@pytest.fixture
def client(live: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.base_url, timeout=60) as session:
        yield session


def update(client: httpx.Client, sparql: str) -> None:
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "application/sparql-update"}
    response = client.post("/sparql", content=sparql, headers=headers)
    assert response.status_code == 204, response.text


def select_count(client: httpx.Client, where: str) -> int:
    answer = client.get(
        "/sparql",
        params={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"},
        headers={"Accept": "application/sparql-results+json"},
    )
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def triples(text: str, syntax: str = "nt") -> Graph:
    return Graph().parse(data=text, format=syntax)


def state(client: httpx.Client, graph: str | None) -> Graph | None:
    """A graph's triples read with SPARQL (the default graph: GET ?default); None when it does not exist."""
    if graph is None:
        return triples(client.get("/rdf-graphs", params={"default": ""}, headers={"Accept": NT}).text)
    ask = client.get(
        "/sparql",
        params={"query": f"ASK {{ GRAPH <{graph}> {{ }} }}"},
        headers={"Accept": "application/sparql-results+json"},
    )
    if not ask.json()["boolean"]:
        return None
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    return triples(client.get("/sparql", params={"query": query}, headers={"Accept": NT}).text)


def prepare(client: httpx.Client, case: Case, graph: str | None) -> Graph | None:
    """Bring the target graph to the case's state before, with SPARQL Update; that state."""
    if case.target == DEFAULT:
        update(client, "CLEAR DEFAULT" + (f" ; INSERT DATA {{ {OLD} }}" if case.before == EXISTS else ""))
    elif graph is not None and case.before == EXISTS:
        update(client, f"INSERT DATA {{ GRAPH <{graph}> {{ {OLD} }} }}")
    elif graph is not None and case.before == EMPTY:
        update(client, f"CREATE GRAPH <{graph}>")
    return state(client, graph)


def request_of(case: Case, base_url: str) -> tuple[str, dict[str, str], str | None]:
    """The URL and parameters of the case's target, and the graph IRI they name (None: the default graph)."""
    graph = f"{EX}{case.name}"
    if case.target == DIRECT:
        url = f"{base_url}/rdf-graphs/gsp/{case.name}"
        return url, {}, url
    params = {
        GRAPH: {"graph": graph},
        DEFAULT: {"default": ""},
        STORE: {},
        BOTH: {"graph": graph, "default": ""},
        RELATIVE: {"graph": f"gsp/{case.name}"},
    }[case.target]
    return f"{base_url}/rdf-graphs", params, (None if case.target == DEFAULT else graph)


def expected_after(case: Case, before: Graph | None) -> Graph | None:
    new = triples(NEW)
    return {BODY: new, MERGED: triples(OLD) + new, UNCHANGED: before, ABSENT: None, EMPTY: Graph()}[
        case.after
    ]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_graph_store_protocol(case: Case, live: LiveServer, client: httpx.Client) -> None:
    url, params, graph = request_of(case, live.base_url)
    before = prepare(client, case, graph if case.target in (GRAPH, DIRECT, DEFAULT, BOTH) else None)
    quads = select_count(client, "GRAPH ?g { ?s ?p ?o }")
    headers = {
        "Accept": case.accept,
        "Content-Type": case.content_type,
        "Authorization": f"Bearer {case.token}" if case.token else None,
    }
    sent = {name: value for name, value in headers.items() if value is not None}
    content = None if case.body is None else case.body.encode()
    chunks = iter([content]) if case.chunked and content is not None else content
    response = client.request(case.method, url, params=params, headers=sent, content=chunks)
    assert response.status_code in case.status, response.text
    for name, text in case.headers:
        assert text in response.headers.get(name, ""), (name, response.headers)
    if case.parse is not None:
        assert before is not None and isomorphic(triples(response.text, case.parse), before)
    if case.method == "HEAD" and response.status_code == 200:  # §5.6: the GET's headers, no body
        got = client.get(url, params=params, headers=sent)
        assert response.content == b""
        assert [response.headers.get(h) for h in ("content-type", "vary")] == [
            got.headers.get(h) for h in ("content-type", "vary")
        ]
    if response.status_code >= 400:  # a refused request changes nothing
        assert select_count(client, "GRAPH ?g { ?s ?p ?o }") == quads
    if case.after == AT_LOCATION:  # §5.5: the new graph's URL, a different one, which a GET then reads
        location = response.headers["location"]
        assert location != url and location.startswith(f"{live.base_url}/rdf-graphs?graph=")
        got = client.get(location, headers={"Accept": NT})
        assert got.status_code == 200 and isomorphic(triples(got.text), triples(case.body or ""))
    elif case.method != "GET" and case.method != "HEAD" and case.target in (GRAPH, DIRECT, DEFAULT):
        after, expected = state(client, graph), expected_after(case, before)
        assert (after is None) == (expected is None), after
        assert after is None or isomorphic(after, expected), after.serialize(format="nt")  # type: ignore[arg-type]


def test_a_graph_named_by_its_url_follows_the_request_host(live: LiveServer, client: httpx.Client) -> None:
    """Regression: /rdf-graphs/{path} answered 404 (direct identification, §4.1, was not served); its IRI is
    the URL as the request reached the server, so the same graph is reachable with ?graph=."""
    headers = {
        "Authorization": f"Bearer {ADMIN_TOKEN}",
        "Content-Type": TURTLE,
        "Host": "kg.example.org:8443",
    }
    put = client.put("/rdf-graphs/people/ada%20l", content=NEW, headers=headers)
    assert put.status_code == 201, put.text
    iri = "http://kg.example.org:8443/rdf-graphs/people/ada%20l"
    got = client.get("/rdf-graphs", params={"graph": iri}, headers={"Accept": NT})
    assert got.status_code == 200 and isomorphic(triples(got.text), triples(NEW))
    assert client.get("/rdf-graphs/people/ada%20l").status_code == 404  # another host: another graph
    subject = (URIRef(f"{EX}s"), RDFS.comment, Literal("new", lang="en"))
    assert subject in triples(
        client.get("/rdf-graphs/people/ada%20l", headers={"Host": "kg.example.org:8443", "Accept": NT}).text
    )
