"""A query to the remote store whose answer is read as it comes (httpx.AsyncClient), for /sparql.

The same protocol, credentials, retries and error mapping as kg.store.sparql_http, but asynchronous and
streamed: the answer's bytes are relayed while the remote engine still sends them, and closing the
stream closes the connection, which is how a query is cancelled on a SPARQL server. Skolem IRIs (the
blank nodes RemoteStore wrote, kg.store.remote_text) are turned back into blank nodes on the way, a chunk
at a time (SkolemFilter).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx

from kg.errors import RemoteStoreError, RemoteStoreTimeoutError, RemoteStoreUnreachableError
from kg.settings import Settings
from kg.store.remote_text import SKOLEM, unskolem_answer
from kg.store.sparql_http import BACKOFF_SECONDS, NOT_SENT, RETRIED_STATUSES, auth_from, checked

CHUNK_BYTES = 64 * 1024
_SKOLEM_BYTES = SKOLEM.encode()
_JSON_TERM = re.compile(rb"\{[^{}]*\}")
# Where a chunk may be cut without splitting a term: the last of these bytes, by the answer's syntax.
_CUT = {"json": b"{", "xml": b"<", "csv": b"\n", "tab-separated-values": b"\n", "n-triples": b"\n"}


class SkolemFilter:
    """Skolem IRIs as blank nodes in an answer read in chunks: a chunk's tail that might hold part of a
    term is kept for the next one."""

    def __init__(self, media_type: str) -> None:
        self.kind = media_type.rsplit("/", 1)[-1].removeprefix("sparql-results+")
        self.cut = _CUT.get(self.kind, b"\n")
        self.held = b""

    def feed(self, chunk: bytes) -> bytes:
        data = self.held + chunk
        end = data.rfind(self.cut)
        if end <= 0:
            self.held = data
            return b""
        if self.kind == "xml" and (start := data.rfind(b"<uri>")) > data.rfind(b"</uri>"):
            end = start  # an IRI whose end is still to come
        self.held = data[end:]
        return self._rewrite(data[:end])

    def finish(self) -> bytes:
        data, self.held = self.held, b""
        return self._rewrite(data)

    def _rewrite(self, data: bytes) -> bytes:
        if _SKOLEM_BYTES not in data:
            return data
        if self.kind == "json":
            return _JSON_TERM.sub(_json_term, data)
        if self.kind == "csv":
            return data.replace(_SKOLEM_BYTES, b"_:")
        return unskolem_answer(data, "application/" + self.kind)


def _json_term(match: re.Match[bytes]) -> bytes:
    text = match.group(0)
    if _SKOLEM_BYTES not in text:
        return text
    try:
        term = json.loads(text)
    except ValueError:
        return text
    if term.get("type") == "uri" and str(term.get("value", "")).startswith(SKOLEM):
        return json.dumps({"type": "bnode", "value": term["value"][len(SKOLEM) :]}).encode()
    return text


@dataclass
class Streamed:
    """An answer being received: its media type (no parameters) and its body, chunk by chunk."""

    media_type: str
    response: httpx.Response
    timeout_seconds: float

    async def chunks(self) -> AsyncIterator[bytes]:
        """The body with skolem IRIs as blank nodes; RemoteStoreError if the connection breaks."""
        skolems = SkolemFilter(self.media_type)
        try:
            async for chunk in self.response.aiter_bytes(CHUNK_BYTES):
                if out := skolems.feed(chunk):
                    yield out
        except httpx.TimeoutException as error:
            raise RemoteStoreTimeoutError(self.timeout_seconds, "a query") from error
        except httpx.TransportError as error:
            raise RemoteStoreUnreachableError(
                f"the connection to the remote store broke while it sent its answer: {error}"
            ) from error
        if rest := skolems.finish():
            yield rest

    async def aclose(self) -> None:
        await self.response.aclose()


class StreamingQueries:
    """Queries to one SPARQL query endpoint, each answer streamed; one AsyncClient for the app's life."""

    def __init__(
        self,
        query_url: str,
        *,
        auth: httpx.Auth | None = None,
        timeout_seconds: float = 30.0,
        retries: int = 3,
    ) -> None:
        self.query_url, self.timeout_seconds, self.retries = query_url, timeout_seconds, retries
        self._http = httpx.AsyncClient(auth=auth, timeout=timeout_seconds, headers={"User-Agent": "qcollab"})

    @classmethod
    def from_settings(cls, settings: Settings) -> StreamingQueries:
        assert settings.sparql_query_url  # checked by Settings
        return cls(
            settings.sparql_query_url,
            auth=auth_from(settings),
            timeout_seconds=settings.sparql_timeout_seconds,
            retries=settings.sparql_retries,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def query(self, sparql: str, params: list[tuple[str, str]], accept: str) -> Streamed:
        """POST a query as a form and receive the answer's head (errors mapped as sparql_http maps them,
        reads retried as it retries them); its body is read from the Streamed, whose `aclose` closes the
        connection, cancelling the query on the remote server if it is still running."""
        body = urlencode([("query", sparql), *params]).encode()
        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
        request = self._http.build_request("POST", self.query_url, content=body, headers=headers)
        response = await self._send(request)
        media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        return Streamed(media_type, response, self.timeout_seconds)

    async def _send(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = await self._http.send(request, stream=True)
            except NOT_SENT as error:
                if attempt >= self.retries:
                    raise RemoteStoreUnreachableError(
                        f"the remote store at {self.query_url} cannot be reached (a query): {error}"
                    ) from error
            except httpx.TimeoutException as error:
                raise RemoteStoreTimeoutError(self.timeout_seconds, "a query") from error
            except httpx.TransportError as error:
                if attempt >= self.retries:
                    raise RemoteStoreUnreachableError(
                        f"the connection to the remote store at {self.query_url} broke (a query): {error}"
                    ) from error
            else:
                if response.status_code < 300:
                    return response
                await response.aread()
                await response.aclose()
                if response.status_code not in RETRIED_STATUSES or attempt >= self.retries:
                    checked(response, self.query_url, "a query", self.timeout_seconds)
                    raise RemoteStoreError(f"the remote store answered HTTP {response.status_code}")
            await asyncio.sleep(BACKOFF_SECONDS * 2**attempt)
            attempt += 1
