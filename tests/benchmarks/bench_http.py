"""`make bench`, second part: our SPARQL service over HTTP against the native Oxigraph server.

Builds the graph from seeds/ into a temporary folder, serves it with our service (uvicorn) and, side by
side, with `oxigraph serve-read-only` loaded with the same quads (an N-Quads dump of our store, queried with
--union-default-graph, as our endpoint does), checks that both answer the same number of rows, then
measures sequential latency and concurrent throughput with httpx over loopback. Appends (or replaces)
its section of docs/benchmarks.md, which bench_store.py writes first.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from bench_report import run_in_scratch  # noqa: E402
from bench_store import machine  # noqa: E402
from linking_support import oxigraph_server  # noqa: E402
from live_server import running_server  # noqa: E402

from kg.namespaces import PREFIXES  # noqa: E402
from kg.pipeline.build import build  # noqa: E402
from kg.settings import Settings  # noqa: E402
from kg.store.oxigraph import OxigraphStore  # noqa: E402

HEADING = "## HTTP: our service against the native Oxigraph server"
OUTPUT = ROOT / "docs" / "benchmarks.md"
WARM_UP = 20
REQUESTS = 200
BLOCKS = 4
CLIENTS = 8
SECONDS = 5.0

SELECT_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
PROLOGUE = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())

QUERIES: dict[str, tuple[str, str]] = {
    "partners of Japan": (
        SELECT_JSON,
        """
        SELECT DISTINCT ?partner ?label WHERE {
          qcr:japan qc:collaboratesWith ?partner . ?partner rdfs:label ?label
        } ORDER BY ?label""",
    ),
    "solutions and the challenges they address": (
        SELECT_JSON,
        """
        SELECT ?solution ?challenge ?label ?description WHERE {
          ?solution a qc:Solution ; qc:addresses ?challenge ; dcterms:description ?description .
          ?challenge rdfs:label ?label
        } ORDER BY ?label""",
    ),
    "provenance of a fact (reification)": (
        SELECT_JSON,
        """
        SELECT ?text ?document WHERE {
          ?statement a rdf:Statement ; rdf:subject qcr:united-kingdom ;
            rdf:predicate qc:collaboratesWith ; rdf:object qcr:canada ; qc:extractedFrom ?sentence .
          ?sentence prov:value ?text ; dcterms:isPartOf ?document
        }""",
    ),
    "count by class (aggregate)": (
        SELECT_JSON,
        """
        SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class }
        GROUP BY ?class ORDER BY DESC(?n) ?class""",
    ),
    "CONSTRUCT the description of Japan": (
        N_TRIPLES,
        """
        CONSTRUCT { qcr:japan ?p ?o . ?s ?q qcr:japan }
        WHERE { { qcr:japan ?p ?o } UNION { ?s ?q qcr:japan } }""",
    ),
}
LOOKUP = ("/lookup", {"q": "quantum flag"})
SLOTS = Settings.model_fields["query_workers"].default

Call = Callable[[httpx.Client], object]


@dataclass
class Target:
    """One SPARQL endpoint and how to send it a query."""

    name: str
    endpoint: str

    def request(self, client: httpx.Client, sparql: str, accept: str) -> httpx.Response:
        answer = client.get(self.endpoint, params={"query": PROLOGUE + sparql}, headers={"Accept": accept})
        answer.raise_for_status()
        return answer


@dataclass
class Measured:
    p50: float
    p95: float
    per_second: float = 0.0


def rows_of(answer: httpx.Response, accept: str) -> int:
    """The solutions of a SELECT (JSON results) or the triples of a graph (N-Triples)."""
    if accept == SELECT_JSON:
        return len(answer.json()["results"]["bindings"])
    return sum(1 for line in answer.text.splitlines() if line.strip())


def latency(calls: dict[str, Call]) -> dict[str, Measured]:
    """p50 and p95 in ms of REQUESTS sequential calls per server on one keep-alive connection each,
    after WARM_UP; the servers take turns in BLOCKS blocks, so that both see the same background noise."""
    clients = {name: httpx.Client(timeout=30) for name in calls}
    times: dict[str, list[float]] = {name: [] for name in calls}
    try:
        for name, call in calls.items():
            for _ in range(WARM_UP):
                call(clients[name])
        for _ in range(BLOCKS):
            for name, call in calls.items():
                for _ in range(REQUESTS // BLOCKS):
                    started = time.perf_counter()
                    call(clients[name])
                    times[name].append((time.perf_counter() - started) * 1000)
    finally:
        for client in clients.values():
            client.close()
    return {
        name: Measured(statistics.median(ms), statistics.quantiles(ms, n=100, method="inclusive")[94])
        for name, ms in times.items()
    }


def throughput(call: Call) -> float:
    """Completed requests per second of CLIENTS threads, each with its own connection, for SECONDS."""
    deadline = time.perf_counter() + SECONDS

    def client_loop() -> int:
        done = 0
        with httpx.Client(timeout=30) as client:
            call(client)
            while time.perf_counter() < deadline:
                call(client)
                done += 1
        return done

    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        counts = list(pool.map(lambda _: client_loop(), range(CLIENTS)))
    return sum(counts) / (time.perf_counter() - started)


def built_graph(workdir: Path) -> tuple[Path, Path, int, int]:
    """Build from seeds/ into workdir/built; dump it as N-Quads. Returns data folder, dump, quads, graphs."""
    built = workdir / "built"
    build(Settings(data_dir=built), force=True)
    nquads = workdir / "dump.nq"
    with OxigraphStore(built / "store", read_only=True) as store, nquads.open("wb") as out:
        store.dump("nq", out)
        quads, graphs = store.triple_count(), len(store.named_graphs())
    return built, nquads, quads, graphs


def measure(workdir: Path) -> list[str]:
    """Run every measurement and return the lines of the section."""
    started = time.perf_counter()
    built, nquads, quads, graphs = built_graph(workdir)
    (workdir / "ours").mkdir()
    (workdir / "native").mkdir()
    with (
        running_server(built, workdir / "ours") as live,
        oxigraph_server(workdir / "native", (nquads,), union_default_graph=True) as native,
    ):
        targets = (Target("ours", f"{live.base_url}/sparql"), Target("native", native))
        results: dict[str, tuple[int, dict[str, Measured]]] = {}
        with httpx.Client(timeout=30) as client:
            for name, (accept, sparql) in QUERIES.items():
                counts = {t.name: rows_of(t.request(client, sparql, accept), accept) for t in targets}
                if counts["ours"] != counts["native"] or counts["ours"] == 0:
                    raise AssertionError(f"{name}: the servers disagree or return nothing: {counts}")
                results[name] = (counts["ours"], {})
        for name, (accept, sparql) in QUERIES.items():
            calls = {t.name: partial(t.request, sparql=sparql, accept=accept) for t in targets}
            measured = latency(calls)
            for server, call in calls.items():
                one = measured[server]
                one.per_second = throughput(call)
                print(
                    f"{name} [{server}]: p50 {one.p50:.2f} ms, p95 {one.p95:.2f} ms, "
                    f"{one.per_second:.0f} req/s",
                    file=sys.stderr,
                )
            results[name][1].update(measured)
        path, params = LOOKUP

        def lookup(client: httpx.Client) -> object:
            answer = client.get(live.base_url + path, params=params)
            answer.raise_for_status()
            return answer

        with httpx.Client(timeout=30) as client:
            lookup_hits = len(lookup(client).json())
        lookup_latency = latency({"ours": lookup})["ours"]
    return report(results, lookup_latency, lookup_hits, quads, graphs, time.perf_counter() - started)


def report(
    results: dict[str, tuple[int, dict[str, Measured]]],
    lookup: Measured,
    hits: int,
    quads: int,
    graphs: int,
    seconds: float,
) -> list[str]:
    lines = [
        HEADING,
        "",
        f"Run by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC (this part took {seconds:.0f} s).",
        f"Machine: {machine()}.",
        "",
        f"- Data: the graph built from seeds/ ({quads:,} quads in {graphs} named graphs).",
        "- Servers, side by side on 127.0.0.1: our service (uvicorn, one worker, default settings, so",
        f"  at most {SLOTS} queries evaluated at once) and the native",
        "  `oxigraph serve-read-only --union-default-graph`, loaded with an N-Quads dump of our store.",
        "  The client (httpx, same machine) measures one server at a time.",
        "- Requests: SPARQL by GET, the same text for both (explicit PREFIX declarations) and the same",
        "  Accept (SPARQL JSON results; N-Triples for CONSTRUCT). Both servers were checked to return the",
        "  same number of rows before timing.",
        f"- Latency: {REQUESTS} sequential requests per server on one keep-alive connection, after",
        f"  {WARM_UP} warm-up requests, the two servers taking turns in {BLOCKS} blocks of "
        f"{REQUESTS // BLOCKS} requests;",
        "  from sending the request to reading the whole body; p50 and p95 in milliseconds.",
        f"- Throughput: {CLIENTS} client threads, each with its own keep-alive connection, sending requests",
        f"  back to back for {SECONDS:g} s; completed requests per second.",
        "- Ratios are ours / native: above 1 our latency is higher, below 1 our throughput is lower.",
        "",
        "| query | rows | ours p50 (ms) | ours p95 (ms) | native p50 (ms) | native p95 (ms) | p50 ratio "
        "| ours (req/s) | native (req/s) | req/s ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    latency_ratios, rate_ratios = [], []
    for name, (rows, by_server) in results.items():
        ours, native = by_server["ours"], by_server["native"]
        latency_ratio = ours.p50 / native.p50
        rate_ratio = ours.per_second / native.per_second
        latency_ratios.append(latency_ratio)
        rate_ratios.append(rate_ratio)
        lines.append(
            f"| {name} | {rows} | {ours.p50:.2f} | {ours.p95:.2f} | {native.p50:.2f} | {native.p95:.2f} "
            f"| {latency_ratio:.1f}x | {ours.per_second:.0f} | {native.per_second:.0f} | {rate_ratio:.2f}x |"
        )
    path, params = LOOKUP
    lines += [
        "",
        f"Median p50 latency ratio (ours / native): {statistics.median(latency_ratios):.1f}x; "
        f"median throughput ratio (ours / native): {statistics.median(rate_ratios):.2f}x.",
        "",
        f"Lookup (ours only, no native counterpart): `GET {path}?q={params['q'].replace(' ', '%20')}` "
        f"({hits} {'hit' if hits == 1 else 'hits'}): p50 {lookup.p50:.2f} ms, p95 {lookup.p95:.2f} ms,",
        "measured like the latency above.",
        "",
        f"The client shares the machine's {os.cpu_count()} cores with the server it measures, so the",
        "throughput figures, the native ones above all, are bounded by the Python client as well as by",
        "the server: read the native figures as lower bounds.",
    ]
    return lines


if __name__ == "__main__":
    run_in_scratch(measure, "http", OUTPUT)
