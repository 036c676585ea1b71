"""Protocol hygiene (issue 10, item 11): every error is problem details, OPTIONS and CORS preflights work on
every route, absolute links follow the host the request reached, and the inputs schemathesis found answered
wrongly are answered as the OpenAPI document says."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from live_server import LiveServer, running_server
from paths import RECORDS

from api.app import create_app
from kg.errors import RemoteStoreRefusedError, RemoteStoreTimeoutError, RemoteStoreUnreachableError
from kg.settings import Settings

PROBLEM = "application/problem+json"
ORIGIN = "https://client.example"
HOST = "kg.example.org:8443"  # the name a proxy in front of the service would be reached by
TURTLE = '<https://example.org/thing> <http://www.w3.org/2000/01/rdf-schema#label> "A thing"@en .'
EXAMPLES = {"{resource_id}": "japan", "{identifier}": "0"}


def problem(response: httpx.Response, status: int) -> dict[str, object]:
    """The RFC 9457 body of an error response, checked."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"] == "about:blank" and body["status"] == status and body["title"] and body["detail"]
    return body


async def fetch(app: FastAPI, path: str) -> httpx.Response:
    """A request to the app in this process, through its middleware (no lifespan: no store)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return await client.get(path, headers={"Origin": ORIGIN})


@pytest.fixture(scope="module")
def routes(server: LiveServer) -> dict[str, set[str]]:
    """Every documented path (with its parameters filled in) and its methods, and the two pages."""
    spec = httpx.get(f"{server.base_url}/openapi.json", timeout=30).json()
    found = {"/": {"GET"}, "/static/app.js": {"GET"}}
    for path, operations in spec["paths"].items():
        for template, value in EXAMPLES.items():
            path = path.replace(template, value)
        found[path] = {method.upper() for method in operations}
    return found


@pytest.fixture(scope="module")
def writable(built_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A service of its own for the writes."""
    with running_server(built_data, tmp_path_factory.mktemp("protocol")) as live:
        yield live


def test_unknown_route_is_problem_json(server: LiveServer) -> None:
    """Regression: GET /nonexistent answered 404 application/json {"detail": "Not Found"}."""
    body = problem(httpx.get(f"{server.base_url}/nonexistent", timeout=30), 404)
    assert "/nonexistent" in str(body["detail"])


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", "/lookup", "GET, HEAD, OPTIONS"),
        ("PATCH", "/sparql", "GET, HEAD, POST, OPTIONS"),
        ("POST", "/static/app.js", "GET, HEAD, OPTIONS"),
        ("PATCH", "/rdf-graphs", "GET, HEAD, POST, PUT, DELETE, OPTIONS"),
    ],
)
def test_wrong_method_is_405_problem_with_every_allowed_method(
    server: LiveServer, method: str, path: str, allow: str
) -> None:
    """Regression: DELETE /lookup answered 405 application/json, and Allow named one route's methods only."""
    response = httpx.request(method, f"{server.base_url}{path}", timeout=30)
    problem(response, 405)
    assert response.headers["allow"] == allow


def test_options_answers_204_with_allow_on_every_route(server: LiveServer, routes: dict[str, set]) -> None:
    """Regression: OPTIONS (no CORS headers) answered 405 on every route."""
    for path, methods in routes.items():
        response = httpx.options(f"{server.base_url}{path}", timeout=30)
        assert response.status_code == 204, (path, response.text)
        allowed = {m.strip() for m in response.headers["allow"].split(",")}
        assert allowed == methods | {"OPTIONS"} | ({"HEAD"} if "GET" in methods else set()), path


def test_cors_preflight_works_on_every_route(server: LiveServer, routes: dict[str, set[str]]) -> None:
    """A browser on another origin may call every operation, writes with the token included."""
    for path, methods in routes.items():
        for method in methods:
            response = httpx.options(
                f"{server.base_url}{path}",
                timeout=30,
                headers={
                    "Origin": ORIGIN,
                    "Access-Control-Request-Method": method,
                    "Access-Control-Request-Headers": "authorization, content-type",
                },
            )
            assert response.status_code == 200, (path, method, response.text)
            assert response.headers["access-control-allow-origin"] == "*"
            assert method in response.headers["access-control-allow-methods"]
            assert "authorization" in response.headers["access-control-allow-headers"].lower()


def test_cors_answers_expose_the_headers_a_client_reads(server: LiveServer) -> None:
    response = httpx.get(
        f"{server.base_url}/lookup", params={"q": "japan"}, headers={"Origin": ORIGIN}, timeout=30
    )
    assert response.headers["access-control-allow-origin"] == "*"
    exposed = response.headers["access-control-expose-headers"].lower()
    assert {"location", "retry-after", "www-authenticate", "x-request-id"} <= set(exposed.split(", "))


def test_refused_cors_preflight_is_problem_json(server: LiveServer) -> None:
    response = httpx.options(
        f"{server.base_url}/sparql",
        timeout=30,
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "PATCH"},
    )
    assert "method" in str(problem(response, 400)["detail"])


def test_invalid_parameter_is_400_problem_naming_it(server: LiveServer) -> None:
    """Regression: FastAPI's request validation answered 422 application/json with its own shape."""
    response = httpx.get(f"{server.base_url}/reconcile/suggest/entity", params={"limit": "0"}, timeout=30)
    body = problem(response, 400)
    assert "query parameter limit" in str(body["detail"])
    assert [(e["in"], e["name"]) for e in body["errors"]] == [("query", "limit")]  # type: ignore[union-attr]


def test_unhandled_error_is_500_problem_with_request_id(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The app's own middleware stack, with a route that fails: a 500 that says it is a bug, with the id of
    the log line that holds the traceback."""
    app = create_app(Settings(data_dir=tmp_path))

    def broken() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/broken", broken)
    logger = logging.getLogger("qcollab.http")
    logger.addHandler(caplog.handler)
    try:
        response = asyncio.run(fetch(app, "/broken"))
    finally:
        logger.removeHandler(caplog.handler)
    body = problem(response, 500)
    request_id = str(body["request_id"])
    assert "bug" in str(body["detail"]) and request_id in str(body["detail"])
    assert response.headers["x-request-id"] == request_id
    assert response.headers["access-control-allow-origin"] == "*"
    [record] = [r for r in caplog.records if request_id in r.getMessage()]
    assert record.levelno == logging.ERROR and record.exc_info and "a bug" in str(record.exc_info[1])


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (RemoteStoreTimeoutError(5, "a query"), 504),
        (RemoteStoreUnreachableError("connection refused"), 503),
        (RemoteStoreRefusedError("the remote said 400"), 502),
    ],
)
def test_remote_store_failures_are_gateway_problems(tmp_path: Path, error: Exception, status: int) -> None:
    """Issue 12: a remote store that is slow, down or refusing is a 504, 503 (with Retry-After) or 502."""
    app = create_app(Settings(data_dir=tmp_path))

    def failing() -> None:
        raise error

    app.add_api_route("/failing", failing)
    response = asyncio.run(fetch(app, "/failing"))
    body = problem(response, status)
    assert str(error) in str(body["detail"])
    assert ("retry-after" in response.headers) == (status == 503)


def test_reconcile_limit_infinity_is_400_not_500(server: LiveServer) -> None:
    """Regression: a limit of Infinity (or 1e400) crashed int() with OverflowError: 500."""
    for limit in ("Infinity", "1e400"):
        queries = '{"q0": {"query": "Japan", "limit": ' + limit + "}}"
        response = httpx.get(f"{server.base_url}/reconcile", params={"queries": queries}, timeout=30)
        assert "limit" in str(problem(response, 400)["detail"])


def test_sparql_dataset_parameters_are_checked_without_a_query(server: LiveServer) -> None:
    """Regression (schemathesis): default-graph-uri= was ignored, 200, when the query was left out."""
    response = httpx.get(f"{server.base_url}/sparql", params={"default-graph-uri": ""}, timeout=30)
    problem(response, 400)


def test_lookup_empty_limit_is_400(server: LiveServer) -> None:
    """Regression (schemathesis): limit= (empty) was taken for the default, though it is no integer."""
    problem(httpx.get(f"{server.base_url}/lookup", params={"q": "japan", "limit": ""}, timeout=30), 400)


@pytest.mark.parametrize("callback", ["café", "cb\n", ""])
def test_jsonp_callback_is_an_ascii_identifier(server: LiveServer, callback: str) -> None:
    """Regression (schemathesis): the check allowed any Unicode letter and a trailing newline."""
    response = httpx.get(f"{server.base_url}/reconcile", params={"callback": callback}, timeout=30)
    problem(response, 400)


def test_validate_refusal_is_problem_json(server: LiveServer) -> None:
    record = (RECORDS / "invalid" / "bad-iso-code.ttl").read_bytes()
    response = httpx.post(
        f"{server.base_url}/validate", content=record, headers={"Content-Type": "text/turtle"}, timeout=60
    )
    body = problem(response, 422)
    assert body["conforms"] is False and body["count"] >= 1


@pytest.mark.parametrize("body", [b'"AAA"', b"3017", b"null"])
def test_json_ld_body_that_is_no_object_is_400(writable: LiveServer, body: bytes) -> None:
    """Regression (schemathesis): a JSON-LD body of a bare string or number was taken for an empty graph."""
    response = httpx.put(
        f"{writable.base_url}/rdf-graphs",
        params={"graph": "https://example.org/g"},
        content=body,
        timeout=30,
        headers={**writable.admin_headers, "Content-Type": "application/ld+json"},
    )
    assert "JSON object or array" in str(problem(response, 400)["detail"])


def test_records_location_follows_the_request_host(writable: LiveServer) -> None:
    """Regression: Location was built from the configured public_base_url, whatever host was asked."""
    record = (RECORDS / "valid" / "hand-made.ttl").read_bytes()
    headers = {**writable.admin_headers, "Content-Type": "text/turtle", "Host": HOST}
    created = httpx.post(f"{writable.base_url}/records", content=record, headers=headers, timeout=60)
    assert created.status_code == 201, created.text
    expected = f"http://{HOST}/records/{created.json()['id']}"
    assert created.headers["location"] == created.json()["location"] == expected
    proxied = httpx.post(
        f"{writable.base_url}/records",
        content=record,
        timeout=60,
        headers={**headers, "X-Forwarded-Proto": "https"},
    )
    assert proxied.status_code == 200 and proxied.headers["location"] == expected.replace("http:", "https:")


def test_graph_store_location_follows_the_request_host(writable: LiveServer) -> None:
    headers = {**writable.admin_headers, "Content-Type": "text/turtle", "Host": HOST}
    created = httpx.post(f"{writable.base_url}/rdf-graphs", content=TURTLE, headers=headers, timeout=60)
    assert created.status_code == 201, created.text
    location = created.headers["location"]
    assert location.startswith(f"http://{HOST}/rdf-graphs?graph=https%3A%2F%2Fw3id.org%2Fqcollab%2Fgraph%2F")
    read = httpx.get(
        writable.base_url + location.removeprefix(f"http://{HOST}"),
        timeout=30,
        headers={"Accept": "application/n-triples"},
    )
    assert read.status_code == 200 and "A thing" in read.text


def test_reconcile_links_follow_the_request_host(server: LiveServer) -> None:
    """Regression: the manifest's view and preview URLs and the preview's link used the configured host."""
    manifest = httpx.get(f"{server.base_url}/reconcile", headers={"Host": HOST}, timeout=30).json()
    assert manifest["view"]["url"] == f"http://{HOST}/resource/{{{{id}}}}"
    assert manifest["preview"]["url"].startswith(f"http://{HOST}/reconcile/preview?id=")
    assert manifest["suggest"]["entity"]["service_url"] == f"http://{HOST}"
    preview = httpx.get(
        f"{server.base_url}/reconcile/preview",
        params={"id": "japan"},
        timeout=30,
        headers={"Host": HOST, "X-Forwarded-Proto": "https"},
    )
    assert preview.status_code == 200 and f'href="https://{HOST}/resource/japan"' in preview.text


def test_void_and_service_description_follow_the_request_host(server: LiveServer) -> None:
    void = httpx.get(
        f"{server.base_url}/.well-known/void", params={"format": "nt"}, headers={"Host": HOST}, timeout=30
    )
    assert f"<http://{HOST}/sparql>" in void.text
    description = httpx.get(
        f"{server.base_url}/sparql", timeout=30, headers={"Host": HOST, "Accept": "application/n-triples"}
    )
    assert f"<http://{HOST}/sparql>" in description.text
    assert f"<{server.base_url}/sparql>" not in description.text


def test_a_graph_url_with_a_control_character_is_a_documented_404(server: LiveServer) -> None:
    """Regression (schemathesis on CI): POST /rdf-graphs/%0A answered a 404 the OpenAPI document left out."""
    response = httpx.post(f"{server.base_url}/rdf-graphs/a%0Ab", content=b"", timeout=30)
    problem(response, 404)
    spec = httpx.get(f"{server.base_url}/openapi.json", timeout=30).json()
    for method, described in spec["paths"]["/rdf-graphs/{path}"].items():
        assert "404" in described["responses"], method
