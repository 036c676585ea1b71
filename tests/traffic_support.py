"""Concurrent HTTP clients for the lane, fairness and load tests: each client has its own loopback address.

The service tells clients apart by their address (`request.client.host`), and the whole of 127.0.0.0/8
is loopback, so a client bound to 127.0.0.N is client N to the server.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import httpx
from live_server import LiveServer

JSON_RESULTS = {"Accept": "application/sparql-results+json"}
LIGHT = "SELECT ?label WHERE { qcr:japan rdfs:label ?label } LIMIT 1"
# about 1 s on the built data: a join of every subject's neighbourhood, grouped, counted and sorted
HEAVY = (
    "SELECT ?type (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?type ; ?p ?o . ?o ?q ?x . ?x ?r ?y } "
    "GROUP BY ?type ORDER BY DESC(?n)"
)


def client(server: LiveServer, number: int, timeout: float = 120) -> httpx.AsyncClient:
    """An HTTP client whose connections come from 127.0.0.<number> (2-254): one client to the server."""
    assert 2 <= number <= 254, number
    transport = httpx.AsyncHTTPTransport(local_address=f"127.0.0.{number}")
    return httpx.AsyncClient(base_url=server.base_url, transport=transport, timeout=timeout)


async def timed_query(http: httpx.AsyncClient, sparql: str) -> tuple[float, httpx.Response]:
    """Seconds from sending a SPARQL query (GET) to having read its whole answer, and the answer."""
    started = time.perf_counter()
    response = await http.get("/sparql", params={"query": sparql}, headers=JSON_RESULTS)
    return time.perf_counter() - started, response


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (`share` from 0 to 1) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Tally:
    """Latencies and status codes of one kind of request."""

    seconds: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    def add(self, seconds: float, status: int) -> None:
        self.seconds.append(seconds)
        self.statuses[status] = self.statuses.get(status, 0) + 1
