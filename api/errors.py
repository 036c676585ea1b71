"""HTTP answers for errors: kg errors mapped to status codes, as RFC 9457 problem details."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from http import HTTPStatus

import pyoxigraph as ox
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.exceptions import HTTPException

from api.negotiation import Offer, negotiate
from kg.errors import (
    DependencyError,
    InputError,
    QcollabError,
    QueryCancelledError,
    QueryTimeoutError,
    RdfSyntaxError,
    RejectedWriteError,
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
    Rule(InputError, 400),
    Rule(QueryTimeoutError, 503, retry_after=True),
    Rule(QueryCancelledError, 503, log_level=logging.INFO),
    Rule(UnavailableError, 503),
    Rule(ValidationEngineError, 500, log_level=logging.ERROR),
    Rule(DependencyError, 502, log_level=logging.ERROR),
)
FAMILIES = (InputError, RejectedWriteError, UnavailableError, DependencyError)
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
    """Map ProblemError and the four families of kg errors (see RULES) to HTTP answers."""
    app.add_exception_handler(ProblemError, _problem_error)
    for family in FAMILIES:
        app.add_exception_handler(family, _kg_error)
