"""The SELECT queries of a page or JSON route, run in the query workers under one deadline for the request.

They run like any query of /sparql: in the same lanes, in turns with the other clients, and all of a
request's queries within QCOLLAB_QUERY_TIMEOUT_SECONDS of its start. Past it the worker is killed and the
request answered 503 (problem details, Retry-After: `QueryTimeoutError` in api/errors.py).
"""

from __future__ import annotations

import asyncio
import time

import pyoxigraph as ox
from fastapi import Request

from kg.describe.network import Row
from kg.errors import QueryTimeoutError
from kg.query.engine import QueryEngine
from kg.query.slots import ANONYMOUS


class WorkerSelect:
    """SELECT queries of one request, each in a query worker; together within one deadline."""

    def __init__(self, request: Request, engine: QueryEngine) -> None:
        self.request, self.engine = request, engine
        self.client = request.client.host if request.client else ANONYMOUS
        self.deadline = time.monotonic() + engine.timeout

    async def __call__(self, sparql: str) -> list[Row]:
        """The rows of a SELECT query (the union default graph, the project's prefixes)."""
        if time.monotonic() >= self.deadline:
            raise QueryTimeoutError(self.engine.timeout)
        running = await self.engine.start(sparql, abandoned=self.request.is_disconnected, client=self.client)
        running.deadline = min(running.deadline, self.deadline)
        data = b"".join([chunk async for chunk in running.chunks(ox.QueryResultsFormat.JSON)])
        return await asyncio.to_thread(_rows, data)


def _rows(data: bytes) -> list[Row]:
    solutions = ox.parse_query_results(data, ox.QueryResultsFormat.JSON)
    names = [variable.value for variable in solutions.variables]  # type: ignore[union-attr]
    return [{name: row[name] for name in names} for row in solutions]
