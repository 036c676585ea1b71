"""HTTP answers for errors: kg errors mapped to status codes, as RFC 9457 problem details."""

from __future__ import annotations

import logging
import secrets
from http import HTTPStatus

import pyoxigraph as ox
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.exceptions import HTTPException

from api.negotiation import Offer, negotiate
from kg.errors import (
    QueryCancelledError,
    QueryTimeoutError,
    RdfSyntaxError,
    RejectedWriteError,
    ServiceNotAllowedError,
    UpdateFailedError,
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


async def _problem_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ProblemError)
    return problem(error.status_code, error.detail, error.headers, **error.extra)


async def _syntax_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RdfSyntaxError)
    detail = str(error)
    return problem(400, detail, line=error.line, column=error.column, message=error.message)


async def _bad_request(request: Request, error: Exception) -> Response:
    return problem(400, str(error))


async def _timeout(request: Request, error: Exception) -> Response:
    return problem(503, str(error), {"Retry-After": "1"})


async def _cancelled(request: Request, error: Exception) -> Response:
    log.info("%s %s: %s", request.method, request.url.path, error)
    return problem(503, str(error))


async def _engine_fault(request: Request, error: Exception) -> Response:
    log.error("SHACL validation failed on %s %s: %s", request.method, request.url.path, error)
    return problem(500, str(error))


async def _rejected(request: Request, error: Exception) -> Response:
    """422 with the SHACL report: JSON summary by default, Turtle or plain text on request."""
    assert isinstance(error, RejectedWriteError)
    outcome = error.outcome
    offer = negotiate(request.headers.get("accept"), _REPORT_OFFERS) or _REPORT_OFFERS[0]
    if offer.media_type == "text/turtle":
        return Response(
            serialize_graph(outcome.report_graph, ox.RdfFormat.TURTLE), 422, media_type=offer.content_type
        )
    if offer.media_type == "text/plain":
        return PlainTextResponse(outcome.report_text, 422)
    detail = "the change was refused: the data would not conform to the SHACL shapes; nothing was written"
    return problem(422, detail, **outcome.summary(), report=outcome.report_text)


def install_error_handlers(app: FastAPI) -> None:
    """Map the errors of kg (and ProblemError) to HTTP answers."""
    app.add_exception_handler(ProblemError, _problem_error)
    app.add_exception_handler(RdfSyntaxError, _syntax_error)
    app.add_exception_handler(ServiceNotAllowedError, _bad_request)
    app.add_exception_handler(UpdateFailedError, _bad_request)
    app.add_exception_handler(QueryTimeoutError, _timeout)
    app.add_exception_handler(QueryCancelledError, _cancelled)
    app.add_exception_handler(ValidationEngineError, _engine_fault)
    app.add_exception_handler(RejectedWriteError, _rejected)
