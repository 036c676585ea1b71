"""The SPARQL 1.1 Service Description (https://www.w3.org/TR/sparql11-service-description/) of GET /sparql:
every statement it makes is checked against what the running service does, over HTTP."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

import httpx
import load_support
import pytest
from live_server import ADMIN_TOKEN, LiveServer, running_server
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, VOID
from rdflib.query import Result

from kg.formats.table import Format, rdf_formats, results_formats

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")
EX = "http://example.org/sd/"
JAPAN_NOTE = (
    URIRef("https://w3id.org/qcollab/resource/japan"),
    RDFS.comment,
    Literal("A country in East Asia", lang="en"),
)
NEW = Graph().parse(data=f'<{EX}s> <{RDFS.comment}> "new"@en .\n<{EX}s> <{EX}rank> 2 .\n', format="turtle")
JSON_RESULTS = {"Accept": "application/sparql-results+json"}
PLAIN, FEDERATING = "plain", "federating"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, LiveServer]]:
    """PLAIN: the admin token, no SERVICE allow-list. FEDERATING: read-only (no token), PLAIN's endpoint on
    its allow-list. Both over a small conforming store (the ontology and one note graph)."""
    data = load_support.conforming_data(tmp_path_factory.mktemp("sd-data"))
    with running_server(data, tmp_path_factory.mktemp("sd-plain")) as plain:
        allowlist = f'["{plain.base_url}/sparql"]'
        with running_server(
            data,
            tmp_path_factory.mktemp("sd-federating"),
            QCOLLAB_ADMIN_TOKEN="",
            QCOLLAB_SERVICE_ALLOWLIST=allowlist,
        ) as federating:
            yield {PLAIN: plain, FEDERATING: federating}


def description(live: LiveServer, **headers: str) -> Graph:
    response = httpx.get(f"{live.base_url}/sparql", headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    return Graph().parse(data=response.text, format="turtle")


def service_of(graph: Graph) -> URIRef:
    services = list(graph.subjects(RDF.type, SD.Service))
    assert len(services) == 1, services
    return services[0]  # type: ignore[return-value]


def ask(live: LiveServer, query: str) -> bool:
    answer = httpx.get(f"{live.base_url}/sparql", params={"query": query}, headers=JSON_RESULTS, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()["boolean"]


def count(live: LiveServer, where: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"
    answer = httpx.get(f"{live.base_url}/sparql", params={"query": query}, headers=JSON_RESULTS, timeout=30)
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def update(live: LiveServer, sparql: str, token: str = ADMIN_TOKEN) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/sparql-update"}
    return httpx.post(f"{live.base_url}/sparql", content=sparql, headers=headers, timeout=60)


def triples_of(text: str, syntax: str) -> Graph:
    """The triples of a document in any RDF syntax, the graphs of a dataset merged."""
    dataset = Dataset()
    dataset.parse(data=text, format=syntax)
    merged = Graph()
    for s, p, o, _ in dataset.quads():
        merged.add((s, p, o))
    return merged


@pytest.mark.parametrize(
    ("headers", "params", "syntax", "media_type"),
    [
        ({}, {}, "turtle", "text/turtle"),  # §2: dereferencing the endpoint; Turtle unless negotiated
        ({"Accept": "text/turtle"}, {}, "turtle", "text/turtle"),
        ({"Accept": "application/n-triples"}, {}, "nt", "application/n-triples"),
        ({"Accept": "application/ld+json"}, {}, "json-ld", "application/ld+json"),
        ({"Accept": "application/rdf+xml"}, {}, "xml", "application/rdf+xml"),
        ({"Accept": "application/trig"}, {}, "trig", "application/trig"),
        ({"Accept": "application/n-quads"}, {}, "nquads", "application/n-quads"),
        ({}, {"format": "nt"}, "nt", "application/n-triples"),
    ],
    ids=["default", "turtle", "n-triples", "json-ld", "rdf-xml", "trig", "n-quads", "format-parameter"],
)
def test_the_description_is_negotiated(
    servers: dict[str, LiveServer],
    headers: dict[str, str],
    params: dict[str, str],
    syntax: str,
    media_type: str,
) -> None:
    live = servers[PLAIN]
    response = httpx.get(f"{live.base_url}/sparql", headers=headers, params=params, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media_type)
    assert "Accept" in response.headers["vary"]
    assert isomorphic(triples_of(response.text, syntax), description(live))


@pytest.mark.parametrize(
    ("headers", "endpoint"),
    [
        ({}, None),
        ({"Host": "kg.example.org:8443"}, "http://kg.example.org:8443/sparql"),
        ({"Host": "kg.example.org", "X-Forwarded-Proto": "https"}, "https://kg.example.org/sparql"),
    ],
)
def test_the_endpoint_is_the_url_the_request_reached(
    servers: dict[str, LiveServer], headers: dict[str, str], endpoint: str | None
) -> None:
    """§3.3 sd:endpoint: an absolute URL, the one the client used (behind a proxy: its host and scheme)."""
    live = servers[PLAIN]
    graph = description(live, **headers)
    assert list(graph.objects(service_of(graph), SD.endpoint)) == [
        URIRef(endpoint or f"{live.base_url}/sparql")
    ]


@pytest.mark.parametrize(
    ("server", "languages", "update_status"),
    [
        (PLAIN, {SD.SPARQL11Query, SD.SPARQL11Update}, 204),
        (FEDERATING, {SD.SPARQL11Query}, 403),  # no admin token configured: every update is refused
    ],
)
def test_the_languages_are_those_the_service_runs(
    servers: dict[str, LiveServer], server: str, languages: set[URIRef], update_status: int
) -> None:
    """Regression: a read-only service (no admin token) advertised sd:SPARQL11Update (§3.3)."""
    live = servers[server]
    graph = description(live)
    assert set(graph.objects(service_of(graph), SD.supportedLanguage)) == languages
    assert ask(live, "ASK { ?s ?p ?o }")
    answer = update(live, f"INSERT DATA {{ GRAPH <{EX}language-probe> {{ <{EX}s> <{EX}p> 1 }} }}")
    assert answer.status_code == update_status, answer.text


def union_default_graph(live: LiveServer, other: LiveServer) -> bool:
    """A triple only the note graph holds is matched by a pattern on the default graph."""
    s, p, o = JAPAN_NOTE
    own = httpx.get(f"{live.base_url}/rdf-graphs", params={"default": ""}, headers={"Accept": "text/turtle"})
    assert JAPAN_NOTE not in Graph().parse(data=own.text, format="turtle")
    return ask(live, f"ASK {{ <{s}> <{p}> {o.n3()} }}")


def empty_graphs(live: LiveServer, other: LiveServer) -> bool:
    """CREATE GRAPH leaves an empty graph that GRAPH ?g sees and the Graph Store serves."""
    graph = f"{EX}created-empty"
    assert update(live, f"CREATE SILENT GRAPH <{graph}>").status_code == 204
    seen = ask(live, f"ASK {{ GRAPH ?g {{ }} FILTER (?g = <{graph}>) }}")
    served = httpx.get(f"{live.base_url}/rdf-graphs", params={"graph": graph}, timeout=30)
    return seen and served.status_code == 200 and len(Graph().parse(data=served.text, format="turtle")) == 0


def federated_query(live: LiveServer, other: LiveServer) -> bool:
    """SERVICE to the other server's endpoint answers with that server's data."""
    s, p, _ = JAPAN_NOTE
    query = f"SELECT ?c WHERE {{ SERVICE <{other.base_url}/sparql> {{ <{s}> <{p}> ?c }} }}"
    answer = httpx.get(f"{live.base_url}/sparql", params={"query": query}, headers=JSON_RESULTS, timeout=60)
    if answer.status_code == 400 and "allow-list" in answer.text:
        return False
    assert answer.status_code == 200, answer.text
    return [b["c"]["value"] for b in answer.json()["results"]["bindings"]] == [str(JAPAN_NOTE[2])]


Probe = Callable[[LiveServer, LiveServer], bool]


@pytest.mark.parametrize(
    ("server", "feature", "probe", "offered"),
    [
        (PLAIN, SD.UnionDefaultGraph, union_default_graph, True),
        (FEDERATING, SD.UnionDefaultGraph, union_default_graph, True),
        (PLAIN, SD.EmptyGraphs, empty_graphs, True),
        (PLAIN, SD.BasicFederatedQuery, federated_query, False),  # an empty allow-list: SERVICE is refused
        (FEDERATING, SD.BasicFederatedQuery, federated_query, True),
    ],
    ids=[
        "union-default-graph",
        "union-default-graph-read-only",
        "empty-graphs",
        "no-federation",
        "federation-with-an-allow-list",
    ],
)
def test_a_feature_is_advertised_exactly_when_the_service_has_it(
    servers: dict[str, LiveServer], server: str, feature: URIRef, probe: Probe, offered: bool
) -> None:
    """§3.2 sd:UnionDefaultGraph, sd:EmptyGraphs, sd:BasicFederatedQuery."""
    live, other = servers[server], servers[FEDERATING if server == PLAIN else PLAIN]
    graph = description(live)
    assert ((service_of(graph), SD.feature, feature) in graph) is offered
    assert probe(live, other) is offered


def answered_in(live: LiveServer, fmt: Format) -> bool:
    """Whether a query negotiated for the format's media type is answered 200 in it, and parses."""
    query = "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 5" if fmt.is_rdf else "SELECT * WHERE { ?s ?p ?o } LIMIT 5"
    answer = httpx.get(
        f"{live.base_url}/sparql", params={"query": query}, headers={"Accept": fmt.media_type}, timeout=30
    )
    if answer.status_code == 406:
        return False
    assert answer.status_code == 200 and answer.headers["content-type"].startswith(fmt.media_type), (
        answer.text
    )
    if fmt.is_rdf:
        assert len(triples_of(answer.text, fmt.rdflib or fmt.name)) == 5
    else:
        assert len(Result.parse(io.BytesIO(answer.content), format=fmt.name)) == 5
    return True


@pytest.mark.parametrize("fmt", [*results_formats(), *rdf_formats()], ids=lambda f: f.name)
def test_every_result_format_advertised_is_answered(servers: dict[str, LiveServer], fmt: Format) -> None:
    """§3.3 sd:resultFormat: a SELECT (results syntaxes) or CONSTRUCT (RDF syntaxes) in each."""
    live = servers[PLAIN]
    graph = description(live)
    assert ((service_of(graph), SD.resultFormat, URIRef(fmt.iri)) in graph) is answered_in(live, fmt)


def body_in(fmt: Format) -> str:
    """NEW in the format (in a named graph for a dataset syntax)."""
    if not fmt.dataset:
        return NEW.serialize(format=fmt.rdflib or fmt.name)
    dataset = Dataset()
    named = dataset.graph(URIRef(f"{EX}elsewhere"))
    for triple in NEW:
        named.add(triple)
    return dataset.serialize(format=fmt.rdflib or fmt.name)


@pytest.mark.parametrize("fmt", rdf_formats(), ids=lambda f: f.name)
def test_every_input_format_advertised_is_read(servers: dict[str, LiveServer], fmt: Format) -> None:
    """§3.3 sd:inputFormat: a Graph Store PUT in each syntax is stored (a dataset's graphs flattened)."""
    live = servers[PLAIN]
    graph = description(live)
    assert (service_of(graph), SD.inputFormat, URIRef(fmt.iri)) in graph
    target = {"graph": f"{EX}input/{fmt.name}"}
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": fmt.media_type}
    put = httpx.put(f"{live.base_url}/rdf-graphs", params=target, content=body_in(fmt), headers=headers)
    assert put.status_code == 201, put.text
    got = httpx.get(f"{live.base_url}/rdf-graphs", params=target, headers={"Accept": "application/n-triples"})
    assert isomorphic(triples_of(got.text, "nt"), NEW)


def test_nothing_else_is_advertised_as_a_format(servers: dict[str, LiveServer]) -> None:
    """Every format the description names is one the two tests above try; text/csv is not read (415)."""
    graph = description(servers[PLAIN])
    service = service_of(graph)
    assert set(graph.objects(service, SD.resultFormat)) <= {
        URIRef(f.iri) for f in (*results_formats(), *rdf_formats())
    }
    assert set(graph.objects(service, SD.inputFormat)) == {URIRef(f.iri) for f in rdf_formats()}
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "text/csv"}
    refused = httpx.put(
        f"{servers[PLAIN].base_url}/rdf-graphs",
        params={"graph": f"{EX}csv"},
        content="a,b\n",
        headers=headers,
    )
    assert refused.status_code == 415


def test_the_entailment_regime_is_simple(servers: dict[str, LiveServer]) -> None:
    """§3.3 sd:defaultEntailmentRegime ent:Simple: an RDFS entailment nobody materialized is not matched."""
    live = servers[PLAIN]
    graph = description(live)
    assert list(graph.objects(service_of(graph), SD.defaultEntailmentRegime)) == [ENTAILMENT.Simple]
    data = f"<{EX}C> <{RDFS.subClassOf}> <{EX}D> . <{EX}x> a <{EX}C> ."
    assert update(live, f"INSERT DATA {{ GRAPH <{EX}entailment> {{ {data} }} }}").status_code == 204
    assert ask(live, f"ASK {{ <{EX}x> a <{EX}C> }}")
    assert not ask(live, f"ASK {{ <{EX}x> a <{EX}D> }}")


def test_the_default_graph_count_left_out_the_store_default_graph(servers: dict[str, LiveServer]) -> None:
    """Regression: sd:defaultGraph counted the named graphs only, though queries see the store's own default
    graph too. Every count (§3.3 sd:defaultDataset, sd:defaultGraph, sd:namedGraph) equals a COUNT query's."""
    live = servers[PLAIN]
    s, p, o = JAPAN_NOTE
    own = f'<{s}> <{p}> {o.n3()} .\n<{EX}only> <{EX}here> "in the default graph" .\n'  # one shared, one not
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "application/n-triples"}
    put = httpx.put(f"{live.base_url}/rdf-graphs", params={"default": ""}, content=own, headers=headers)
    assert put.status_code in (201, 204), put.text
    try:
        graph = description(live)
        dataset = graph.value(service_of(graph), SD.defaultDataset)
        assert (dataset, RDF.type, SD.Dataset) in graph
        default = graph.value(dataset, SD.defaultGraph)
        assert (default, RDF.type, SD.Graph) in graph
        union = count(live, "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }")
        assert int(graph.value(default, VOID.triples)) == union  # type: ignore[arg-type]
        named = {}
        for node in graph.objects(dataset, SD.namedGraph):
            assert (node, RDF.type, SD.NamedGraph) in graph
            described = graph.value(node, SD.graph)
            assert (described, RDF.type, SD.Graph) in graph
            named[str(graph.value(node, SD.name))] = int(graph.value(described, VOID.triples))  # type: ignore[arg-type]
        answer = httpx.get(
            f"{live.base_url}/sparql",
            headers=JSON_RESULTS,
            timeout=30,
            params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"},
        )
        assert set(named) == {b["g"]["value"] for b in answer.json()["results"]["bindings"]}
        for name, triples in named.items():
            assert triples == count(live, f"GRAPH <{name}> {{ ?s ?p ?o }}"), name
    finally:
        httpx.delete(f"{live.base_url}/rdf-graphs", params={"default": ""}, headers=headers)
