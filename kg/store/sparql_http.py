"""A small client of the SPARQL 1.1 Protocol and Graph Store Protocol (httpx), for kg.store.remote.

Retries: a read (query, GSP GET) is retried with backoff when the connection failed or the server
answered 502, 503 or 504; a write (update, GSP PUT/POST/DELETE) only when it cannot have been applied:
the connection failed before the request was sent, or the server answered 503 with Retry-After.
Errors: kg.errors.RemoteStoreUnreachableError (no connection, 503), RemoteStoreTimeoutError (no answer
within the timeout, 504), RemoteStoreAuthError (401, 403), RemoteStoreRefusedError (another 4xx, with
the server's message), RemoteStoreError (anything else).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox

from kg.errors import (
    RemoteStoreAuthError,
    RemoteStoreError,
    RemoteStoreRefusedError,
    RemoteStoreTimeoutError,
    RemoteStoreUnreachableError,
)
from kg.settings import Settings

QUERY_ACCEPT = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, "
    "application/n-triples;q=0.9, text/turtle;q=0.5"
)
# a CONSTRUCT or DESCRIBE: Virtuoso answers one in SPARQL JSON results (?s ?p ?o) when those come first
GRAPH_QUERY_ACCEPT = "application/n-triples, text/turtle;q=0.5"
_GRAPH_FORM = re.compile(
    r"\A\s*(?:(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*(?:CONSTRUCT|DESCRIBE)\b", re.IGNORECASE
)
N_TRIPLES = "application/n-triples"
BACKOFF_SECONDS = 0.2  # doubled after each attempt
MAX_WAIT_SECONDS = 10.0  # the longest Retry-After we honour
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout)  # the request cannot have reached the server
RETRIED_STATUSES = (502, 503, 504)

Parsed = ox.QuerySolutions | ox.QueryBoolean | list[ox.Triple]


@dataclass(frozen=True)
class Answer:
    """A successful answer: its body and media type (parameters removed)."""

    body: bytes
    media_type: str


class _Bearer(httpx.Auth):
    def __init__(self, token: str) -> None:
        self.token = token

    def auth_flow(self, request: httpx.Request):  # type: ignore[no-untyped-def]
        request.headers["Authorization"] = f"Bearer {self.token}"
        yield request


def auth_from(settings: Settings) -> httpx.Auth | None:
    """The httpx authentication of QCOLLAB_SPARQL_AUTH (the settings check that its credentials are set)."""
    password = settings.sparql_password.get_secret_value() if settings.sparql_password else ""
    if settings.sparql_auth == "basic":
        return httpx.BasicAuth(settings.sparql_user or "", password)
    if settings.sparql_auth == "digest":
        return httpx.DigestAuth(settings.sparql_user or "", password)
    if settings.sparql_auth == "bearer" and settings.sparql_token:
        return _Bearer(settings.sparql_token.get_secret_value())
    return None


class SparqlHttpClient:
    """Queries, updates and Graph Store requests to one SPARQL server, each under a timeout."""

    def __init__(
        self,
        query_url: str,
        update_url: str,
        gsp_url: str | None = None,
        *,
        auth: httpx.Auth | None = None,
        timeout_seconds: float = 30.0,
        retries: int = 3,
    ) -> None:
        self.query_url, self.update_url, self.gsp_url = query_url, update_url, gsp_url
        self.timeout_seconds = timeout_seconds
        self.retries = retries
        self.requests_sent = 0  # for the tests and the benchmark: how many requests a step cost
        self._http = httpx.Client(auth=auth, timeout=timeout_seconds, headers={"User-Agent": "qcollab"})

    @classmethod
    def from_settings(cls, settings: Settings) -> SparqlHttpClient:
        assert settings.sparql_query_url and settings.sparql_update_url  # checked by Settings
        return cls(
            settings.sparql_query_url,
            settings.sparql_update_url,
            settings.sparql_gsp_url,
            auth=auth_from(settings),
            timeout_seconds=settings.sparql_timeout_seconds,
            retries=settings.sparql_retries,
        )

    def close(self) -> None:
        self._http.close()

    # -- the SPARQL 1.1 Protocol -------------------------------------------------------------------

    def query(self, sparql: str, params: list[tuple[str, str]] | None = None) -> Answer:
        """POST a query as a form (with default-graph-uri, named-graph-uri, ...); any result form."""
        response = self._send(
            "POST",
            self.query_url,
            "a query",
            read=True,
            content=urlencode([("query", sparql), *(params or [])]).encode(),
            headers={"Accept": _accept(sparql), "Content-Type": "application/x-www-form-urlencoded"},
        )
        return _answer(response)

    @contextmanager
    def streamed_triples(self, construct: str) -> Iterator[tuple[str, Iterator[bytes]]]:
        """A CONSTRUCT's answer (N-Triples asked for) in chunks as the server sends them, with its media
        type, for an export that must not hold the answer; retried like a query until its first byte."""
        response = self._send(
            "POST",
            self.query_url,
            "an export",
            read=True,
            stream=True,
            content=urlencode([("query", construct)]).encode(),
            headers={"Accept": N_TRIPLES, "Content-Type": "application/x-www-form-urlencoded"},
        )
        try:
            yield _media_type(response), _chunks(response, self.query_url, self.timeout_seconds)
        finally:
            response.close()

    def update(self, sparql: str) -> None:
        """POST an update as application/sparql-update."""
        self._send(
            "POST",
            self.update_url,
            "an update",
            read=False,
            content=sparql.encode(),
            headers={"Content-Type": "application/sparql-update"},
        )

    # -- the Graph Store Protocol (graph None: the default graph) -------------------------------------

    def gsp_get(self, graph: str | None) -> bytes | None:
        """A graph as N-Triples; None when the graph does not exist (404)."""
        try:
            response = self._send(
                "GET",
                self._gsp(),
                "a graph read",
                read=True,
                params=_graph_param(graph),
                headers={"Accept": N_TRIPLES},
            )
        except _StatusError as error:
            if error.status == 404:
                return None
            raise
        return response.content

    def gsp_write(self, method: str, graph: str | None, ntriples: bytes) -> None:
        """PUT (replace) or POST (merge) N-Triples into a graph."""
        self._send(
            method,
            self._gsp(),
            "a graph write",
            read=False,
            params=_graph_param(graph),
            content=ntriples,
            headers={"Content-Type": N_TRIPLES},
        )

    def gsp_delete(self, graph: str | None) -> None:
        self._send("DELETE", self._gsp(), "a graph delete", read=False, params=_graph_param(graph))

    def _gsp(self) -> str:
        if self.gsp_url is None:
            raise RemoteStoreError("no Graph Store endpoint is configured (QCOLLAB_SPARQL_GSP_URL)")
        return self.gsp_url

    # -- sending, retrying, mapping errors -------------------------------------------------------------

    def _send(
        self, method: str, url: str, what: str, *, read: bool, stream: bool = False, **kwargs: object
    ) -> httpx.Response:
        """The response (its body unread when `stream`), after the retries the module's docstring says."""
        attempt = 0
        while True:
            wait = BACKOFF_SECONDS * 2**attempt
            self.requests_sent += 1
            try:
                request = self._http.build_request(method, url, **kwargs)  # type: ignore[arg-type]
                response = self._http.send(request, stream=stream)
            except NOT_SENT as error:
                if attempt >= self.retries:
                    raise RemoteStoreUnreachableError(
                        f"the remote store at {url} cannot be reached ({what}): {error}"
                    ) from error
            except httpx.TimeoutException as error:
                raise RemoteStoreTimeoutError(self.timeout_seconds, what) from error
            except httpx.TransportError as error:  # sent, then the connection broke: maybe applied
                if not read or attempt >= self.retries:
                    raise RemoteStoreUnreachableError(
                        f"the connection to the remote store at {url} broke during {what}: {error}"
                    ) from error
            else:
                retry_after = _retry_after(response)
                retried = read or (response.status_code == 503 and retry_after is not None)
                if response.status_code not in RETRIED_STATUSES or not retried or attempt >= self.retries:
                    if stream and response.status_code >= 300:
                        response.read()  # the error's text, for its message
                    return checked(response, url, what, self.timeout_seconds)
                response.close()
                wait = retry_after if retry_after is not None else wait
            attempt += 1
            time.sleep(wait)


class _StatusError(RemoteStoreRefusedError):
    def __init__(self, message: str, status: int, detail: str) -> None:
        super().__init__(message)
        self.status = status
        self.detail = detail


def checked(response: httpx.Response, url: str, what: str, timeout: float) -> httpx.Response:
    """The response if it succeeded; else the error its status maps to (see the module's docstring)."""
    status = response.status_code
    if status < 300:
        return response
    detail = response.text[:2000].strip()
    message = (
        f"the remote store at {url} answered {what} with HTTP {status}: {detail or response.reason_phrase}"
    )
    if status in (401, 403):
        raise RemoteStoreAuthError(message)
    if status == 504:
        raise RemoteStoreTimeoutError(timeout, what)
    if status == 503:
        raise RemoteStoreUnreachableError(message)
    if 400 <= status < 500:
        raise _StatusError(message, status, detail)
    raise RemoteStoreError(message)


def refusal_detail(error: RemoteStoreRefusedError) -> tuple[int, str]:
    """The status and the server's own message of a refused request."""
    if isinstance(error, _StatusError):
        return error.status, error.detail
    return 0, str(error)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None or not value.strip().isdigit():
        return None
    return min(float(value), MAX_WAIT_SECONDS)


def _accept(sparql: str) -> str:
    """What a query's answer is asked for in: RDF for a CONSTRUCT or DESCRIBE (told by its first keyword
    after the prologue), else query results."""
    return GRAPH_QUERY_ACCEPT if _GRAPH_FORM.match(sparql) else QUERY_ACCEPT


def _chunks(response: httpx.Response, url: str, timeout: float) -> Iterator[bytes]:
    """The body of a streamed answer, a broken or stalled connection as the store error it is."""
    try:
        yield from response.iter_bytes()
    except httpx.TimeoutException as error:
        raise RemoteStoreTimeoutError(timeout, "an export") from error
    except httpx.TransportError as error:
        message = f"the connection to {url} broke during an export: {error}"
        raise RemoteStoreUnreachableError(message) from error


def _graph_param(graph: str | None) -> dict[str, str]:
    return {"default": ""} if graph is None else {"graph": graph}


def _media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";")[0].strip().lower()


def _answer(response: httpx.Response) -> Answer:
    return Answer(response.content, _media_type(response))


def parse_answer(body: bytes, media_type: str) -> Parsed:
    """Query results (SPARQL JSON, XML, TSV) or RDF triples, as pyoxigraph terms."""
    try:
        results = ox.QueryResultsFormat.from_media_type(media_type)
        if results is not None:
            return ox.parse_query_results(body, results)
        rdf = ox.RdfFormat.from_media_type(media_type)
        if rdf is not None:
            return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, rdf)]
    except SyntaxError as error:
        raise RemoteStoreError(f"the remote store's answer does not parse as {media_type}: {error}") from None
    raise RemoteStoreError(f"the remote store answered in a format we cannot read: {media_type or 'none'}")
