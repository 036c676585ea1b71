"""Building blocks of the OpenAPI document (api.openapi): answers, parameters, bodies, media types."""

from __future__ import annotations

from typing import Any

from api.negotiation import FORMAT_NAMES, RDF_OFFERS, RESULT_OFFERS, TRIPLE_OFFERS, Offer
from kg.namespaces import PREFIXES

Spec = dict[str, Any]
HTML, JSON = "text/html", "application/json"
PROBLEM_SCHEMA: Spec = {
    "type": "object",
    "description": "RFC 9457 problem details; some answers add members (line, column, errors, request_id)",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
    },
}
SECURITY_SCHEMES = {
    "adminToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "The admin token (QCOLLAB_ADMIN_TOKEN), for writes",
    }
}
ADMIN = [{"adminToken": []}]
PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
REASONS = {
    400: "malformed request: a parameter, or a body that does not parse (a syntax error has line and column)",
    401: "no bearer token",
    403: "wrong token, the service is read-only, or the graph is protected",
    404: "not found",
    406: "no acceptable media type",
    413: "body over the size limit",
    415: "unsupported Content-Type",
    500: "a bug in the service (the answer gives a request id)",
    422: "the data would not conform to the SHACL shapes (the report is in the body); nothing was written",
    429: "this client has too many queries waiting for a query worker (Retry-After)",
    503: "the query passed the time limit, the server is busy, or the index is not ready yet",
}


def types(offers: tuple[Offer, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(offer.content_type.split(";")[0] for offer in offers))


RESULTS, GRAPHS, TRIPLES = types(RESULT_OFFERS), types(RDF_OFFERS), types(TRIPLE_OFFERS)


def content(*media_types: str) -> Spec:
    """Text, or for a JSON type an object (or a JSON-LD array)."""
    json_value = {"type": ["object", "array"]}
    return {m: {"schema": json_value if m.endswith("json") else {"type": "string"}} for m in media_types}


def ok(description: str, *media_types: str, **more: Any) -> Spec:
    return {"description": description, **({"content": content(*media_types)} if media_types else {}), **more}


def operation(answers: Spec, *errors: int, **more: Any) -> Spec:
    """An operation's answers, its problem details answers (500 always) and its other members."""
    problems = {str(code): {"description": REASONS[code], "content": PROBLEM} for code in (*errors, 500)}
    return {**more, "responses": {**answers, **problems}}


def query(name: str, description: str, schema: Spec, required: bool = False, **more: Any) -> Spec:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "schema": schema,
        "description": description,
        **more,
    }


def format_values(offers: tuple[Offer, ...], *extra: str) -> list[str]:
    """The values of a `format` parameter for these offers: names (ttl, json…), media types, or empty
    (the same as none: by Accept)."""
    types = {offer.media_type for offer in offers}
    names = [name for name, media in FORMAT_NAMES.items() if types & set(media)]
    return ["", *extra, *names, *dict.fromkeys(offer.media_type for offer in offers)]


def format_param(offers: tuple[Offer, ...], *extra: str) -> Spec:
    return query(
        "format",
        "The answer's format, by name or media type; overrides Accept",
        {"type": "string", "enum": format_values(offers, *extra)},
    )


IRI = {"type": "string", "format": "iri"}
IRIS = {"type": "array", "items": IRI}
CALLBACK = query(
    "callback",
    "JSONP: a JavaScript function name (the answer is application/javascript)",
    {
        "type": "string",
        "maxLength": 100,
        "pattern": r"^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$",
    },
)
LIMIT = query("limit", "At most this many results", {"type": "integer", "minimum": 1, "maximum": 100})
DATASET = [
    query(
        "default-graph-uri",
        "A graph of the default graph (repeatable); replaces the union of all graphs",
        IRIS,
        style="form",
        explode=True,
    ),
    query("named-graph-uri", "A named graph of the dataset (repeatable)", IRIS, style="form", explode=True),
]
UPDATE_DATASET = [
    query(
        "using-graph-uri",
        "For an update: a graph of its WHERE clauses' default graph, as USING (repeatable)",
        IRIS,
        style="form",
        explode=True,
    ),
    query(
        "using-named-graph-uri",
        "For an update: a named graph of its WHERE clauses, as USING NAMED (repeatable)",
        IRIS,
        style="form",
        explode=True,
    ),
]
SPARQL_TEXT = "A SPARQL 1.1 query (it must parse; the format must suit its form)"
SPARQL_FORM = {
    "type": "object",
    "properties": {
        "query": {"type": "string"},
        "update": {"type": "string"},
        "default-graph-uri": IRIS,
        "named-graph-uri": IRIS,
        "using-graph-uri": IRIS,
        "using-named-graph-uri": IRIS,
    },
    "oneOf": [
        {"required": ["query"], "not": {"required": ["update"]}},
        {"required": ["update"], "not": {"required": ["query"]}},
    ],
}


def target(*, new: bool) -> list[Spec]:
    """`graph=<IRI>` or `default` (the store's own default graph), never both; for POST also neither (an
    OpenAPI schema covers one parameter, so the rule is in words)."""
    rule = "name exactly one of graph and default" + (", or neither for a new record graph" if new else "")
    return [
        query("graph", f"The IRI of the graph; {rule}", IRI),
        query("default", f"The default graph (no value needed); {rule}", {"type": "string"}),
    ]


GRAPH, NEW_GRAPH = target(new=False), target(new=True)
DIRECT_GRAPH = [
    {
        "name": "path",
        "in": "path",
        "required": True,
        "description": "The rest of the graph's URL: the graph whose IRI is this request's own URL "
        "(SPARQL 1.1 Graph Store HTTP Protocol 4.1)",
        "schema": {"type": "string", "minLength": 1},
    }
]
LOCATION = {"Location": {"description": "Where it can be read", "schema": {"type": "string"}}}
NOTHING = ok("The body holds no triples: nothing was written (a PUT empties an existing graph)", JSON)
EXAMPLE_TURTLE = '<https://example.org/thing> <http://www.w3.org/2000/01/rdf-schema#label> "A thing"@en .'


def rdf_body(*media_types: str) -> Spec:
    """A request body in one of these RDF syntaxes (Turtle with an example)."""
    body = content(*media_types)
    body["text/turtle"] = {**body["text/turtle"], "example": EXAMPLE_TURTLE}
    return {"required": True, "content": body}


RDF_BODY = rdf_body("text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml")
RECORD_BODY = rdf_body("text/turtle", "application/ld+json", "application/n-triples")
WHITESPACE = r"\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
CLASS = rf"^([^:]*|[\s\S]*://[\s\S]*|\s*({'|'.join(PREFIXES)}):[\s\S]*)$"  # a CURIE of a known prefix
RESOURCE_ID = {
    "name": "resource_id",
    "in": "path",
    "required": True,
    "example": "japan",
    "description": "What follows the base IRI",
    "schema": {"type": "string", "pattern": r"^[A-Za-z0-9._~!$&'()*+,;=:@/-]+$"},
}
BATCH = 'A JSON batch of reconciliation queries, {"q0": {"query": "Japan", "type": "Country", "limit": 3}}'
SUGGESTED = ok("Suggestions", JSON, "application/javascript")
KINDS = ["country", "union", "region", "agency", "university", "institute", "company", "standards-body",
         "organization", "program", "actor"]  # kg.describe.network.KIND_NAMES (tests/api/test_web_explore.py)
EDGE_LIMIT = {"type": "integer", "minimum": 1, "maximum": 20000}
# describe.MAX_SEARCH_CHARS characters, not only whitespace (what Python's str.strip removes)
SEARCH = {"type": "string", "minLength": 1, "maxLength": 200, "pattern": f"[^{WHITESPACE}]"}
# The IRIs the network routes take (api.network checks them against this very pattern): http(s), no port,
# no percent-encoding, as the graph's own resources are.
NODE_IRI_PATTERN = r"^https?://[A-Za-z0-9.-]*(/[A-Za-z0-9._~!$&'()*+,;=:@/-]*)?$"
NODE_IRI = {"type": "string", "format": "iri", "pattern": NODE_IRI_PATTERN}
NETWORK = [
    query("kind", "Only nodes of these kinds, and the edges between them (repeatable)",
          {"type": "array", "items": {"type": "string", "enum": KINDS}}, style="form", explode=True),
    query("area", "Only edges about this technology area or application domain (its IRI)", NODE_IRI),
    query("document", "Only edges stated in this document (its IRI), weighed by its sentences", NODE_IRI),
    query("model", "Only edges of this collaboration model (its IRI)", NODE_IRI),
    query("limit", "At most this many edges, the heaviest first (5000 by default)", EDGE_LIMIT),
    query("q", "Only the nodes whose label holds this text, or each of its words (case and accents folded), "
          "their edges and the nodes at the other ends (`match` tells which is which)", SEARCH,
          example="quantum"),
]
# What the network routes do with time (api.network): their queries run in the query workers, as /sparql's.
IN_THE_WORKERS = (
    "Its SPARQL queries run in the query workers, as those of /sparql do: in the same lanes, in turns with "
    "the other clients, all of a request's queries within one deadline (QCOLLAB_QUERY_TIMEOUT_SECONDS "
    "from the start of the request). Past it the worker is killed and the answer is 503 with problem "
    "details (\"query exceeded the N s time limit\") and Retry-After; 503 too when every worker stays "
    "busy that long, or when a worker stops; 429 when this client has too many queries waiting."
)
EVIDENCE = [
    query("source", "The IRI of one node of the edge", NODE_IRI, True, example=f"{PREFIXES['qcr']}canada"),
    query("target", "The IRI of the other node", NODE_IRI, True, example=f"{PREFIXES['qcr']}united-states"),
    query("document", "Only sentences of this document (its IRI)", NODE_IRI),
]
