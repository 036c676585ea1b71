"""The remote store as the commands write to it (`qcollab build`, `add`, `load`, `link`, `reason`).

Every write a command sends is idempotent: INSERT DATA and DELETE DATA of ground quads (blank nodes
travel as skolem IRIs, kg.store.remote_text), Graph Store POST and PUT of such quads, DROP SILENT, and
the inference rules (INSERT ... WHERE FILTER NOT EXISTS, kg.quality.reasoning). Sent twice, each leaves
the store as sent once. So a `BulkRemoteStore` retries a write as the client retries a read
(kg.store.sparql_http): when the connection failed or broke, or the server answered 502, 503 or 504,
at most QCOLLAB_SPARQL_RETRIES times, with backoff (Retry-After honoured). The service's writes keep the
client's stricter rule (a write only when it cannot have been applied): it reports what a refused write
means for the data, and its changes are not all idempotent.

Quads go in requests of at most QCOLLAB_SPARQL_BATCH_QUADS: as Graph Store POSTs of N-Triples, one per
graph of a batch, when a Graph Store endpoint is configured and QCOLLAB_SPARQL_BULK_PROTOCOL=gsp (the
default; the server parses N-Triples faster than SPARQL), else as INSERT DATA. A write that must go
with the first batch (the DROP of `replace_graph`) goes as INSERT DATA, in one request when the graph
fits in one batch. `on_sent` is told the quads and requests sent so far, for a progress bar.

A command holds the store's write lease from its first write (`lease_from_first_write`,
kg.store.remote_lease): a second writing command stops there, naming the first, before it sends
anything; the lease is dropped at `close`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import httpx
import pyoxigraph as ox
from rdflib import Graph

from kg.errors import StoreLockedError
from kg.settings import Settings
from kg.store.dialects import DIALECTS, Dialect, dialect_named
from kg.store.remote import RemoteStore
from kg.store.remote_lease import WriteLease
from kg.store.remote_text import batches, data_block, ntriples
from kg.store.sparql_http import SparqlHttpClient

SentProgress = Callable[[int, int], None]  # quads sent so far, write requests sent so far


class RetryingClient(SparqlHttpClient):
    """A SPARQL client that retries every request as a read: for callers whose writes are idempotent."""

    def _send(self, method: str, url: str, what: str, *, read: bool, **kwargs: object) -> httpx.Response:
        return super()._send(method, url, what, read=True, **kwargs)


class BulkRemoteStore(RemoteStore):
    """A RemoteStore whose writes are retried, sent in batches (by the Graph Store Protocol when it can)
    and counted."""

    def __init__(
        self,
        client: SparqlHttpClient,
        *,
        default_graph: str = "own",
        union_request: str = "named-graphs",
        batch_quads: int = 10_000,
        dialect: Dialect = DIALECTS["generic"],
        use_gsp: bool = True,
        on_sent: SentProgress | None = None,
    ) -> None:
        super().__init__(
            client,
            default_graph=default_graph,
            union_request=union_request,
            batch_quads=batch_quads,
            dialect=dialect,
        )
        self.use_gsp = use_gsp and client.gsp_url is not None
        self.on_sent = on_sent
        self.quads_sent = 0
        self.requests_sent = 0  # write requests (updates and Graph Store writes)
        self.lease: WriteLease | None = None
        self._lease_seconds: float | None = None  # see lease_from_first_write

    @classmethod
    def from_settings(cls, settings: Settings, on_sent: SentProgress | None = None) -> BulkRemoteStore:
        return cls(
            RetryingClient.from_settings(settings),
            default_graph=settings.sparql_default_graph,
            union_request=settings.sparql_union_request,
            batch_quads=settings.sparql_batch_quads,
            dialect=dialect_named(settings.sparql_engine),
            use_gsp=settings.sparql_bulk_protocol == "gsp",
            on_sent=on_sent,
        )

    def lease_from_first_write(self, seconds: float) -> None:
        """Take the store's write lease before the first write, and hold it until `close` (a command that
        only reads takes none); that write raises StoreLockedError when another command holds it."""
        self._lease_seconds = seconds

    def close(self) -> None:
        try:
            if self.lease is not None:
                self.lease.release()
                self.lease = None
        finally:
            super().close()

    def _check_lease(self) -> None:
        if self.lease is None and self._lease_seconds is not None:
            lease = WriteLease(self, self._lease_seconds)
            lease.take()
            self.lease = lease
        if self.lease is not None and self.lease.lost is not None:
            raise StoreLockedError(f"{self.lease.lost.describe()}, who took this command's lease over")

    def _sent(self, quads: int) -> None:
        self.quads_sent += quads
        if self.on_sent is not None:
            self.on_sent(self.quads_sent, self.requests_sent)

    def _send(self, operations: list[str]) -> None:
        self._check_lease()
        if operations:
            self.requests_sent += 1
        super()._send(operations)

    def update(self, sparql: str, base_iri: str | None = None) -> None:
        self._check_lease()
        self.requests_sent += 1
        super().update(sparql, base_iri)

    def put_graph(self, graph: str | None, triples: Graph) -> None:
        self._check_lease()  # its Graph Store writes go past _send and _insert
        super().put_graph(graph, triples)

    def post_graph(self, graph: str | None, triples: Graph) -> None:
        self._check_lease()
        super().post_graph(graph, triples)

    def _insert(self, quads: Iterable[ox.Quad], first: list[str] | None = None) -> None:
        """The quads in batches: with the operations of `first` in the first request (INSERT DATA), else
        by the Graph Store Protocol when it is used."""
        if first or not self.use_gsp:
            pending = list(first or [])
            for batch in batches(quads, self.dialect.data_batch(self.batch_quads)):
                self._send([*pending, f"INSERT DATA {{\n{data_block(batch)}\n}}"])
                pending = []
                self._sent(len(batch))
            self._send(pending)
            return
        for batch in batches(quads, self.batch_quads):
            by_graph: dict[ox.NamedNode | ox.DefaultGraph, list[ox.Quad]] = {}
            for quad in batch:
                by_graph.setdefault(quad.graph_name, []).append(quad)
            for graph, group in by_graph.items():
                self._check_lease()
                self.requests_sent += 1
                name = graph.value if isinstance(graph, ox.NamedNode) else None
                self.client.gsp_write("POST", name, ntriples(group))
            self._sent(len(batch))

    def optimize(self) -> None:
        """Nothing to do: the remote engine compacts its own storage."""
