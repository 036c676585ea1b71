"""HTTP helpers the routers share: links, request decoding, IRI parameters, negotiation, streamed results."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import Response, StreamingResponse
from starlette.datastructures import MultiDict

from api.errors import ProblemError, StreamAbortedError
from api.negotiation import Offer, UnknownFormatError, choose, producible
from kg.errors import RemoteStoreError, UnavailableError
from kg.query.engine import QueryRun
from kg.settings import Settings


def public_base(request: Request) -> str:
    """The service's base URL as the request reached it (its Host, and the scheme a proxy uvicorn trusts
    forwarded), for the absolute links of a response; `public_base_url` is for where there is no request."""
    return str(request.base_url).rstrip("/")


def endpoint_iri(request: Request) -> str | None:
    """The absolute URL the request reached, without its query: the base IRI of a query or update text
    (SPARQL 1.1 Protocol 2.1.4 and 2.2.4); None when the request's Host does not make an IRI."""
    iri = str(request.url.replace(query="", fragment=""))
    try:
        ox.NamedNode(iri)
    except ValueError:
        return None
    return iri


def linked_settings(request: Request, settings: Settings) -> Settings:
    """The settings with `public_base_url` set to the request's base, for code in kg that writes links."""
    return settings.model_copy(update={"public_base_url": public_base(request)})


def checked_iri(value: str, role: str) -> str:
    """An absolute IRI given as a parameter, or 400 naming the parameter."""
    try:
        ox.NamedNode(value)
    except ValueError as error:
        raise ProblemError(400, f"{role} must be an absolute IRI, not {value!r}: {error}") from None
    if ":" not in value:
        raise ProblemError(400, f"{role} must be an absolute IRI, not {value!r}")
    return value


def single(params: MultiDict, name: str) -> str | None:
    """A parameter that may appear at most once."""
    values = params.getlist(name)
    if len(values) > 1:
        raise ProblemError(400, f"the {name} parameter must be given at most once, not {len(values)} times")
    return values[0] if values else None


def essence(content_type: str | None) -> tuple[str, str]:
    """The media type (lowercase, no parameters) and charset of a Content-Type value."""
    media, _, rest = (content_type or "").partition(";")
    charset = "utf-8"
    for param in rest.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.strip().lower(), charset


def decode(body: bytes, charset: str) -> str:
    """A request body as text, or 400."""
    try:
        return body.decode(charset)
    except (LookupError, UnicodeDecodeError) as error:
        raise ProblemError(400, f"the request body is not valid {charset} text: {error}") from None


def not_acceptable(offers: tuple[Offer, ...]) -> ProblemError:
    """406 listing what can be produced."""
    types = producible(offers)
    return ProblemError(
        406,
        "cannot produce any acceptable media type; available: " + ", ".join(types),
        headers={"Vary": "Accept"},  # RFC 9110 12.5.5: the answer depends on Accept
        available=types,
    )


def negotiated(request: Request, params: MultiDict, offers: tuple[Offer, ...]) -> Offer:
    """The offer chosen by `format` or Accept; 400 for an unknown format, 406 for nothing acceptable."""
    try:
        offer = choose(request.headers.get("accept"), single(params, "format"), offers)
    except UnknownFormatError as error:
        raise ProblemError(400, str(error)) from None
    if offer is None:
        raise not_acceptable(offers)
    return offer


async def stream(request: Request, running: QueryRun, offer: Offer) -> Response:
    """Stream a result; errors before the first chunk become proper HTTP errors, later ones cut the
    connection (the client sees a truncated answer, never a complete-looking one)."""
    chunks = running.chunks(offer.format)
    first = await anext(chunks, b"")

    async def relay() -> AsyncIterator[bytes]:
        try:
            if first:
                yield first
            async for chunk in chunks:
                yield chunk
                if await request.is_disconnected():
                    return
        except (UnavailableError, RemoteStoreError) as error:  # timeout, cancelled, worker or remote down
            raise StreamAbortedError(str(error)) from error
        finally:
            await chunks.aclose()

    return StreamingResponse(relay(), media_type=offer.content_type, headers={"Vary": "Accept"})
