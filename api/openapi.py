"""OpenAPI descriptions of the routes that read their own bodies (SPARQL, records, graphs)."""

from __future__ import annotations

from typing import Any

from kg.formats.table import rdf_formats, results_formats, shown_formats

_TEXT = {"schema": {"type": "string"}}
_PROBLEM = {"application/problem+json": {"schema": {"type": "object"}}}
RDF_MEDIA_TYPES = tuple(f.media_type for f in shown_formats())
RESULT_MEDIA_TYPES = tuple(f.media_type for f in results_formats())
GRAPH_MEDIA_TYPES = (*RDF_MEDIA_TYPES, *(f.media_type for f in rdf_formats() if f.dataset))
_FORMAT_NAMES = ", ".join(f.name for f in (*results_formats(), *rdf_formats()))


def _errors(*codes: int) -> dict[str, Any]:
    reasons = {
        400: "malformed request (a syntax error carries line and column)",
        401: "no bearer token", 403: "wrong token, or the service is read-only", 404: "not found",
        406: "no acceptable media type", 413: "body over the size limit", 415: "unsupported Content-Type",
        422: "the data would not conform to the SHACL shapes (the report is in the body)",
        503: "the query passed the time limit, or the server is busy",
    }
    return {str(code): {"description": reasons[code], "content": _PROBLEM} for code in codes}


def _params(*names: str) -> list[dict[str, Any]]:
    described = {
        "query": "A SPARQL 1.1 query",
        "default-graph-uri": "A graph of the default graph (repeatable); overrides the union default graph",
        "named-graph-uri": "A named graph of the dataset (repeatable)",
        "format": f"Result format for browsers ({_FORMAT_NAMES})",
        "graph": "The IRI of the graph", "default": "The default graph (no value)",
    }
    return [{"name": n, "in": "query", "required": False, "schema": {"type": "string"},
             "description": described[n]} for n in names]


SPARQL_GET: dict[str, Any] = {
    "parameters": _params("query", "default-graph-uri", "named-graph-uri", "format"),
    "responses": {
        "200": {"description": "Results (SELECT/ASK), a graph (CONSTRUCT/DESCRIBE), or without `query` "
                               "the Service Description",
                "content": {t: _TEXT for t in (*RESULT_MEDIA_TYPES, *GRAPH_MEDIA_TYPES)}},
        **_errors(400, 406, 503),
    },
}

SPARQL_POST: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
                "query": {"type": "string"}, "update": {"type": "string"},
                "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                "named-graph-uri": {"type": "array", "items": {"type": "string"}},
            }}},
            "application/sparql-query": _TEXT,
            "application/sparql-update": _TEXT,
        },
    },
    "responses": {
        "200": {"description": "Query results", "content": {t: _TEXT for t in RESULT_MEDIA_TYPES}},
        "204": {"description": "The update was applied"},
        **_errors(400, 401, 403, 406, 413, 415, 422, 503),
    },
}

RECORD_BODY: dict[str, Any] = {
    "requestBody": {"required": True, "content": {t: _TEXT for t in RDF_MEDIA_TYPES[:3]}},
}
VALIDATE: dict[str, Any] = {**RECORD_BODY, "responses": {
    "200": {"description": "The record conforms", "content": {"application/json": {}}},
    **_errors(400, 413, 415, 422),
}}
RECORDS: dict[str, Any] = {**RECORD_BODY, "responses": {
    "201": {"description": "Stored in a graph of its own (Location header)"},
    **_errors(400, 401, 403, 413, 415, 422),
}}

GRAPH_READ: dict[str, Any] = {
    "parameters": _params("graph", "default"),
    "responses": {"200": {"description": "The graph", "content": {t: _TEXT for t in GRAPH_MEDIA_TYPES}},
                  **_errors(400, 404, 406)},
}
GRAPH_WRITE: dict[str, Any] = {
    "parameters": _params("graph", "default"),
    "requestBody": {"required": True, "content": {t: _TEXT for t in RDF_MEDIA_TYPES}},
    "responses": {"201": {"description": "Created"}, "204": {"description": "Done"},
                  **_errors(400, 401, 403, 413, 415, 422)},
}
GRAPH_DELETE: dict[str, Any] = {
    "parameters": _params("graph", "default"),
    "responses": {"204": {"description": "Deleted"}, **_errors(400, 401, 403, 404)},
}
