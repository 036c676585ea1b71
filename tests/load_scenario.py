"""The bounded load of issue 10: 32 clients for 60 s of mixed reads, lookups, validations and writes.

Each client has its own loopback address (traffic_support), sends one request at a time with a short
pause between them, and stops by itself when DURATION_SECONDS are over. The mix per request: light
SPARQL (one row, or a resource's statements), now and then an aggregate, /lookup, /validate of a
conforming record, and SPARQL INSERT DATA of a small conforming record with the admin token. The test
(tests/load) checks what is answered; `make bench` (bench_load.py) measures how fast.
"""

from __future__ import annotations

import asyncio
import random
import time

import httpx
from live_server import LiveServer
from paths import RECORDS
from traffic_support import JSON_RESULTS, Tally, client, percentile

CLIENTS = 32
DURATION_SECONDS = 60.0
PAUSE_SECONDS = (0.25, 0.75)  # between two requests of a client, uniformly
LIGHT_P99_SECONDS = 0.100
MIX = {"light": 64, "lookup": 20, "validate": 6, "heavy": 6, "write": 4}  # weights per request
# about 0.1 s on the built data
AGGREGATE = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?s ?q ?x } GROUP BY ?p ORDER BY DESC(?n)"
TURTLE = {"Content-Type": "text/turtle"}
UPDATE = {"Content-Type": "application/sparql-update"}
INTENDED = {429, 503}  # a client over its queue cap; a query that found no worker before its deadline


def record_update(client_number: int, serial: int) -> str:
    """INSERT DATA of one hand-made, conforming university in a record graph of its own."""
    slug = f"load-university-{client_number}-{serial}"
    return (
        f"INSERT DATA {{ GRAPH <https://w3id.org/qcollab/graph/record/{slug}> {{ "
        f"qcr:{slug} a qc:University ; "
        f'rdfs:label "Load University {client_number} {serial}"@en ; '
        f'skos:prefLabel "Load University {client_number} {serial}"@en ; '
        "dcterms:source <https://example.org/load-test> ; "
        'dcterms:date "2025-06-30"^^xsd:date ; '
        "prov:wasAttributedTo <https://orcid.org/0000-0002-1825-0097> } }"
    )


class Mix:
    """What the clients ask for: entities of the store, their names, and a conforming record."""

    def __init__(self, server: LiveServer) -> None:
        query = "SELECT ?s ?label WHERE { ?s a qc:Country ; rdfs:label ?label } LIMIT 40"
        response = httpx.get(
            f"{server.base_url}/sparql", params={"query": query}, headers=JSON_RESULTS, timeout=30
        )
        rows = response.json()["results"]["bindings"]
        assert len(rows) >= 5, rows
        self.iris = [row["s"]["value"] for row in rows]
        self.names = [row["label"]["value"] for row in rows]
        self.record = (RECORDS / "valid" / "hand-made.ttl").read_bytes()
        self.admin, self.base_url = server.admin_headers, server.base_url

    def warm_up(self) -> None:
        """One request of each kind, so that nothing is measured while it is built for the first time."""
        with httpx.Client(base_url=self.base_url, timeout=60) as http:
            assert http.get("/lookup", params={"q": self.names[0]}).status_code == 200
            assert http.post("/validate", content=self.record, headers=TURTLE).status_code == 200
            write = http.post("/sparql", content=record_update(0, 0), headers={**UPDATE, **self.admin})
            assert write.status_code == 204, write.text

    async def send(self, http: httpx.AsyncClient, kind: str, rng: random.Random, serial: str) -> int:
        """Send one request of a kind; its status."""
        if kind == "light":
            iri = rng.choice(self.iris)
            query = (
                f"SELECT ?label WHERE {{ <{iri}> rdfs:label ?label }} LIMIT 1"
                if rng.random() < 0.5
                else f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"
            )
            response = await http.get("/sparql", params={"query": query}, headers=JSON_RESULTS)
        elif kind == "heavy":
            response = await http.get("/sparql", params={"query": AGGREGATE}, headers=JSON_RESULTS)
        elif kind == "lookup":
            response = await http.get("/lookup", params={"q": rng.choice(self.names)})
        elif kind == "validate":
            response = await http.post("/validate", content=self.record, headers=TURTLE)
        else:
            number, count = serial.split("-")
            update = record_update(int(number), int(count))
            response = await http.post("/sparql", content=update, headers={**UPDATE, **self.admin})
        if response.status_code >= 500:
            assert response.status_code == 503, (kind, response.status_code, response.text[:500])
            assert response.headers["content-type"] == "application/problem+json", response.text[:500]
            assert "retry-after" in response.headers
        return response.status_code


async def one_client(
    http: httpx.AsyncClient, mix: Mix, number: int, start: asyncio.Event, until: list[float]
) -> dict[str, Tally]:
    """Requests of one client, one at a time, from `start` until `until[0]`: latency and status, by kind."""
    rng = random.Random(number)
    kinds, weights = list(MIX), list(MIX.values())
    tallies = {kind: Tally() for kind in MIX}
    assert (await http.get("/healthz")).status_code == 200  # connected before the clock starts
    await start.wait()
    await asyncio.sleep(rng.uniform(*PAUSE_SECONDS))
    serial = 0
    while time.monotonic() < until[0]:
        kind = rng.choices(kinds, weights)[0]
        serial += 1
        started = time.perf_counter()
        status = await mix.send(http, kind, rng, f"{number}-{serial}")
        tallies[kind].add(time.perf_counter() - started, status)
        await asyncio.sleep(rng.uniform(*PAUSE_SECONDS))
    return tallies


def summary(tallies: dict[str, Tally], seconds: float) -> str:
    """Requests per second, p50 and p99 per kind, and the status counts."""
    total = sum(len(tally.seconds) for tally in tallies.values())
    lines = [
        f"bounded load: {CLIENTS} clients, {seconds:.0f} s, {total} requests, {total / seconds:.1f} req/s",
        f"{'kind':<10}{'requests':>10}{'p50 ms':>10}{'p99 ms':>10}  statuses",
    ]
    for kind, tally in tallies.items():
        statuses = ", ".join(f"{status}: {count}" for status, count in sorted(tally.statuses.items()))
        p50, p99 = percentile(tally.seconds, 0.5) * 1000, percentile(tally.seconds, 0.99) * 1000
        lines.append(f"{kind:<10}{len(tally.seconds):>10}{p50:>10.1f}{p99:>10.1f}  {statuses}")
    intended = sum(count for t in tallies.values() for s, count in t.statuses.items() if s in INTENDED)
    lines.append(f"intended refusals (429 over the queue cap, 503 no worker in time): {intended}")
    return "\n".join(lines)


def run_load(server: LiveServer) -> tuple[dict[str, Tally], float]:
    """Warm the service up, run the clients for DURATION_SECONDS: the tallies by kind, and the seconds."""
    mix = Mix(server)

    async def scenario() -> tuple[dict[str, Tally], float]:
        start, until = asyncio.Event(), [0.0]
        https = [client(server, 10 + number, timeout=60) for number in range(CLIENTS)]
        clients = [
            asyncio.create_task(one_client(http, mix, n, start, until)) for n, http in enumerate(https)
        ]
        await asyncio.sleep(2)  # every client connected
        began = time.monotonic()
        until[0] = began + DURATION_SECONDS
        start.set()
        results = await asyncio.wait_for(asyncio.gather(*clients), DURATION_SECONDS + 90)
        seconds = time.monotonic() - began
        for http in https:
            await http.aclose()
        merged = {kind: Tally() for kind in MIX}
        for result in results:
            for kind, tally in result.items():
                merged[kind].seconds += tally.seconds
                for status, count in tally.statuses.items():
                    merged[kind].statuses[status] = merged[kind].statuses.get(status, 0) + count
        return merged, seconds

    mix.warm_up()
    return asyncio.run(scenario())


def light_p99_seconds(tallies: dict[str, Tally]) -> float:
    return percentile(tallies["light"].seconds, 0.99)
