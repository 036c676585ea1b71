"""The WHERE clauses of a SPARQL Update, evaluated by the query workers under one deadline for the update."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable

import pyoxigraph as ox

from kg.query.dataset import QueryDataset
from kg.query.engine import QueryEngine


class WorkerReads:
    """A stand-in for `KnowledgeStore.evaluate`, called from the writer's thread (kg.quality.effects).

    Each read runs in a query worker like any query: killed at the update's deadline (one for all the
    reads of the request, as long as a query's) or when the client goes away, so a heavy
    `INSERT … WHERE` cannot hold the write lock for longer than a query may run. The writer holds its
    lock meanwhile, so the workers' snapshot is the store as the update will change it.
    """

    def __init__(
        self, engine: QueryEngine, loop: asyncio.AbstractEventLoop, abandoned: Callable[[], Awaitable[bool]]
    ) -> None:
        self.engine, self.loop, self.abandoned = engine, loop, abandoned
        self.deadline = time.monotonic() + engine.timeout

    def __call__(
        self,
        sparql: str,
        default_graph: list[ox.NamedNode] | None = None,
        named_graphs: list[ox.NamedNode] | None = None,
    ) -> Iterable:
        dataset = QueryDataset(
            tuple(graph.value for graph in default_graph or ()),
            tuple(graph.value for graph in named_graphs or ()),
            union=False,
            all_named=named_graphs is None,
        )
        return asyncio.run_coroutine_threadsafe(self._read(sparql, dataset), self.loop).result()

    async def _read(self, sparql: str, dataset: QueryDataset) -> Iterable:
        running = await self.engine.start(sparql, dataset, abandoned=self.abandoned)
        running.deadline = min(running.deadline, self.deadline)
        graph = running.form == "graph"
        fmt = ox.RdfFormat.N_TRIPLES if graph else ox.QueryResultsFormat.JSON
        data = b"".join([chunk async for chunk in running.chunks(fmt)])
        if graph:
            return list(ox.parse(data, ox.RdfFormat.N_TRIPLES))
        solutions = ox.parse_query_results(data, ox.QueryResultsFormat.JSON)
        names = [variable.value for variable in solutions.variables]  # type: ignore[union-attr]
        return [{name: row[name] for name in names} for row in solutions]  # plain rows: they change threads
