"""HTTP answers for errors: kg errors mapped to status codes, as RFC 9457 problem details."""

from __future__ import annotations

import logging
import secrets
import uuid
from dataclasses import dataclass
from http import HTTPStatus

import pyoxigraph as ox
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.exceptions import HTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.negotiation import Offer, negotiate
from kg.errors import (
    ClientBusyError,
    DependencyError,
    InputError,
    PolicyRefusedError,
    QcollabError,
    QueryCancelledError,
    QueryTimeoutError,
    QueryTooDeepError,
    QueryWorkerStoppedError,
    RdfSyntaxError,
    RejectedWriteError,
    RemoteStoreTimeoutError,
    RemoteStoreUnreachableError,
    StoreOperationUnsupportedError,
    UnavailableError,
    ValidationEngineError,
)
from kg.query.results import serialize_graph
from kg.settings import Settings

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("qcollab.http")


class ProblemError(HTTPException):
    """An HTTP error answered as problem details; `extra` members are added to the JSON body."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None, **extra: object):
        super().__init__(status, detail, headers)
        self.extra = extra


class StreamAbortedError(Exception):
    """A response stopped after its head was sent (timeout, cancellation): the connection is cut."""


def problem(status: int, detail: str, headers: dict[str, str] | None = None, **extra: object) -> JSONResponse:
    """A problem details response (application/problem+json)."""
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail}
    return JSONResponse({**body, **extra}, status, headers, media_type=PROBLEM_JSON)


def require_admin(request: Request, settings: Settings) -> None:
    """Writes need `Authorization: Bearer <admin token>`; without a configured token, none is allowed."""
    if not settings.admin_token:
        raise ProblemError(403, "this endpoint is read-only: no admin token is configured")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        challenge = 'Bearer realm="qcollab", error="invalid_request"'
        raise ProblemError(
            401,
            "writing needs an admin token: Authorization: Bearer <token>",
            {"WWW-Authenticate": challenge},
        )
    if not secrets.compare_digest(token.strip().encode(), settings.admin_token.encode()):
        raise ProblemError(403, "the admin token is not valid")


_REPORT_OFFERS = (
    Offer("application/json", PROBLEM_JSON, ox.RdfFormat.TURTLE),
    Offer("application/problem+json", PROBLEM_JSON, ox.RdfFormat.TURTLE),
    Offer("text/turtle", "text/turtle; charset=utf-8", ox.RdfFormat.TURTLE),
    Offer("text/plain", "text/plain; charset=utf-8", ox.RdfFormat.TURTLE),
)


@dataclass(frozen=True)
class Rule:
    """How one kind of kg error is answered: its status, a Retry-After, whether it is logged."""

    family: type[QcollabError]
    status: int
    retry_after: bool = False
    log_level: int | None = None


RULES: tuple[Rule, ...] = (  # the first rule whose family the error belongs to applies
    Rule(RejectedWriteError, 422),
    Rule(PolicyRefusedError, 403),
    Rule(InputError, 400),
    Rule(ClientBusyError, 429, retry_after=True),  # this client's own queue is full; others are served
    Rule(QueryTimeoutError, 503, retry_after=True),
    Rule(QueryCancelledError, 503, log_level=logging.INFO),
    Rule(QueryWorkerStoppedError, 503, log_level=logging.ERROR),
    Rule(UnavailableError, 503),
    Rule(ValidationEngineError, 500, log_level=logging.ERROR),
    Rule(RemoteStoreTimeoutError, 504, log_level=logging.WARNING),  # the remote store did not answer in time
    Rule(RemoteStoreUnreachableError, 503, retry_after=True, log_level=logging.WARNING),  # it is down
    Rule(StoreOperationUnsupportedError, 501),  # what this store back-end cannot do (yet)
    Rule(DependencyError, 502, log_level=logging.ERROR),
)
FAMILIES = (InputError, RejectedWriteError, PolicyRefusedError, UnavailableError, DependencyError)
REFUSAL = "the change was refused: the data would not conform to the SHACL shapes; nothing was written"


async def _problem_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ProblemError)
    return problem(error.status_code, error.detail, error.headers, **error.extra)


async def _kg_error(request: Request, error: Exception) -> Response:
    """Answer a kg error as its rule says; a syntax error carries its position, a refusal its report."""
    rule = next(rule for rule in RULES if isinstance(error, rule.family))
    if rule.log_level is not None:
        log.log(rule.log_level, "%s %s: %s", request.method, request.url.path, error)
    if isinstance(error, RejectedWriteError):
        return _refusal(request, error)
    headers = {"Retry-After": "1"} if rule.retry_after else None
    extra: dict[str, object] = {}
    if isinstance(error, RdfSyntaxError):
        extra = {"line": error.line, "column": error.column, "message": error.message}
    elif isinstance(error, QueryTooDeepError):
        extra = {"line": error.line, "column": error.column, "nesting_limit": error.limit}
    return problem(rule.status, str(error), headers, **extra)


def _refusal(request: Request, error: RejectedWriteError) -> Response:
    """422 for every refused write, with the SHACL report: problem details by default, Turtle or text."""
    outcome = error.outcome
    offer = negotiate(request.headers.get("accept"), _REPORT_OFFERS) or _REPORT_OFFERS[0]
    if offer.media_type == "text/turtle":
        return Response(
            serialize_graph(outcome.report_graph, ox.RdfFormat.TURTLE), 422, media_type=offer.content_type
        )
    if offer.media_type == "text/plain":
        return PlainTextResponse(outcome.report_text, 422)
    return problem(422, REFUSAL, **outcome.summary(), report=outcome.report_text, stored=False)


def install_error_handlers(app: FastAPI) -> None:
    """Map ProblemError, the framework's HTTP and parameter errors and the four families of kg errors
    (see RULES) to problem details; unhandled errors are answered by UnhandledErrorMiddleware."""
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid_parameters)
    app.add_exception_handler(ProblemError, _problem_error)
    for family in FAMILIES:
        app.add_exception_handler(family, _kg_error)


METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(request: Request) -> list[str]:
    """Every method the request's path answers (a route matches it fully), HEAD with GET, and OPTIONS."""
    routes = request.app.router.routes

    def answers(method: str) -> bool:
        probe = {**request.scope, "method": method}
        return any(route.matches(probe)[0] is Match.FULL for route in routes)

    allowed = [method for method in METHOD_ORDER if method in ("HEAD", "OPTIONS") or answers(method)]
    return [method for method in allowed if method != "HEAD" or "GET" in allowed]


async def _http_error(request: Request, error: Exception) -> Response:
    """The framework's own errors (no route, wrong method) as problem details; OPTIONS lists the methods."""
    assert isinstance(error, HTTPException)
    status, detail, headers = error.status_code, error.detail, dict(error.headers or {})
    if status == 405:
        allow = ", ".join(allowed_methods(request))
        if request.method == "OPTIONS":
            return Response(status_code=204, headers={"Allow": allow})
        headers["Allow"] = allow
        detail = f"{request.method} is not allowed on {request.url.path}; allowed: {allow}"
    elif status == 404 and detail == HTTPStatus.NOT_FOUND.phrase:
        detail = f"there is nothing at {request.url.path}"
    return problem(status, detail, headers)


def _where(location: tuple[int | str, ...]) -> str:
    """("query", "limit") -> "query parameter limit"; ("body",) -> "request body"."""
    place, *names = (str(part) for part in location)
    if place == "body":
        return "request body" + (f" field {'.'.join(names)}" if names else "")
    return f"{place} parameter {'.'.join(names)}".strip()


async def _invalid_parameters(request: Request, error: Exception) -> Response:
    """400 naming each parameter that is missing or not of its declared type or range."""
    assert isinstance(error, RequestValidationError)
    errors = [
        {"in": str(e["loc"][0]), "name": ".".join(str(p) for p in e["loc"][1:]), "message": e["msg"]}
        for e in error.errors()
    ]
    detail = "; ".join(f"{_where(tuple(e['loc']))}: {e['msg']}" for e in error.errors())
    return problem(400, detail or "the request is not valid", errors=errors)


def bug(request_id: str) -> JSONResponse:
    """The answer to an unhandled error: a bug in the service, with the id its log line carries."""
    detail = f"an unexpected error: this is a bug in the service; report it with request id {request_id}"
    return problem(500, detail, {"X-Request-Id": request_id}, request_id=request_id)


class UnhandledErrorMiddleware:
    """500 problem details for an exception no handler answered, logged with its traceback and a request id.

    An error after the response head was sent cannot be answered: it goes on up (the connection is cut)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watching_send)
        except Exception as error:
            if started:
                raise
            request_id = uuid.uuid4().hex
            log.error(
                "%s %s: unhandled error, request id %s",
                scope["method"],
                scope["path"],
                request_id,
                exc_info=error,
            )
            await bug(request_id)(scope, receive, send)
