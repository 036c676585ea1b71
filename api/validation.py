"""SHACL validation over HTTP: POST /validate checks a record, POST /records also stores it."""

from __future__ import annotations

import hashlib

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from rdflib import Graph
from rdflib.compare import to_canonical_graph

from api import openapi
from api.deps import SettingsDep, StoreDep, ValidatorDep, WriterDep
from api.errors import ProblemError, problem, require_admin
from api.http import public_base
from api.negotiation import GRAPH_OFFERS, Offer, negotiate, producible
from kg.errors import RdfSyntaxError, UnsupportedFormatError, ValidationEngineError
from kg.formats.parsing import ParseLimits, format_for_media_type, parse_rdf
from kg.namespaces import PREFIXES, RECORD_GRAPH_PREFIX
from kg.quality.shacl import ValidationOutcome
from kg.settings import Settings

router = APIRouter(tags=["validation"])

SUMMARY = Offer("application/json", "application/json", ox.QueryResultsFormat.JSON)
RECORD_OFFERS = GRAPH_OFFERS
REPORT_OFFERS = (SUMMARY, *RECORD_OFFERS)
RECORD_ID_CHARS = 16
VARY = {"Vary": "Accept"}
NONCONFORMING = "the record does not conform to the SHACL shapes (the violations are listed)"


async def read_record(request: Request, settings: Settings) -> Graph:
    """The posted record as a graph: 415 for an unknown Content-Type, 400 when it does not parse."""
    content_type = request.headers.get("content-type")
    if not content_type:
        raise ProblemError(415, "say the record's syntax with Content-Type: text/turtle, "
                           "application/ld+json or application/n-triples")
    try:
        fmt = format_for_media_type(content_type)
    except UnsupportedFormatError as error:
        raise ProblemError(415, str(error)) from None
    body = await request.body()
    try:
        graph = await run_in_threadpool(parse_rdf, body, fmt, settings.base_iri, ParseLimits.record(settings))
    except RdfSyntaxError as error:
        raise ProblemError(400, f"the record does not parse: {error}", line=error.line, column=error.column,
                           message=error.message) from None
    if len(graph) == 0:
        raise ProblemError(400, "the record is empty: it holds no triple")
    return graph


def report_response(request: Request, outcome: ValidationOutcome) -> Response:
    """The validation outcome: JSON summary by default, the sh:ValidationReport graph on request."""
    status = 200 if outcome.conforms else 422
    offer = negotiate(request.headers.get("accept"), REPORT_OFFERS)
    if offer is None:
        return problem(406, f"the report is available as {', '.join(producible(REPORT_OFFERS))}", VARY)
    if offer is SUMMARY:
        summary = {**outcome.summary(), "text": outcome.report_text}
        if not outcome.conforms:
            return problem(422, NONCONFORMING, VARY, **summary)
        return JSONResponse(summary, status_code=status, headers=VARY)
    return _graph_response(outcome.report_graph, offer, status)


def _graph_response(
    graph: Graph, offer: Offer, status: int = 200, extra: dict[str, str] | None = None
) -> Response:
    """An rdflib graph in the offered RDF syntax, with the project's prefixes."""
    assert isinstance(offer.format, ox.RdfFormat)
    triples = ox.parse(graph.serialize(format="nt"), ox.RdfFormat.N_TRIPLES)
    body = ox.serialize(list(triples), format=offer.format, prefixes=PREFIXES)
    headers = {**VARY, **(extra or {}), "Content-Type": offer.content_type}
    return Response(body, status_code=status, headers=headers)


@router.post("/validate", summary="Check a record against the SHACL shapes; nothing is stored",
             openapi_extra=openapi.VALIDATE)
async def validate(
    request: Request, settings: SettingsDep, store: StoreDep, validator: ValidatorDep
) -> Response:
    """200 when the record conforms (in the context of the entities it cites), 422 when not; never writes."""
    graph = await read_record(request, settings)

    try:
        outcome = await run_in_threadpool(validator.validate_record, graph, store)
    except ValidationEngineError as error:
        return problem(500, f"the record could not be validated (this is no verdict on it): {error}")
    return report_response(request, outcome)


def admin_only(request: Request, settings: SettingsDep) -> None:
    """Writes need the admin bearer token: 401 without one, 403 when wrong or when none is configured."""
    require_admin(request, settings)


def record_id(graph: Graph) -> str:
    """A content hash: sha256 of the canonical N-Triples (blank nodes relabelled), shortened."""
    lines = to_canonical_graph(graph).serialize(format="nt").splitlines()
    canonical = "\n".join(sorted(line for line in lines if line.strip()))
    return hashlib.sha256(canonical.encode()).hexdigest()[:RECORD_ID_CHARS]


@router.post("/records", status_code=201, summary="Validate a record, then store it in a graph of its own",
             dependencies=[Depends(admin_only)], openapi_extra=openapi.RECORDS)
async def post_record(request: Request, settings: SettingsDep, writer: WriterDep) -> Response:
    """201 with Location and the record's graph; a refusal (422, nothing stored) like every refused write."""
    graph = await read_record(request, settings)
    identifier = record_id(graph)
    graph_iri = f"{RECORD_GRAPH_PREFIX}{identifier}"
    try:
        created = await run_in_threadpool(writer.post_graph, graph_iri, graph)
    except ValidationEngineError as error:
        return problem(500, f"the record could not be validated, so it was not stored: {error}")
    location = f"{public_base(request)}/records/{identifier}"
    body = {"id": identifier, "graph": graph_iri, "location": location, "triples": len(graph),
            "created": created, "stored": True}
    return JSONResponse(body, status_code=201 if created else 200, headers={"Location": location})


@router.get("/records/{identifier}", summary="A stored record, as Turtle or JSON-LD")
async def get_record(identifier: str, request: Request, store: StoreDep) -> Response:
    """The content of one record's graph."""
    graph_iri = f"{RECORD_GRAPH_PREFIX}{identifier}"
    if not identifier.isalnum() or not store.has_graph(graph_iri):
        raise ProblemError(404, f"no record {identifier!r}", headers=VARY)
    offer = negotiate(request.headers.get("accept"), RECORD_OFFERS) or RECORD_OFFERS[0]
    graph = await run_in_threadpool(store.graph, graph_iri)
    return _graph_response(graph, offer, extra={"X-Graph": graph_iri})
