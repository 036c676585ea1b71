"""The collaboration network as JSON: GET /graph/network and the sentences behind an edge.

Their queries run in the query workers under one deadline for the request (api/worker_select.py): past
QCOLLAB_QUERY_TIMEOUT_SECONDS the request is answered 503 (problem details, Retry-After).
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from api.deps import EngineDep, SettingsDep
from api.errors import ProblemError
from api.http import checked_iri
from api.openapi_parts import NODE_IRI_PATTERN
from api.worker_select import WorkerSelect
from kg.describe import network as describe
from kg.settings import Settings

router = APIRouter(tags=["network"])

DEFAULT_LIMIT = 5000
NODE_IRI = re.compile(NODE_IRI_PATTERN)


def _limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    try:
        limit = int(raw)
    except ValueError:
        raise ProblemError(400, f"limit must be an integer between 1 and {describe.MAX_EDGES}, "
                                f"not {raw!r}") from None
    if not 1 <= limit <= describe.MAX_EDGES:
        raise ProblemError(400, f"limit must be between 1 and {describe.MAX_EDGES}, not {limit}")
    return limit


def _kinds(raw: list[str] | None) -> tuple[str, ...]:
    kinds = tuple(dict.fromkeys(raw or []))
    unknown = [k for k in kinds if k not in describe.KIND_NAMES]
    if unknown:
        raise ProblemError(400, f"unknown kind {unknown[0]!r}; kinds: {', '.join(describe.KIND_NAMES)}")
    return kinds


def _search(raw: str | None) -> str | None:
    """The q parameter: some words of a node's label (at most MAX_SEARCH_CHARS characters)."""
    if raw is None:
        return None
    if not raw.strip():
        raise ProblemError(400, "q must hold some words of a node's label, not only spaces")
    if len(raw) > describe.MAX_SEARCH_CHARS:
        raise ProblemError(400, f"q is {len(raw)} characters long; at most {describe.MAX_SEARCH_CHARS} "
                                "are allowed")
    return raw


def _iri(value: str | None, role: str) -> str | None:
    """An IRI parameter (http or https, as the graph's resources), or None when it is absent."""
    if value is None:
        return None
    if not NODE_IRI.fullmatch(value):
        raise ProblemError(400, f"{role} must be an http(s) IRI without a port or percent-encoding, "
                                f"not {value!r}")
    return checked_iri(value, role)


def page_of(iri: str, settings: Settings) -> str:
    """The path of an IRI's page on this service, or the IRI itself."""
    return "/resource/" + iri[len(settings.base_iri):] if iri.startswith(settings.base_iri) else iri


def _labelled(facets: dict[str, list[dict[str, str]]], settings: Settings) -> dict[str, Any]:
    described: dict[str, Any] = {name: [{**item, "href": page_of(item["id"], settings)} for item in items]
                                 for name, items in facets.items()}
    described["kinds"] = list(describe.KIND_NAMES)
    return described


def _described(selection: describe.NetworkFilter, rows: dict[str, list[describe.Row]],
               settings: Settings) -> dict[str, Any]:
    found = describe.assemble(selection, rows)
    nodes = [{**node, "href": page_of(str(node["id"]), settings)} for node in found.nodes]
    edges = [{"id": f"{edge.source} {edge.target}", **asdict(edge)} for edge in found.edges]
    return {"nodes": nodes, "edges": edges, "truncated": found.truncated,
            "facets": _labelled(found.facets, settings)}


IriParam = Annotated[str | None, Query()]


@router.get("/graph/network", summary="The collaboration network: actors, programs and their collaborations")
async def network(
    request: Request, engine: EngineDep, settings: SettingsDep,
    kind: Annotated[list[str] | None, Query(description="only nodes of these kinds (repeatable)")] = None,
    area: IriParam = None, document: IriParam = None, model: IriParam = None,
    limit: Annotated[str | None, Query(description="at most this many edges, the heaviest")] = None,
    q: Annotated[str | None, Query(description="only nodes whose label holds these words, and their edges")]
    = None,
) -> JSONResponse:
    """Nodes coloured by kind and undirected edges weighted by the sentences that state them."""
    selection = describe.NetworkFilter(
        kinds=_kinds(kind), area=_iri(area, "area"), document=_iri(document, "document"),
        model=_iri(model, "model"), limit=_limit(limit), search=_search(q))
    select = WorkerSelect(request, engine)
    rows = {name: await select(text) for name, text in describe.queries(selection).items()}
    return JSONResponse(await asyncio.to_thread(_described, selection, rows, settings))


@router.get("/graph/network/evidence", summary="The sentences that state the edge between two nodes")
async def evidence(
    request: Request, engine: EngineDep, settings: SettingsDep, source: IriParam = None,
    target: IriParam = None, document: IriParam = None,
) -> JSONResponse:
    """Each sentence that states a collaboration (or a role in a program) between source and target."""
    first, second = _iri(source, "source"), _iri(target, "target")
    if first is None or second is None:
        raise ProblemError(400, "both source and target are required: the IRIs of the edge's two nodes")
    query = describe.sentences_query(first, second, _iri(document, "document"))
    found = describe.sentences(await WorkerSelect(request, engine)(query))
    for sentence in found:
        sentence["href"] = page_of(str(sentence["sentence"]), settings)
        if sentence["document"]:
            sentence["documentHref"] = "/document/" + str(sentence["document"]).rsplit("/", 1)[-1]
    return JSONResponse({"source": first, "target": second, "sentences": found})
