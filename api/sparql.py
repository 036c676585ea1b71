"""The SPARQL 1.1 Protocol at /sparql: queries, updates (admin, SHACL-gated) and the service description."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import MultiDict

from api import openapi
from api.deps import EngineDep, get_writer
from api.errors import ProblemError, require_admin
from api.http import checked_iri, decode, endpoint_iri, essence, linked_settings, negotiated, single, stream
from api.negotiation import OFFERS_BY_FORM, RDF_OFFERS, parse_accept, quality
from api.update_reads import WorkerReads
from kg.describe.service import service_description
from kg.quality.update_request import UpdateRequest
from kg.query.dataset import QueryDataset
from kg.query.engine import QueryEngine
from kg.query.federation import check_services
from kg.query.nesting import check_nesting
from kg.query.results import serialize_graph
from kg.query.slots import ANONYMOUS

router = APIRouter(tags=["sparql"])

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
NESTING_INLINE_CHARS = 64 * 1024  # a longer request is scanned for its nesting in a thread


def graphs_of(params: MultiDict, name: str) -> tuple[str, ...]:
    """The IRIs of a repeatable protocol parameter (repeats ignored); 400 for one that is not absolute."""
    return tuple(dict.fromkeys(checked_iri(value, name) for value in params.getlist(name)))


def dataset_of(params: MultiDict, base_iri: str | None = None) -> QueryDataset:
    """The protocol's default-graph-uri and named-graph-uri parameters, and the text's base IRI."""
    defaults, named = graphs_of(params, "default-graph-uri"), graphs_of(params, "named-graph-uri")
    return QueryDataset(defaults, named, base_iri=base_iri)


async def checked_nesting(sparql: str, limit: int) -> None:
    """Refuse brackets nested past the limit (400) before a parser sees them; a long text off the loop."""
    if len(sparql) <= NESTING_INLINE_CHARS:
        check_nesting(sparql, limit)
    else:
        await asyncio.to_thread(check_nesting, sparql, limit)


async def answer_query(request: Request, engine: QueryEngine, sparql: str, params: MultiDict) -> Response:
    """Run a query and stream its results; SERVICE off the allow-list is refused as a bad request (400)."""
    settings = request.app.state.settings
    await checked_nesting(sparql, settings.max_query_nesting)
    dataset = dataset_of(params, endpoint_iri(request))
    check_services(sparql, settings.service_allowlist)
    client = request.client.host if request.client else ANONYMOUS  # for fairness between clients
    running = await engine.start(sparql, dataset, abandoned=request.is_disconnected, client=client)
    try:
        offer = negotiated(request, params, OFFERS_BY_FORM[running.form])
    except ProblemError:
        running.cancel()
        raise
    return await stream(request, running, offer)


async def answer_update(request: Request, engine: QueryEngine, update: str, params: MultiDict) -> Response:
    """Run an update through the SHACL gate: 204, or 422 with the report and nothing written (the writer
    is taken here: a query by POST needs none). Over a remote store the WHERE clauses run on the remote
    engine, the change is sent as one update; a refusal there is a 502, no answer in time a 504, and an
    update that would need a copy of the store a 501 naming its form."""
    settings = request.app.state.settings
    writer = get_writer(request)
    require_admin(request, settings)
    for name in ("default-graph-uri", "named-graph-uri"):
        if params.getlist(name):
            raise ProblemError(400, f"{name} applies to queries, not to updates")
    await checked_nesting(update, settings.max_query_nesting)
    check_services(update, settings.service_allowlist, update=True)
    using, named = graphs_of(params, "using-graph-uri"), graphs_of(params, "using-named-graph-uri")
    context = UpdateRequest(endpoint_iri(request), using, named)
    reads = WorkerReads(engine, asyncio.get_running_loop(), request.is_disconnected)
    await asyncio.to_thread(writer.update, update, reads, engine.timeout, context)
    return Response(status_code=204)


def wants_html(accept: str | None) -> bool:
    """A browser: text/html named explicitly and preferred at least as much as any RDF format."""
    ranges = parse_accept(accept)
    explicit = [r for r in ranges if (r.type, r.subtype) == ("text", "html") and r.q > 0]
    if not explicit:
        return False
    return explicit[0].q >= max(quality(ranges, offer.media_type) for offer in RDF_OFFERS)


async def describe_service(request: Request, params: MultiDict) -> Response:
    """The service description (Turtle unless negotiated otherwise); browsers go to the home page."""
    if single(params, "format") is None and wants_html(request.headers.get("accept")):
        return RedirectResponse("/", status_code=303)
    offer = negotiated(request, params, RDF_OFFERS)
    state = request.app.state
    statistics = await asyncio.to_thread(state.statistics.current)
    settings = linked_settings(request, state.settings)
    graph = await asyncio.to_thread(service_description, statistics, settings, state.store)
    body = serialize_graph(graph, offer.format)  # type: ignore[arg-type]
    return Response(body, media_type=offer.content_type, headers={"Vary": "Accept"})


@router.get("/sparql", summary="SPARQL query (GET) or service description", openapi_extra=openapi.SPARQL_GET)
async def sparql_get(request: Request, engine: EngineDep) -> Response:
    """SPARQL 1.1 query via GET; without `query`, the SPARQL 1.1 Service Description."""
    params = request.query_params
    if params.getlist("update"):
        raise ProblemError(400, "SPARQL Update must be sent with POST")
    sparql = single(params, "query")
    if sparql is None:
        dataset_of(params)  # checked (400 for a bad IRI) though the description does not use them
        return await describe_service(request, params)
    return await answer_query(request, engine, sparql, params)


@router.post("/sparql", summary="SPARQL query or update (POST)", openapi_extra=openapi.SPARQL_POST)
async def sparql_post(request: Request, engine: EngineDep) -> Response:
    """Query or update via POST: URL-encoded form, application/sparql-query or application/sparql-update."""
    media, charset = essence(request.headers.get("content-type"))
    if media not in (FORM, QUERY, UPDATE):
        detail = f"unsupported Content-Type {media or '(none)'!r}: use {FORM}, {QUERY} or {UPDATE}"
        raise ProblemError(415, detail, supported=[FORM, QUERY, UPDATE])
    if media != FORM and charset.replace("-", "").replace("_", "") != "utf8":
        # SPARQL 1.1 Protocol: query and update strings are UTF-8 (a form is UTF-8 by definition)
        detail = f"{media} must be sent as UTF-8, not charset={charset}"
        raise ProblemError(415, detail, supported=[f"{media}; charset=utf-8"])
    text = decode(await request.body(), "utf-8")
    params = MultiDict(request.query_params.multi_items())
    if media == FORM:
        try:
            form = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
        except UnicodeDecodeError as error:
            raise ProblemError(400, f"the form is not valid UTF-8: {error}") from None
        params = MultiDict([*params.multi_items(), *form])
        query, update = single(params, "query"), single(params, "update")
        if (query is None) == (update is None):
            raise ProblemError(400, "the form must have exactly one of the parameters query and update")
        if query is not None:
            return await answer_query(request, engine, query, params)
        return await answer_update(request, engine, update or "", params)
    if media == QUERY:
        return await answer_query(request, engine, text, params)
    return await answer_update(request, engine, text, params)
