"""The OpenAPI description at /openapi.json (what /docs shows) covers the routes that read raw bodies."""

from __future__ import annotations

import warnings

import httpx
import pytest
from live_server import LiveServer

from api.app import create_app
from kg.settings import Settings


@pytest.fixture(scope="module")
def spec(server: LiveServer) -> dict[str, object]:
    return httpx.get(f"{server.base_url}/openapi.json", timeout=30).json()


@pytest.mark.parametrize(("path", "method", "media_types"), [
    ("/sparql", "post", {"application/x-www-form-urlencoded", "application/sparql-query",
                         "application/sparql-update"}),
    ("/validate", "post", {"text/turtle", "application/ld+json", "application/n-triples"}),
    ("/records", "post", {"text/turtle", "application/ld+json", "application/n-triples"}),
    ("/rdf-graphs", "put", {"text/turtle", "application/ld+json", "application/n-triples",
                            "application/rdf+xml"}),
])
def test_request_bodies_are_described(spec: dict, path: str, method: str, media_types: set[str]) -> None:
    assert set(spec["paths"][path][method]["requestBody"]["content"]) == media_types


def test_sparql_errors_and_parameters_are_described(spec: dict) -> None:
    post = spec["paths"]["/sparql"]["post"]["responses"]
    assert {"200", "204", "400", "406", "413", "415", "422", "503"} <= set(post)
    names = {p["name"] for p in spec["paths"]["/sparql"]["get"]["parameters"]}
    assert {"query", "default-graph-uri", "named-graph-uri"} <= names


def test_operation_ids_are_unique() -> None:
    """Regression: GET and HEAD on /rdf-graphs shared one operation id."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        create_app(Settings()).openapi()
