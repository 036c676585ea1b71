"""Routes: the W3C Reconciliation Service API 0.2 (/reconcile); VoID at (/.well-known/void)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from typing import Annotated, TypeVar
from urllib.parse import quote, unquote_to_bytes

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, Response

from api.deps import NamesDep, SettingsDep, StatisticsDep
from api.errors import ProblemError
from api.http import linked_settings
from api.negotiation import TRIPLE_OFFERS, UnknownFormatError, choose, producible
from kg import __version__
from kg.describe.resource import serialize
from kg.describe.void import TITLE, describe_dataset
from kg.errors import ReconcileLimitError, ReconcileQueryError
from kg.names.index import NameIndexes
from kg.namespaces import QC
from kg.reconcile.matching import DEFAULT_TYPES, ReconcileIndex, schema_iri
from kg.reconcile.protocol import ReconcileLimits
from kg.settings import Settings


def _utf8(raw: bytes, where: str) -> str:
    """Bytes as UTF-8 text: 400 naming where they came from when they are not (nothing is replaced)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        detail = f"the {where} is not valid UTF-8 (byte {error.start}): send UTF-8 text"
        raise ProblemError(400, detail) from None


def form_fields(raw: bytes, where: str) -> dict[str, str]:
    """An application/x-www-form-urlencoded body or query string (the last value of a name wins);
    400 when a name or a value, percent-decoded, is not UTF-8."""
    fields: dict[str, str] = {}
    for part in raw.split(b"&"):
        if part:
            name, _, value = part.replace(b"+", b" ").partition(b"=")
            fields[_utf8(unquote_to_bytes(name), where)] = _utf8(unquote_to_bytes(value), where)
    return fields


async def strict_query_string(request: Request) -> None:
    """400 for a query string that is not UTF-8 (the framework would replace the bad bytes)."""
    form_fields(request.scope.get("query_string", b""), "query string")


router = APIRouter(tags=["reconciliation"], dependencies=[Depends(strict_query_string)])

T = TypeVar("T")
_CALLBACK = re.compile(r"[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*", re.ASCII)  # whole value, ASCII only


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
    if not _CALLBACK.fullmatch(callback) or len(callback) > 100:
        raise ProblemError(400, "callback must be a JavaScript identifier (letters, digits, _, $, .)")
    body = f"/**/{callback}({json.dumps(payload, ensure_ascii=False)});"
    return Response(body, media_type="application/javascript; charset=utf-8",
                    headers={"X-Content-Type-Options": "nosniff"})


def _batch(raw: str, index: ReconcileIndex, limits: ReconcileLimits) -> dict[str, object]:
    """Answer a JSON batch: 413 for too many queries, 400 for a query past a limit or off the protocol."""
    try:
        queries = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ProblemError(400, f"queries is not valid JSON: {error}") from None
    except RecursionError:
        raise ProblemError(400, "queries is nested too deeply to be read") from None
    try:
        return index.reconcile_batch(queries, limits)
    except ReconcileLimitError as error:
        raise ProblemError(413 if error.batch else 400, str(error), limit=error.limit) from None
    except ReconcileQueryError as error:
        raise ProblemError(400, str(error)) from None


@router.get("/reconcile", summary="Service manifest, or a batch of queries (?queries=)")
async def reconcile_get(
    request: Request,
    settings: SettingsDep,
    names: NamesDep,
    queries: Annotated[str | None, Query(description="A JSON batch of reconciliation queries")] = None,
    callback: Annotated[str | None, Query(description="JSONP callback")] = None,
) -> Response:
    """Without `queries`: the service manifest. With it: the answers, as for POST."""
    if queries is None:
        linked = linked_settings(request, settings)
        return _answer(await _using(names, lambda index: manifest(linked, index)), callback)
    limits = ReconcileLimits.of(settings)
    return _answer(await _using(names, lambda index: _batch(queries, index, limits)), callback)


@router.post("/reconcile", summary="Reconcile a batch of queries (form field `queries`)")
async def reconcile_post(request: Request, settings: SettingsDep, names: NamesDep) -> Response:
    """`queries={"q0": {"query": "USA", "type": "Country", "limit": 3}}` as a form field.

    At most `reconcile_max_batch` queries (413 past it), each of at most `reconcile_max_query_chars`
    characters (400); a body or form value that is not UTF-8 is a 400, never read with replacements.
    """
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if content_type == "application/json":
        try:
            payload = json.loads(_utf8(body, "request body") or "null")
        except json.JSONDecodeError as error:
            raise ProblemError(400, f"the body is not valid JSON: {error}") from None
        except RecursionError:
            raise ProblemError(400, "the body is nested too deeply to be read") from None
        raw = payload.get("queries") if isinstance(payload, dict) and "queries" in payload else payload
        raw_text = raw if isinstance(raw, str) else json.dumps(raw)
    elif content_type in ("application/x-www-form-urlencoded", ""):
        form = form_fields(body, "form body")
        if "queries" not in form:
            if "extend" in form:
                raise ProblemError(400, "data extension is not supported by this service")
            raise ProblemError(400, "the form field 'queries' is missing")
        raw_text = form["queries"]
    else:
        raise ProblemError(
            415, "send the form field 'queries' as application/x-www-form-urlencoded (or JSON)"
        )
    limits = ReconcileLimits.of(settings)
    return _answer(await _using(names, lambda index: _batch(raw_text, index, limits)), None)


@router.get("/reconcile/preview", response_class=HTMLResponse, summary="A small HTML preview of an entity")
async def reconcile_preview(
    request: Request,
    settings: SettingsDep,
    names: NamesDep,
    id: Annotated[str, Query(description="Entity id (relative to the identifier space) or IRI")],  # noqa: A002
) -> HTMLResponse:
    linked = linked_settings(request, settings)
    return HTMLResponse(await _using(names, lambda index: _preview(linked, index, id)))


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


def _prefix(settings: Settings, prefix: str) -> None:
    """400 for a suggest prefix longer than a query may be."""
    try:
        ReconcileLimits.of(settings).check_text(prefix, "prefix")
    except ReconcileLimitError as error:
        raise ProblemError(400, str(error), limit=error.limit) from None


@router.get("/reconcile/suggest/entity", summary="Suggest entities by name prefix")
async def suggest_entity(
    settings: SettingsDep,
    names: NamesDep,
    prefix: Annotated[str, Query()] = "",
    type: Annotated[str | None, Query()] = None,  # noqa: A002
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    callback: Annotated[str | None, Query()] = None,
) -> Response:
    _prefix(settings, prefix)

    def suggest(index: ReconcileIndex) -> list[dict[str, object]]:
        try:
            return index.suggest_entities(prefix, type, limit)
        except ReconcileQueryError as error:
            raise ProblemError(400, str(error)) from None

    return _answer({"result": await _using(names, suggest)}, callback)


@router.get("/reconcile/suggest/type", summary="Suggest types by name prefix")
async def suggest_type(
    settings: SettingsDep,
    names: NamesDep,
    prefix: Annotated[str, Query()] = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    callback: Annotated[str | None, Query()] = None,
) -> Response:
    _prefix(settings, prefix)
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
    graph = describe_dataset(await run_in_threadpool(statistics.current), linked_settings(request, settings))
    data = graph.serialize(format="nt", encoding="utf-8")
    triples = [quad.triple for quad in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
    headers = {"Content-Type": offer.content_type, "Vary": "Accept"}
    return Response(serialize(triples, offer.format), headers=headers)


__all__ = ["router", "manifest", "schema_iri"]
