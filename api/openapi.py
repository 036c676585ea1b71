"""The OpenAPI document: every operation's parameters, bodies and answers, in one table (SPECS).

FastAPI derives a first draft from the routes; `complete` replaces what it cannot know (raw bodies,
negotiated media types, problem details, the admin token) with the entries of SPECS. What a schema
cannot say is said in words: which strings are SPARQL or RDF that parses and conforms, which JSON is
a reconciliation batch, and that a Graph Store request names one of `graph` and `default`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from api.negotiation import GRAPH_OFFERS, RDF_OFFERS, RESULT_OFFERS, TRIPLE_OFFERS
from api.openapi_parts import (
    ADMIN,
    BATCH,
    CALLBACK,
    CLASS,
    DATASET,
    DIRECT_GRAPH,
    EVIDENCE,
    GRAPH,
    GRAPHS,
    HTML,
    IN_THE_WORKERS,
    JSON,
    LIMIT,
    LOCATION,
    NETWORK,
    NEW_GRAPH,
    NOTHING,
    PROBLEM,
    PROBLEM_SCHEMA,
    RDF_BODY,
    REASONS,
    RECORD_BODY,
    RESOURCE_ID,
    RESULTS,
    SECURITY_SCHEMES,
    SPARQL_FORM,
    SPARQL_TEXT,
    SUGGESTED,
    TRIPLES,
    UPDATE_DATASET,
    WHITESPACE,
    Spec,
    content,
    format_param,
    ok,
    operation,
    query,
)

SPECS: dict[tuple[str, str], Spec] = {
    ("get", "/sparql"): operation(
        {
            "200": ok(
                "Results (SELECT, ASK), a graph (CONSTRUCT, DESCRIBE), or without query the SPARQL "
                "Service Description",
                *RESULTS,
                *GRAPHS,
            ),
            "303": ok("A browser that asks for HTML is sent to the home page"),
        },
        400,
        406,
        503,
        parameters=[
            query("query", SPARQL_TEXT, {"type": "string"}, example="ASK { ?s ?p ?o }"),
            *DATASET,
            format_param(tuple(dict.fromkeys((*RESULT_OFFERS, *RDF_OFFERS)))),
        ],
    ),
    ("post", "/sparql"): operation(
        {"200": ok("Query results, or a graph", *RESULTS, *GRAPHS), "204": ok("The update was applied")},
        400,
        401,
        403,
        406,
        413,
        415,
        422,
        503,
        parameters=[*DATASET, *UPDATE_DATASET],
        security=[{}, *ADMIN],  # updates only need the token
        requestBody={
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {"schema": SPARQL_FORM},
                **content("application/sparql-query", "application/sparql-update"),
            },
        },
    ),
    ("get", "/rdf-graphs"): operation(
        {"200": ok("The graph (HEAD: its head only)", *TRIPLES)}, 400, 404, 406, 503, parameters=GRAPH
    ),
    ("put", "/rdf-graphs"): operation(
        {"201": ok("Created"), "204": ok("Replaced"), "200": NOTHING},
        400,
        401,
        403,
        413,
        415,
        422,
        parameters=GRAPH,
        requestBody=RDF_BODY,
        security=ADMIN,
    ),
    ("post", "/rdf-graphs"): operation(
        {
            "201": ok("Created (a new record graph: its Location)", headers=LOCATION),
            "204": ok("Merged"),
            "200": NOTHING,
        },
        400,
        401,
        403,
        413,
        415,
        422,
        parameters=NEW_GRAPH,
        requestBody=RDF_BODY,
        security=ADMIN,
    ),
    ("delete", "/rdf-graphs"): operation(
        {"204": ok("Deleted")}, 400, 401, 403, 404, 422, parameters=GRAPH, security=ADMIN
    ),
    ("get", "/lookup"): operation(
        {
            "200": {
                "description": "Entities, the best match first",
                "content": {JSON: {"schema": {"type": "array", "items": {"type": "object"}}}},
            }
        },
        400,
        503,
        parameters=[
            query(
                "q",
                "Words to look for; case, accents and typos are ignored",
                {"type": "string", "minLength": 1, "maxLength": 200, "pattern": f"[^{WHITESPACE}]"},
                True,
            ),
            query("type", "A class: qc:Country, Country or a full IRI", {"type": "string", "pattern": CLASS}),
            LIMIT,
        ],
    ),
    ("get", "/resource/{resource_id}"): operation(
        {
            "200": ok("The resource's description", *TRIPLES, HTML),
            "404": {"description": "Nothing is known about it", "content": {**PROBLEM, **content(HTML)}},
        },
        400,
        406,
        parameters=[RESOURCE_ID, format_param(GRAPH_OFFERS, "html")],
    ),
    ("get", "/ontology"): operation(
        {"200": ok("The ontology", *TRIPLES, HTML)},
        400,
        404,
        406,
        parameters=[format_param(GRAPH_OFFERS, "html")],
    ),
    ("post", "/validate"): operation(
        {
            "200": ok("The record conforms (a JSON summary, or the report graph by Accept)", JSON, *TRIPLES),
            "422": {
                "description": "It does not conform: the summary as problem details, or the report graph",
                "content": {**PROBLEM, **content(*TRIPLES)},
            },
        },
        400,
        406,
        413,
        415,
        503,
        requestBody=RECORD_BODY,
    ),
    ("post", "/records"): operation(
        {
            "201": ok("Stored in a graph of its own", JSON, headers=LOCATION),
            "200": ok("The same record was stored before", JSON, headers=LOCATION),
        },
        400,
        401,
        403,
        413,
        415,
        422,
        503,
        requestBody=RECORD_BODY,
        security=ADMIN,
    ),
    ("get", "/records/{identifier}"): operation(
        {"200": ok("The record", *TRIPLES)},
        404,
        parameters=[
            {
                "name": "identifier",
                "in": "path",
                "required": True,
                "schema": {"type": "string"},
                "description": "The record's id, as POST /records gave it",
            }
        ],
    ),
    ("get", "/reconcile"): operation(
        {"200": ok("Without queries the service manifest, else the answers", JSON, "application/javascript")},
        400,
        413,
        503,
        parameters=[query("queries", BATCH, {"type": "string"}), CALLBACK],
    ),
    ("post", "/reconcile"): operation(
        {"200": ok("The answers", JSON)},
        400,
        413,
        415,
        503,
        requestBody={
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {"queries": {"type": "string", "description": BATCH}},
                        "required": ["queries"],
                    }
                },
                JSON: {"schema": {"type": "object"}},
            },
        },
    ),
    ("get", "/reconcile/preview"): operation(
        {"200": ok("A small HTML page", HTML)},
        400,
        404,
        503,
        parameters=[
            query(
                "id",
                "Entity id (relative to the identifier space) or IRI",
                {"type": "string"},
                True,
                example="japan",
            )
        ],
    ),
    ("get", "/reconcile/suggest/entity"): operation(
        {"200": SUGGESTED},
        400,
        503,
        parameters=[
            query("prefix", "The start of a name", {"type": "string"}),
            query("type", "Only entities of this type", {"type": "string"}),
            LIMIT,
            CALLBACK,
        ],
    ),
    ("get", "/reconcile/suggest/type"): operation(
        {"200": SUGGESTED},
        400,
        503,
        parameters=[query("prefix", "The start of a type's name", {"type": "string"}), LIMIT, CALLBACK],
    ),
    ("get", "/.well-known/void"): operation(
        {"200": ok("The VoID description", *TRIPLES)}, 400, 406, 503, parameters=[format_param(TRIPLE_OFFERS)]
    ),
    ("get", "/graph/network"): operation(
        {"200": ok("The network: nodes, edges with their weights, and the values to filter by", JSON)},
        400,
        429,
        503,
        parameters=NETWORK,
        description="Nodes (actors and programs, by kind) and undirected edges weighted by the sentences "
        "that state them. " + IN_THE_WORKERS,
    ),
    ("get", "/graph/network/evidence"): operation(
        {"200": ok("The sentences, each with its document, offsets and what it states", JSON)},
        400,
        429,
        503,
        parameters=EVIDENCE,
        description="The sentences that state the edge between two nodes, either way. " + IN_THE_WORKERS,
    ),
    ("get", "/readyz"): {
        "responses": {"200": ok("Ready: the store answers", JSON), "503": ok("Not ready", JSON)}
    },
    ("get", "/healthz"): {"responses": {"200": ok("The process answers", JSON)}},
}
# A directly identified graph (/rdf-graphs/{path}) is answered as one named by ?graph=.
# 404 on every method: a path the router cannot take as a graph's URL (a control character) names none.
NO_SUCH_GRAPH = {"404": {"description": REASONS[404], "content": PROBLEM}}
SPECS |= {
    (method, "/rdf-graphs/{path}"): {
        **SPECS[method, "/rdf-graphs"],
        "parameters": DIRECT_GRAPH,
        "responses": {**SPECS[method, "/rdf-graphs"]["responses"], **NO_SUCH_GRAPH},
    }
    for method in ("get", "put", "post", "delete")
}
# The routes that read their own bodies pass their entries to FastAPI too (openapi_extra).
SPARQL_GET, SPARQL_POST = SPECS["get", "/sparql"], SPECS["post", "/sparql"]
VALIDATE, RECORDS = SPECS["post", "/validate"], SPECS["post", "/records"]
GRAPH_READ, GRAPH_WRITE = SPECS["get", "/rdf-graphs"], SPECS["put", "/rdf-graphs"]
GRAPH_DELETE = SPECS["delete", "/rdf-graphs"]


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """Replace each operation's parameters, body, answers and security by its SPECS entry (idempotent);
    an operation without one keeps FastAPI's draft (tests/api/test_schemathesis.py lists them)."""
    for path, operations in document.get("paths", {}).items():
        for method, described in operations.items():
            spec = SPECS.get((method, path))
            if spec is not None:
                for key in ("parameters", "requestBody", "security"):
                    described.pop(key, None)
                described.update(spec)
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    if all(key in SPECS for key in operation_keys(document)):
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
    schemas["Problem"] = PROBLEM_SCHEMA
    components["securitySchemes"] = SECURITY_SCHEMES
    return document


def operation_keys(document: dict[str, Any]) -> list[tuple[str, str]]:
    """The (method, path) of every operation of a document."""
    return [(method, path) for path, operations in document.get("paths", {}).items() for method in operations]


def install(app: FastAPI) -> None:
    """Serve the completed document at /openapi.json (and in /docs)."""
    draft: Callable[[], dict[str, Any]] = app.openapi

    def document() -> dict[str, Any]:
        return complete(draft())

    app.openapi = document  # type: ignore[method-assign]
