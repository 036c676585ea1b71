"""Routes: the W3C Reconciliation Service API 0.2 (/reconcile); VoID at (/.well-known/void)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from typing import Annotated, TypeVar
from urllib.parse import parse_qsl, quote

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, Response

from api.deps import NamesDep, SettingsDep, StatisticsDep
from api.errors import ProblemError
from api.negotiation import TRIPLE_OFFERS, UnknownFormatError, choose, producible
from kg import __version__
from kg.describe.resource import serialize
from kg.describe.void import TITLE, describe_dataset
from kg.errors import ReconcileQueryError
from kg.names.index import NameIndexes
from kg.namespaces import QC
from kg.reconcile.matching import DEFAULT_TYPES, ReconcileIndex, schema_iri
from kg.settings import Settings

router = APIRouter(tags=["reconciliation"])

T = TypeVar("T")
_CALLBACK = re.compile(r"^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$")


async def _using(names: NameIndexes, use: Callable[[ReconcileIndex], T]) -> T:
    """`use` on the reconciliation index over the app's entity index, with no write applied meanwhile."""
    return await run_in_threadpool(names.read, ReconcileIndex, use)


def manifest(settings: Settings, index: ReconcileIndex) -> dict[str, object]:
    """The service manifest (spec 0.2, section 3)."""
    base = settings.public_base_url.rstrip("/")
    return {
        "versions": ["0.1", "0.2"],
        "name": TITLE,
        "identifierSpace": settings.base_iri,
        "schemaSpace": str(QC),
        "documentation": f"{base}/docs#/reconciliation",
        "serviceVersion": __version__,
        "defaultTypes": [index.type_ref(str(QC[name])) for name in DEFAULT_TYPES],
        "view": {"url": f"{base}/resource/{{{{id}}}}"},
        "preview": {"url": f"{base}/reconcile/preview?id={{{{id}}}}", "width": 400, "height": 160},
        "suggest": {
            "entity": {"service_url": base, "service_path": "/reconcile/suggest/entity"},
            "type": {"service_url": base, "service_path": "/reconcile/suggest/type"},
        },
    }


def _answer(payload: object, callback: str | None) -> Response:
    """JSON, or JSONP when a callback is named (GET only)."""
    if callback is None:
        return JSONResponse(payload)
    if not _CALLBACK.match(callback) or len(callback) > 100:
        raise ProblemError(400, "callback must be a JavaScript identifier (letters, digits, _, $, .)")
    body = f"/**/{callback}({json.dumps(payload, ensure_ascii=False)});"
    return Response(body, media_type="application/javascript; charset=utf-8",
                    headers={"X-Content-Type-Options": "nosniff"})


def _batch(raw: str, index: ReconcileIndex) -> dict[str, object]:
    try:
        queries = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ProblemError(400, f"queries is not valid JSON: {error}") from None
    try:
        return index.reconcile_batch(queries)
    except ReconcileQueryError as error:
        raise ProblemError(400, str(error)) from None


@router.get("/reconcile", summary="Service manifest, or a batch of queries (?queries=)")
async def reconcile_get(
    settings: SettingsDep,
    names: NamesDep,
    queries: Annotated[str | None, Query(description="A JSON batch of reconciliation queries")] = None,
    callback: Annotated[str | None, Query(description="JSONP callback")] = None,
) -> Response:
    """Without `queries`: the service manifest. With it: the answers, as for POST."""
    if queries is None:
        return _answer(await _using(names, lambda index: manifest(settings, index)), callback)
    return _answer(await _using(names, lambda index: _batch(queries, index)), callback)


@router.post("/reconcile", summary="Reconcile a batch of queries (form field `queries`)")
async def reconcile_post(request: Request, names: NamesDep) -> Response:
    """`queries={"q0": {"query": "USA", "type": "Country", "limit": 3}}` as a form field."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = (await request.body()).decode("utf-8", errors="replace")
    if content_type == "application/json":
        try:
            payload = json.loads(body or "null")
        except json.JSONDecodeError as error:
            raise ProblemError(400, f"the body is not valid JSON: {error}") from None
        raw = payload.get("queries") if isinstance(payload, dict) and "queries" in payload else payload
        raw_text = raw if isinstance(raw, str) else json.dumps(raw)
    elif content_type in ("application/x-www-form-urlencoded", ""):
        form = dict(parse_qsl(body, keep_blank_values=True))
        if "queries" not in form:
            if "extend" in form:
                raise ProblemError(400, "data extension is not supported by this service")
            raise ProblemError(400, "the form field 'queries' is missing")
        raw_text = form["queries"]
    else:
        raise ProblemError(
            415, "send the form field 'queries' as application/x-www-form-urlencoded (or JSON)"
        )
    return _answer(await _using(names, lambda index: _batch(raw_text, index)), None)


@router.get("/reconcile/preview", response_class=HTMLResponse, summary="A small HTML preview of an entity")
async def reconcile_preview(
    settings: SettingsDep,
    names: NamesDep,
    id: Annotated[str, Query(description="Entity id (relative to the identifier space) or IRI")],  # noqa: A002
) -> HTMLResponse:
    return HTMLResponse(await _using(names, lambda index: _preview(settings, index, id)))


def _preview(settings: Settings, index: ReconcileIndex, id: str) -> str:  # noqa: A002
    entry = index.entry(id)
    if entry is None:
        raise ProblemError(404, f"no entity with id {id!r}")
    base = settings.public_base_url.rstrip("/")
    page = f"{base}/resource/{quote(entry.id, safe='/')}"
    types = ", ".join(html.escape(t["name"]) for t in index.entry_types(entry))
    links = "".join(
        f'<li><a href="{html.escape(link)}" target="_blank" rel="noopener">{html.escape(link)}</a></li>'
        for link in sorted(entry.links)
    )
    aliases = sorted({n.text for n in entry.names if n.origin == "alias"})
    body = (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(entry.name)}</title>"
        "<style>body{font:14px/1.4 system-ui,sans-serif;margin:8px}h1{font-size:16px;margin:0}"
        "p{margin:4px 0}.t{color:#555}ul{margin:4px 0;padding-left:18px}</style></head><body>"
        f'<h1><a href="{html.escape(page)}" target="_blank" rel="noopener">{html.escape(entry.name)}</a></h1>'
        f'<p class="t">{types}</p>'
        + (f"<p>{html.escape(entry.description)}</p>" if entry.description else "")
        + (f"<p>Also: {html.escape(', '.join(aliases[:8]))}</p>" if aliases else "")
        + (f"<ul>{links}</ul>" if links else "")
        + "</body></html>"
    )
    return body


@router.get("/reconcile/suggest/entity", summary="Suggest entities by name prefix")
async def suggest_entity(
    names: NamesDep,
    prefix: Annotated[str, Query()] = "",
    type: Annotated[str | None, Query()] = None,  # noqa: A002
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    callback: Annotated[str | None, Query()] = None,
) -> Response:
    def suggest(index: ReconcileIndex) -> list[dict[str, object]]:
        try:
            return index.suggest_entities(prefix, type, limit)
        except ReconcileQueryError as error:
            raise ProblemError(400, str(error)) from None

    return _answer({"result": await _using(names, suggest)}, callback)


@router.get("/reconcile/suggest/type", summary="Suggest types by name prefix")
async def suggest_type(
    names: NamesDep,
    prefix: Annotated[str, Query()] = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    callback: Annotated[str | None, Query()] = None,
) -> Response:
    result = await _using(names, lambda index: index.suggest_types(prefix, limit))
    return _answer({"result": result}, callback)


@router.get("/.well-known/void", tags=["linked data"], summary="VoID description of the dataset and linksets")
async def well_known_void(
    request: Request,
    settings: SettingsDep,
    statistics: StatisticsDep,
    format: Annotated[str | None, Query(description="ttl, nt, jsonld, rdfxml or a media type")] = None,  # noqa: A002
) -> Response:
    """The VoID description (Turtle by default; other RDF syntaxes by Accept or ?format=)."""
    try:
        offer = choose(request.headers.get("accept"), format, TRIPLE_OFFERS)
    except UnknownFormatError as error:
        raise ProblemError(400, str(error)) from None
    if offer is None:
        available = ", ".join(producible(TRIPLE_OFFERS))
        raise ProblemError(406, f"no acceptable media type; available: {available}")
    assert isinstance(offer.format, ox.RdfFormat)
    graph = describe_dataset(await run_in_threadpool(statistics.current), settings)
    data = graph.serialize(format="nt", encoding="utf-8")
    triples = [quad.triple for quad in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
    headers = {"Content-Type": offer.content_type, "Vary": "Accept"}
    return Response(serialize(triples, offer.format), headers=headers)


__all__ = ["router", "manifest", "schema_iri"]
