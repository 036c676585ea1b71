"""Cross-cutting HTTP concerns: logging, Server-Timing, CORS, body size limit, readiness, error handlers."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import (
    ProblemError,
    StreamAbortedError,
    UnhandledErrorMiddleware,
    install_error_handlers,
    problem,
)
from kg.errors import QcollabError
from kg.settings import Settings

log = logging.getLogger("qcollab.http")
UPLOAD_PATH = "/rdf-graphs"  # the Graph Store protocol, whose admin writes may be large


class BodyTooLargeError(ProblemError):
    """A request body over the configured limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than the limit of {limit} bytes", limit=limit)


def admin_upload_limit(settings: Settings) -> Callable[[Scope], int | None]:
    """The limit of an admin's Graph Store write (PUT or POST /rdf-graphs with the admin token), streamed
    to the bulk loader: `max_load_bytes` instead of `max_body_bytes`."""
    token = (settings.admin_token or "").encode()

    def limit(scope: Scope) -> int | None:
        if not token or scope["method"] not in ("PUT", "POST") or scope["path"] != UPLOAD_PATH:
            return None
        scheme, _, given = dict(scope["headers"]).get(b"authorization", b"").partition(b" ")
        if scheme.lower() == b"bearer" and secrets.compare_digest(given.strip(), token):
            return settings.max_load_bytes
        return None

    return limit


class BodyLimitMiddleware:
    """413 for a body over `limit` bytes: at once on Content-Length, while reading for streamed bodies.

    `larger`, when given, may name another limit for a request (an admin's upload)."""

    def __init__(self, app: ASGIApp, limit: int, larger: Callable[[Scope], int | None] | None = None) -> None:
        self.app, self.default_limit, self.larger = app, limit, larger

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = (self.larger(scope) if self.larger else None) or self.default_limit
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await problem(413, BodyTooLargeError(limit).detail, limit=limit)(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError(limit)
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLargeError as error:
            if started:
                raise
            await problem(413, error.detail, limit=limit)(scope, receive, send)


class ProblemCORSMiddleware(CORSMiddleware):
    """CORS, with a refused preflight (an origin, method or header not allowed) as problem details."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        kept = {k: v for k, v in response.headers.items() if k.startswith("access-control-") or k == "vary"}
        detail = f"the CORS preflight is refused: {bytes(response.body).decode().lower()}"
        return problem(response.status_code, detail, kept)


class TimingMiddleware:
    """Adds `Server-Timing: app;dur=<ms>` (time to the response head) and logs every request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def timed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers.append("Server-Timing", f"app;dur={(time.perf_counter() - started) * 1000:.1f}")
            await send(message)

        try:
            await self.app(scope, receive, timed_send)
        except* StreamAbortedError as aborted:
            reason = aborted.exceptions[0]
            log.warning("%s %s: response cut short: %s", scope["method"], scope["path"], reason)
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            log.info("%s %s %d %.1f ms", scope["method"], scope["path"], status, elapsed)


class HeadAsGetMiddleware:
    """HEAD on any GET route (RFC 9110 9.3.2): the GET response's head, with no body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def head_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, head_only)


async def readyz(request: Request) -> JSONResponse:
    """Readiness: the store is open and answers a trivial query (over a remote store: the remote server
    answers it, so this is 503 while it is down and 200 again once it is back); also the query workers'
    process ids. /healthz is liveness only: it never asks the store."""
    store = getattr(request.app.state, "store", None)
    if store is None:
        return JSONResponse({"status": "unavailable", "detail": "the store is not open"}, 503)
    try:
        answer = await asyncio.wait_for(asyncio.to_thread(lambda: bool(store.evaluate("ASK {}"))), 5)
    except (OSError, TimeoutError) as error:
        return JSONResponse({"status": "unavailable", "detail": f"the store does not answer: {error!r}"}, 503)
    except QcollabError as error:  # a remote store that is down, slow, refusing or answering errors
        return JSONResponse({"status": "unavailable", "detail": f"the store does not answer: {error}"}, 503)
    engine = getattr(request.app.state, "query_engine", None)
    running = engine.running if engine is not None else 0
    workers = engine.worker_pids() if engine is not None else []
    status = "ready" if answer else "unavailable"
    return JSONResponse({"status": status, "queries_running": running, "query_workers": workers})


def _configure_logging() -> None:
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False


def install_middleware(app: FastAPI, settings: Settings) -> None:
    """Attach the middleware (outermost first: timing/logging, HEAD, CORS, unhandled errors, body limit),
    /readyz, handlers. CORS: any route, with the methods and headers of the API, writes included."""
    _configure_logging()
    larger = admin_upload_limit(settings)
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_body_bytes, larger=larger)
    app.add_middleware(UnhandledErrorMiddleware)
    app.add_middleware(
        ProblemCORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["Accept", "Content-Type", "Content-Encoding", "Authorization"],
        expose_headers=["Server-Timing", "Content-Type", "Content-Length", "Location", "Allow", "Retry-After",
                        "WWW-Authenticate", "X-Graph", "X-Request-Id"],
        max_age=3600,
    )
    app.add_middleware(HeadAsGetMiddleware)
    app.add_middleware(TimingMiddleware)
    app.add_api_route("/readyz", readyz, methods=["GET"], tags=["operations"])
    install_error_handlers(app)
