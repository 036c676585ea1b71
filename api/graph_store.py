"""Graph Store HTTP Protocol at /rdf-graphs: ?graph=IRI, or ?default (the store's own, not the union)."""

from __future__ import annotations

import asyncio
import codecs
import os
import tempfile
import uuid
from pathlib import Path
from typing import IO
from urllib.parse import quote

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from rdflib import Graph

from api import openapi
from api.deps import EngineDep, SettingsDep, StoreDep, WriterDep
from api.errors import ProblemError, require_admin
from api.http import checked_iri, decode, essence, negotiated, public_base, stream
from api.negotiation import TRIPLE_OFFERS
from kg.errors import UnsafeInputError, UnsupportedFormatError
from kg.formats.parsing import (
    FORMAT_BY_MEDIA_TYPE,
    XML_FORMATS,
    ParseLimits,
    format_for_media_type,
    parse_rdf,
)
from kg.formats.xml_checks import ENTITIES_REFUSED, declares_entities
from kg.namespaces import RECORD_GRAPH_PREFIX
from kg.quality.writer import GuardedWriter
from kg.query.dataset import QueryDataset
from kg.settings import Settings
from kg.store.loading import LoadFile, flattened

router = APIRouter(tags=["graph store"])

PATH = "/rdf-graphs"
DEFAULT = object()
STREAMED_FROM = 1_000_000  # bodies larger than this (or of unknown length, or gzip) go to the bulk loader


def target_of(request: Request, *, required: bool = True) -> str | None | object:
    """The graph IRI, None for the default graph, or DEFAULT when neither is given (and allowed)."""
    params = request.query_params
    graphs = params.getlist("graph")
    if graphs and "default" in params:
        raise ProblemError(400, "name either a graph (graph=IRI) or the default graph (default), not both")
    if len(graphs) > 1:
        raise ProblemError(400, "name one graph: the graph parameter must be given once")
    if graphs:
        return checked_iri(graphs[0], "graph")
    if "default" in params:
        return None
    if required:
        raise ProblemError(400, "name the graph: ?graph=<IRI> or ?default")
    return DEFAULT


def location(request: Request, graph: str) -> str:
    """Where a graph can be read with this protocol, on the host the request reached."""
    return f"{public_base(request)}{PATH}?graph={quote(graph, safe='')}"


def body_format(request: Request) -> tuple[ox.RdfFormat, str]:
    """The RDF syntax and charset of the request body, from its Content-Type; 415 for other types."""
    media, charset = essence(request.headers.get("content-type"))
    try:
        return format_for_media_type(media), charset
    except UnsupportedFormatError:
        supported = sorted(FORMAT_BY_MEDIA_TYPE)
        raise ProblemError(
            415,
            f"unsupported Content-Type {media or '(none)'!r}: use one of " + ", ".join(supported),
            supported=supported,
        ) from None


async def body_graph(request: Request, settings: Settings, base_iri: str) -> Graph:
    """The request body parsed in its Content-Type, in a thread and under the parse limits of the settings;
    415 for other types, 400 with line/column, 400 past a limit (kg.formats.parsing)."""
    fmt, charset = body_format(request)
    body = await request.body()
    if charset not in ("utf-8", "utf8"):
        body = decode(body, charset).encode()
    return await asyncio.to_thread(parse_rdf, body, fmt, base_iri, ParseLimits.of(settings))


def nothing_written(graph: str | None, *, existed: bool, replace: bool) -> Response:
    """The answer to a write whose body holds no triples: 200 with what happened, never a new graph.

    The Graph Store Protocol answers a write that creates no graph with 200 or 204; a 200 says which
    case it was. POST of nothing merges nothing (without ?graph, no record graph is made either). PUT
    of nothing to a graph that exists empties it; to a graph that does not, it creates nothing: the
    graph still does not exist (GET answers 404), as an empty graph would only clutter the store.
    """
    name = "the default graph" if graph is None else f"<{graph}>"
    if replace and existed:
        detail = f"the body holds no triples: {name} was emptied"
    elif existed:
        detail = f"the body holds no triples: nothing was added to {name}"
    else:
        detail = f"the body holds no triples: nothing was written and {name} was not created"
    body = {"graph": graph, "triples": 0, "created": False, "emptied": replace and existed, "detail": detail}
    return JSONResponse(body)


def streamed(request: Request) -> bool:
    """Whether a write's body goes to the bulk loader: large, of unknown length, or compressed."""
    length = request.headers.get("content-length", "")
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    return encoding != "identity" or not length.isdigit() or int(length) > STREAMED_FROM


async def _save_body(request: Request, output: IO[bytes], charset: str, limit: int) -> None:
    """Copy the body as it arrives, as UTF-8; 413 past `limit` bytes, 400 for a bad charset."""
    try:
        decoder = None if charset in ("utf-8", "utf8") else codecs.getincrementaldecoder(charset)()
    except LookupError:
        raise ProblemError(400, f"unknown charset {charset!r}") from None
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limit:
            detail = f"the request body is larger than the limit of {limit} bytes"
            raise ProblemError(413, detail, limit=limit)
        try:
            output.write(chunk if decoder is None else decoder.decode(chunk).encode())
        except UnicodeDecodeError as error:
            raise ProblemError(400, f"the request body is not valid {charset} text: {error}") from None


async def load_body(
    request: Request, settings: Settings, writer: GuardedWriter, graph: str | None, *, replace: bool
) -> tuple[bool, bool]:
    """Stream the body to a file in the data folder and bulk-load it into the graph; whether the graph
    existed before, and whether it exists after (a body of no triples creates none).

    A dataset body (TriG, N-Quads) is flattened into the graph, as on the small-body path; RDF/XML that
    declares entities is refused (400) before it is parsed.
    """
    fmt, charset = body_format(request)
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("identity", "gzip") or (encoding == "gzip" and charset not in ("utf-8", "utf8")):
        raise ProblemError(
            415,
            f"unsupported Content-Encoding {encoding!r} (with charset {charset}): "
            "send identity, or gzip of UTF-8 text",
        )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".upload-", dir=settings.data_dir)
    body, flat = Path(name), Path(name + ".nt")
    try:
        with os.fdopen(handle, "wb") as output:
            await _save_body(request, output, charset, settings.max_load_bytes)
        if fmt in XML_FORMATS and await asyncio.to_thread(declares_entities, body):
            raise UnsafeInputError(ENTITIES_REFUSED)
        base = graph or f"{settings.public_base_url.rstrip('/')}{PATH}"
        source = LoadFile(body, fmt, base)
        if fmt.supports_datasets:
            source = await asyncio.to_thread(flattened, source, flat)
        existed = writer.store.has_graph_or_default(graph)
        await asyncio.to_thread(
            writer.load, str(source.path), source.fmt, graph, replace=replace, validate=None, base_iri=base
        )
        return existed, writer.store.has_graph_or_default(graph)
    finally:
        body.unlink(missing_ok=True)
        flat.unlink(missing_ok=True)


@router.get(PATH, summary="Read a graph (HEAD too)", openapi_extra=openapi.GRAPH_READ)
async def read_graph(request: Request, store: StoreDep, engine: EngineDep) -> Response:
    """GET or HEAD a graph (open to all) in a negotiated RDF format; 404 when the graph does not exist."""
    target = target_of(request)
    if isinstance(target, str) and not store.has_graph(target):
        raise ProblemError(404, f"there is no graph <{target}>")
    offer = negotiated(request, request.query_params, TRIPLE_OFFERS)
    if request.method == "HEAD":
        response = Response(media_type=offer.content_type, headers={"Vary": "Accept"})
        del response.headers["content-length"]
        return response
    if isinstance(target, str):
        sparql = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{target}> {{ ?s ?p ?o }} }}"
    else:
        sparql = "CONSTRUCT WHERE { ?s ?p ?o }"
    running = await engine.start(sparql, QueryDataset(union=False), abandoned=request.is_disconnected)
    return await stream(request, running, offer)


@router.put(PATH, summary="Replace a graph", openapi_extra=openapi.GRAPH_WRITE)
async def put_graph(request: Request, settings: SettingsDep, writer: WriterDep) -> Response:
    """Replace a graph's content: 201 when created, 204 otherwise, 422 when it would not conform.

    A body of no triples creates no graph: 200 saying so (see `nothing_written`).
    """
    require_admin(request, settings)
    target = target_of(request)
    assert target is not DEFAULT
    if streamed(request):
        existed, exists = await load_body(request, settings, writer, target, replace=True)  # type: ignore[arg-type]
        if not exists:
            return nothing_written(target, existed=False, replace=True)  # type: ignore[arg-type]
        return Response(status_code=204 if existed else 201)
    data = await body_graph(request, settings, target or f"{settings.public_base_url.rstrip('/')}{PATH}")
    if len(data) == 0:
        existed = writer.store.has_graph_or_default(target)  # type: ignore[arg-type]
        if existed:
            await asyncio.to_thread(writer.put_graph, target, data)  # type: ignore[arg-type]
        return nothing_written(target, existed=existed, replace=True)  # type: ignore[arg-type]
    created = await asyncio.to_thread(writer.put_graph, target, data)  # type: ignore[arg-type]
    return Response(status_code=201 if created else 204)


@router.post(PATH, summary="Merge into a graph, or create a new one", openapi_extra=openapi.GRAPH_WRITE)
async def post_graph(request: Request, settings: SettingsDep, writer: WriterDep) -> Response:
    """Merge RDF into a graph (201 when created); without graph/default, create a new record graph.

    A body of no triples merges nothing and creates no graph: 200 saying so (see `nothing_written`).
    """
    require_admin(request, settings)
    target = target_of(request, required=False)
    new = target is DEFAULT
    if new:
        target = f"{RECORD_GRAPH_PREFIX}{uuid.uuid4().hex}"
    if streamed(request):
        existed, exists = await load_body(request, settings, writer, target, replace=False)  # type: ignore[arg-type]
        if not exists:
            return nothing_written(target, existed=False, replace=False)  # type: ignore[arg-type]
        created = not existed
    else:
        data = await body_graph(request, settings, target or f"{settings.public_base_url.rstrip('/')}{PATH}")
        if len(data) == 0:
            existed = not new and writer.store.has_graph_or_default(target)  # type: ignore[arg-type]
            return nothing_written(target, existed=existed, replace=False)  # type: ignore[arg-type]
        created = await asyncio.to_thread(writer.post_graph, target, data)  # type: ignore[arg-type]
    if new:
        return Response(status_code=201, headers={"Location": location(request, str(target))})
    return Response(status_code=201 if created else 204)


@router.delete(PATH, summary="Delete a graph", openapi_extra=openapi.GRAPH_DELETE)
async def delete_graph(request: Request, settings: SettingsDep, writer: WriterDep) -> Response:
    """Delete a named graph (or empty the default graph): 204, or 404 when it does not exist."""
    require_admin(request, settings)
    target = target_of(request)
    if not await asyncio.to_thread(writer.delete_graph, target):  # type: ignore[arg-type]
        raise ProblemError(404, f"there is no graph <{target}>")
    return Response(status_code=204)
