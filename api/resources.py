"""Linked data: every resource IRI and the ontology, as HTML or RDF by content negotiation."""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from api.deps import SettingsDep, StoreDep
from api.errors import ProblemError
from api.negotiation import GRAPH_OFFERS, Offer, UnknownFormatError, producible
from api.negotiation import choose as negotiate
from api.pages import Linker, not_found_page, ontology_page, resource_page
from kg.describe import resource as describe
from kg.formats.table import shown_formats
from kg.namespaces import ONTOLOGY_IRI

router = APIRouter(tags=["linked data"])

HTML = "text/html; charset=utf-8"
_HTML_OFFERS = tuple(Offer(m, HTML, ox.RdfFormat.TURTLE) for m in ("text/html", "application/xhtml+xml"))
OFFERS = (GRAPH_OFFERS[0], *_HTML_OFFERS, *GRAPH_OFFERS[1:])
VARY = {"Vary": "Accept"}
FORMAT_HELP = f"{', '.join(f.suffix for f in shown_formats())} or html; overrides Accept"


def is_html(offer: Offer) -> bool:
    """Whether the chosen offer is the page for people."""
    return offer.content_type == HTML


def choose_offer(request: Request, format_name: str | None, offers: tuple[Offer, ...] = OFFERS) -> Offer:
    """What to answer with: ?format= (a name, html or a media type) wins over Accept; else 400 or 406."""
    if format_name and format_name.strip().lower() == "html":
        return _HTML_OFFERS[0]
    try:
        chosen = negotiate(request.headers.get("accept"), format_name, offers)
    except UnknownFormatError as error:
        raise ProblemError(400, f"{error} or html", headers=VARY) from None
    if chosen is None:
        available = ", ".join(producible(offers))
        raise ProblemError(406, f"no acceptable media type; available: {available}", headers=VARY)
    return chosen


def rdf_response(triples: list[ox.Triple], offer: Offer) -> Response:
    """Serialize triples in the chosen syntax."""
    assert isinstance(offer.format, ox.RdfFormat)
    body = describe.serialize(triples, offer.format)
    return Response(body, headers={**VARY, "Content-Type": offer.content_type})


def _iris(triples: list[ox.Triple]) -> set[str]:
    return {term.value for t in triples for term in (t.subject, t.predicate, t.object)
            if isinstance(term, ox.NamedNode)}


@router.get("/resource/{resource_id:path}", summary="A resource of the graph, as HTML or RDF")
async def get_resource(
    resource_id: str, request: Request, settings: SettingsDep, store: StoreDep,
    format: str | None = Query(None, description=FORMAT_HELP),
) -> Response:
    """The concise description of one resource: statements both ways and their source sentences."""
    offer = choose_offer(request, format)
    iri = settings.base_iri + resource_id
    try:
        ox.NamedNode(iri)
    except ValueError as error:
        raise ProblemError(400, f"{resource_id!r} does not make a valid resource IRI: {error}") from None
    triples = await run_in_threadpool(describe.describe, store, iri)
    if not triples and is_html(offer):
        return HTMLResponse(not_found_page(iri), status_code=404, headers=VARY)
    if not triples:
        raise ProblemError(404, f"nothing is known about <{iri}>", headers=VARY)
    if not is_html(offer):
        return rdf_response(triples, offer)
    labels = await run_in_threadpool(describe.labels, store, _iris(triples))
    page = resource_page(iri, triples, Linker(settings.base_iri, labels), request.url.path)
    return HTMLResponse(page, headers=VARY)


@router.get("/ontology", summary="The ontology, as HTML or RDF")
async def get_ontology(
    request: Request, settings: SettingsDep, store: StoreDep,
    format: str | None = Query(None, description=FORMAT_HELP),
) -> Response:
    """The qcollab ontology as one document; terms are anchors (/ontology#Country)."""
    offer = choose_offer(request, format)
    triples = await run_in_threadpool(describe.ontology, store)
    if not triples:
        raise ProblemError(404, "the ontology is not loaded", headers=VARY)
    if not is_html(offer):
        return rdf_response(triples, offer)
    labels = {t.subject.value: t.object.value for t in triples
              if t.predicate.value.endswith("#label") and isinstance(t.subject, ox.NamedNode)}
    return HTMLResponse(ontology_page(triples, Linker(settings.base_iri, labels), ONTOLOGY_IRI), headers=VARY)
