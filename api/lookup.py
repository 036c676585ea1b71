"""Search by name: GET /lookup over labels and aliases, backed by kg.names.lookup.LookupIndex."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from api.deps import NamesDep
from api.errors import ProblemError
from kg.names.lookup import LookupIndex

router = APIRouter(tags=["lookup"])

MAX_LIMIT = 100
MAX_QUERY_CHARS = 200


def _limit(raw: str | None) -> int:
    if raw is None:
        return 10
    try:
        limit = int(raw)
    except ValueError:
        raise ProblemError(400, f"limit must be an integer between 1 and {MAX_LIMIT}, not {raw!r}") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise ProblemError(400, f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    return limit


@router.get("/lookup", summary="Find entities by label or alias")
async def lookup(
    names: NamesDep,
    q: Annotated[str | None, Query(description="words to look for; case, accents, typos ignored")] = None,
    type: Annotated[str | None, Query(description="a class: qc:Country, Country or a full IRI")] = None,
    limit: Annotated[str | None, Query(description=f"at most this many results (1–{MAX_LIMIT})")] = None,
) -> list[dict[str, Any]]:
    """Entities ranked by match: the same name first, then names starting with q, then words and typos."""
    if q is None or not q.strip():
        raise ProblemError(400, "the query parameter q is required and must not be empty")
    if len(q) > MAX_QUERY_CHARS:
        raise ProblemError(400, f"the query q is longer than {MAX_QUERY_CHARS} characters")
    count = _limit(limit)

    def search(index: LookupIndex) -> list[dict[str, Any]]:
        type_iri = None
        if type:
            try:
                type_iri = index.resolve_type(type.strip())
            except ValueError as error:
                raise ProblemError(400, str(error)) from None
        return [asdict(hit) for hit in index.search(q, type_iri, count)]

    return await run_in_threadpool(names.read, LookupIndex, search)
