"""Graph Store HTTP Protocol at /rdf-graphs: ?graph=IRI, or ?default (the store's own, not the union)."""

from __future__ import annotations

import asyncio
import uuid
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from rdflib import Graph

from api import openapi
from api.deps import EngineDep, SettingsDep, StoreDep, WriterDep
from api.errors import ProblemError, require_admin
from api.http import checked_iri, decode, essence, negotiated, stream
from api.negotiation import TRIPLE_OFFERS
from kg.errors import UnsupportedFormatError
from kg.formats.parsing import FORMAT_BY_MEDIA_TYPE, format_for_media_type, parse_rdf
from kg.namespaces import RECORD_GRAPH_PREFIX
from kg.query.dataset import QueryDataset
from kg.settings import Settings

router = APIRouter(tags=["graph store"])

PATH = "/rdf-graphs"
DEFAULT = object()


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


def location(settings: Settings, graph: str) -> str:
    """Where a graph can be read with this protocol."""
    return f"{settings.public_base_url.rstrip('/')}{PATH}?graph={quote(graph, safe='')}"


async def body_graph(request: Request, base_iri: str) -> Graph:
    """The request body parsed in its Content-Type; 415 for other types, 400 with line/column."""
    media, charset = essence(request.headers.get("content-type"))
    try:
        fmt = format_for_media_type(media)
    except UnsupportedFormatError:
        supported = sorted(FORMAT_BY_MEDIA_TYPE)
        raise ProblemError(
            415,
            f"unsupported Content-Type {media or '(none)'!r}: use one of " + ", ".join(supported),
            supported=supported,
        ) from None
    body = await request.body()
    if charset not in ("utf-8", "utf8"):
        body = decode(body, charset).encode()
    return parse_rdf(body, fmt, base_iri=base_iri)


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
    """Replace a graph's content: 201 when created, 204 otherwise, 422 when it would not conform."""
    require_admin(request, settings)
    target = target_of(request)
    assert target is not DEFAULT
    data = await body_graph(request, target or f"{settings.public_base_url.rstrip('/')}{PATH}")
    created = await asyncio.to_thread(writer.put_graph, target, data)  # type: ignore[arg-type]
    return Response(status_code=201 if created else 204)


@router.post(PATH, summary="Merge into a graph, or create a new one", openapi_extra=openapi.GRAPH_WRITE)
async def post_graph(request: Request, settings: SettingsDep, writer: WriterDep) -> Response:
    """Merge RDF into a graph (201 when created); without graph/default, create a new record graph."""
    require_admin(request, settings)
    target = target_of(request, required=False)
    new = target is DEFAULT
    if new:
        target = f"{RECORD_GRAPH_PREFIX}{uuid.uuid4().hex}"
    data = await body_graph(request, target or f"{settings.public_base_url.rstrip('/')}{PATH}")
    created = await asyncio.to_thread(writer.post_graph, target, data)  # type: ignore[arg-type]
    if new:
        return Response(status_code=201, headers={"Location": location(settings, str(target))})
    return Response(status_code=201 if created else 204)


@router.delete(PATH, summary="Delete a graph", openapi_extra=openapi.GRAPH_DELETE)
async def delete_graph(request: Request, settings: SettingsDep, writer: WriterDep) -> Response:
    """Delete a named graph (or empty the default graph): 204, or 404 when it does not exist."""
    require_admin(request, settings)
    target = target_of(request)
    if not await asyncio.to_thread(writer.delete_graph, target):  # type: ignore[arg-type]
        raise ProblemError(404, f"there is no graph <{target}>")
    return Response(status_code=204)
