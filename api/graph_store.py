"""The SPARQL 1.1 Graph Store HTTP Protocol at /rdf-graphs (https://www.w3.org/TR/sparql11-http-rdf-update/).

A graph is named indirectly (§4.2: `?graph=<absolute IRI>`, or `?default` for the store's own default
graph, not the union queries see) or directly (§4.1: `/rdf-graphs/{path}`, whose graph IRI is the request's
own absolute URL, without its query, as it reached the server). POST to the graph store itself (neither
parameter) makes a new record graph (§5.5). Writes need the admin token and pass the SHACL gate; a body of
no triples creates no graph (200 saying so), so that empty writes do not clutter the store.
"""

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
from kg.query.engine import QueryEngine
from kg.settings import Settings
from kg.store.interface import KnowledgeStore
from kg.store.loading import LoadFile, flattened

router = APIRouter(tags=["graph store"])

PATH = "/rdf-graphs"
DIRECT = PATH + "/{path:path}"
STORE = object()  # the target of a request naming neither graph nor default: the graph store itself
STREAMED_FROM = 1_000_000  # bodies larger than this (or of unknown length, or gzip) go to the bulk loader


def indirect_target(request: Request, *, store: bool = False) -> str | None | object:
    """The graph IRI of `?graph=`, None for `?default`, or STORE for neither where `store` allows it (§4.2);
    400 for both, a repeated or relative graph IRI, or neither elsewhere."""
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
    if not store:
        raise ProblemError(400, f"name the graph: {PATH}?graph=<IRI>, {PATH}?default or {PATH}/<path>")
    return STORE


def direct_target(request: Request, path: str) -> str:
    """The graph a request names by its own URL (§4.1): the absolute URL as it reached the server (its host,
    and its path as sent, percent-encoding kept), without the query; 400 with graph or default too."""
    params = request.query_params
    if "graph" in params or "default" in params:
        raise ProblemError(400, f"a graph named by its URL ({PATH}/...) takes neither graph= nor default")
    raw = request.scope.get("raw_path", b"").decode("latin-1")
    start = raw.find(PATH + "/")
    tail = raw[start + len(PATH) + 1 :] if start >= 0 else quote(path, safe="/:@!$&'()*+,;=~-._")
    if not tail:
        raise ProblemError(
            404, f"there is no graph at {PATH}/: name one, {PATH}/<path> or {PATH}?graph=<IRI>"
        )
    return checked_iri(f"{public_base(request)}{PATH}/{tail}", "the graph's URL")


def location(request: Request, graph: str) -> str:
    """Where a graph can be read with this protocol, on the host the request reached."""
    return f"{public_base(request)}{PATH}?graph={quote(graph, safe='')}"


def base_of(request: Request, graph: str | None) -> str:
    """The base IRI of a body: the graph's IRI, or for the default graph the graph store's URL."""
    return graph or f"{public_base(request)}{PATH}"


def is_new(store: KnowledgeStore, graph: str | None, *, or_empty: bool = False) -> bool:
    """Whether writing to a graph creates RDF graph content (§5.3): a named graph that does not exist (or,
    with `or_empty`, holds no triples), or the default graph (which always exists) while it holds none."""
    if graph is not None and not or_empty:
        return not store.has_graph(graph)
    target = ox.NamedNode(graph) if graph is not None else ox.DefaultGraph()
    return next(store.quads_matching(graph=target), None) is None


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
) -> None:
    """Stream the body to a file in the data folder and bulk-load it into the graph (a body of no triples
    creates none: the caller does).

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
        base = base_of(request, graph)
        source = LoadFile(body, fmt, base)
        if fmt.supports_datasets:
            source = await asyncio.to_thread(flattened, source, flat)
        await asyncio.to_thread(
            writer.load, str(source.path), source.fmt, graph, replace=replace, validate=None, base_iri=base
        )
    finally:
        body.unlink(missing_ok=True)
        flat.unlink(missing_ok=True)


async def write(
    request: Request, settings: Settings, writer: GuardedWriter, graph: str | None, *, replace: bool
) -> bool | None:
    """Replace (PUT) or merge into (POST) a graph, created when missing; whether the write created it, or
    None for a body of no triples to a graph that does not exist (nothing is created: see
    `nothing_written`). 415, 400 or 422 (the SHACL gate) with nothing written."""
    new = is_new(writer.store, graph)
    if not streamed(request):
        data = await body_graph(request, settings, base_of(request, graph))
        if len(data) == 0 and graph is not None and new:
            return None
        created = await asyncio.to_thread(writer.put_graph if replace else writer.post_graph, graph, data)
        return created if graph is not None else new
    await load_body(request, settings, writer, graph, replace=replace)
    if graph is not None and new and is_new(writer.store, graph, or_empty=True):
        if writer.store.has_graph(graph):  # made by the loader, though no triples came
            await asyncio.to_thread(writer.delete_graph, graph)
        return None
    return new


def nothing_written(graph: str | None) -> Response:
    """The answer to a write of no triples to a graph that does not exist: 200 saying so, and no graph.

    The protocol answers a write that creates no graph content with 200 or 204; the 200 says what
    happened. An empty graph would only clutter the store (a fuzzer made hundreds of them).
    """
    detail = f"the body holds no triples: nothing was written and <{graph}> was not created"
    return JSONResponse({"graph": graph, "triples": 0, "created": False, "detail": detail})


def written(created: bool | None, graph: str | None) -> Response:
    """201 when the write created the graph, 204 when it changed an existing one, or `nothing_written`."""
    if created is None:
        return nothing_written(graph)
    return Response(status_code=201 if created else 204)


async def read(request: Request, store: KnowledgeStore, engine: QueryEngine, graph: str | None) -> Response:
    """GET (§5.2; HEAD, §5.6, is the GET without its body): the graph in a negotiated RDF format, 404 when
    it does not exist, 406 for no acceptable format."""
    if graph is not None and not store.has_graph(graph):
        raise ProblemError(404, f"there is no graph <{graph}>")
    offer = negotiated(request, request.query_params, TRIPLE_OFFERS)
    if graph is not None:
        sparql = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    else:
        sparql = "CONSTRUCT WHERE { ?s ?p ?o }"
    running = await engine.start(sparql, QueryDataset(union=False), abandoned=request.is_disconnected)
    return await stream(request, running, offer)


async def replace(request: Request, settings: Settings, writer: GuardedWriter, graph: str | None) -> Response:
    """PUT (§5.3): 201 when the graph is created, 204 when its content is replaced."""
    return written(await write(request, settings, writer, graph, replace=True), graph)


async def merge(request: Request, settings: Settings, writer: GuardedWriter, graph: str | None) -> Response:
    """POST to a graph (§5.5): the body merged in; 201 when the graph is created, 204 otherwise."""
    return written(await write(request, settings, writer, graph, replace=False), graph)


async def delete(writer: GuardedWriter, graph: str | None) -> Response:
    """DELETE (§5.4): the named graph dropped (the default graph emptied), 204; 404 when it does not exist."""
    if not await asyncio.to_thread(writer.delete_graph, graph):
        raise ProblemError(404, f"there is no graph <{graph}>")
    return Response(status_code=204)


@router.get(PATH, summary="Read a graph (HEAD too)", openapi_extra=openapi.GRAPH_READ)
async def read_graph(request: Request, store: StoreDep, engine: EngineDep) -> Response:
    """GET or HEAD a graph (open to all) in a negotiated RDF format; 404 when the graph does not exist."""
    return await read(request, store, engine, indirect_target(request))  # type: ignore[arg-type]


@router.put(PATH, summary="Replace a graph", openapi_extra=openapi.GRAPH_WRITE)
async def put_graph(request: Request, settings: SettingsDep, writer: WriterDep) -> Response:
    """Replace a graph's content: 201 when created, 204 otherwise, 422 when it would not conform."""
    require_admin(request, settings)
    return await replace(request, settings, writer, indirect_target(request))  # type: ignore[arg-type]


@router.post(PATH, summary="Merge into a graph, or create a new one", openapi_extra=openapi.GRAPH_WRITE)
async def post_graph(request: Request, settings: SettingsDep, writer: WriterDep) -> Response:
    """Merge RDF into a graph (201 when created); to the graph store itself, create a new record graph:
    201 with its Location (§5.5)."""
    require_admin(request, settings)
    target = indirect_target(request, store=True)
    if target is not STORE:
        return await merge(request, settings, writer, target)  # type: ignore[arg-type]
    graph = f"{RECORD_GRAPH_PREFIX}{uuid.uuid4().hex}"
    if await write(request, settings, writer, graph, replace=False) is None:
        return nothing_written(graph)
    return Response(status_code=201, headers={"Location": location(request, graph)})


@router.delete(PATH, summary="Delete a graph", openapi_extra=openapi.GRAPH_DELETE)
async def delete_graph(request: Request, settings: SettingsDep, writer: WriterDep) -> Response:
    """Delete a named graph (or empty the default graph): 204, or 404 when it does not exist."""
    require_admin(request, settings)
    return await delete(writer, indirect_target(request))  # type: ignore[arg-type]


@router.get(DIRECT, summary="Read a graph named by its URL (HEAD too)")
async def read_direct(request: Request, path: str, store: StoreDep, engine: EngineDep) -> Response:
    """GET or HEAD a graph named by its URL."""
    return await read(request, store, engine, direct_target(request, path))


@router.put(DIRECT, summary="Replace a graph named by its URL")
async def put_direct(request: Request, path: str, settings: SettingsDep, writer: WriterDep) -> Response:
    """Replace a graph named by its URL."""
    require_admin(request, settings)
    return await replace(request, settings, writer, direct_target(request, path))


@router.post(DIRECT, summary="Merge into a graph named by its URL")
async def post_direct(request: Request, path: str, settings: SettingsDep, writer: WriterDep) -> Response:
    """Merge into a graph named by its URL."""
    require_admin(request, settings)
    return await merge(request, settings, writer, direct_target(request, path))


@router.delete(DIRECT, summary="Delete a graph named by its URL")
async def delete_direct(request: Request, path: str, settings: SettingsDep, writer: WriterDep) -> Response:
    """Delete a graph named by its URL."""
    require_admin(request, settings)
    return await delete(writer, direct_target(request, path))
