"""`make bench`: the default store (Oxigraph) against plain in-memory rdflib, side by side.

Writes docs/benchmarks.md with the machine, the date, the timings and the ratios.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kg.namespaces import PREFIXES, QC, QCR  # noqa: E402
from kg.store.oxigraph import OxigraphStore  # noqa: E402

SIZES = [int(n) for n in os.environ.get("QCOLLAB_BENCH_SIZES", "10000,100000").split(",")]
REPEAT = 3

QUERIES = {
    "partners of one actor": "SELECT ?p WHERE { qcr:actor-7 qc:collaboratesWith ?p }",
    "two-hop partners (join)": (
        "SELECT DISTINCT ?c WHERE { qcr:actor-7 qc:collaboratesWith ?b . ?b qc:collaboratesWith ?c }"
    ),
    "count by class (aggregate)": "SELECT ?t (COUNT(?s) AS ?n) WHERE { ?s a ?t } GROUP BY ?t",
    "label prefix (filter)": ('SELECT ?s WHERE { ?s rdfs:label ?l FILTER(STRSTARTS(?l, "Actor 12")) }'),
}


def synthetic_graph(triples: int) -> Graph:
    """Actors with labels and partnerships: about `triples` triples, deterministic."""
    graph = Graph()
    actors = max(10, triples // 7)
    for i in range(actors):
        actor = QCR[f"actor-{i}"]
        graph.add((actor, RDF.type, QC.Country if i % 3 == 0 else QC.University))
        graph.add((actor, RDFS.label, Literal(f"Actor {i}")))
        for step in (1, 7, 31, 97, 331):
            graph.add((actor, QC.collaboratesWith, QCR[f"actor-{(i * step + 13) % actors}"]))
    graph.add((URIRef(str(QCR)), RDFS.comment, Literal("synthetic benchmark data")))
    return graph


def best_of(run: Callable[[], object]) -> float:
    """Best wall time of REPEAT runs, in milliseconds."""
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return min(times)


def measure(size: int) -> list[tuple[str, float, float]]:
    data = synthetic_graph(size)
    oxigraph = OxigraphStore(None)
    load_ox = best_of(lambda: oxigraph.replace_graph("urn:bench", data))
    rows = [
        (
            "load (replace graph)",
            load_ox,
            best_of(lambda: Graph().parse(data=data.serialize(format="nt"), format="nt")),
        )
    ]
    prologue = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())
    for name, sparql in QUERIES.items():
        ox_ms = best_of(lambda q=sparql: list(oxigraph.query(q)))
        rdflib_ms = best_of(lambda q=sparql: list(data.query(prologue + q)))
        rows.append((name, ox_ms, rdflib_ms))
    return rows


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    cores = os.cpu_count()
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    version = getattr(ox, "__version__", "?")
    return (
        f"{platform.system()} {platform.release()}, {cpu}, {cores} cores{memory}, "
        f"Python {platform.python_version()}, pyoxigraph {version}"
    )


def main() -> None:
    lines = [
        "# Benchmarks",
        "",
        f"Run by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        f"Machine: {machine()}.",
        f"Each figure is the best of {REPEAT} runs, in milliseconds; both engines run in one process,",
        "one after the other, on the same synthetic graph (actors, labels, partnerships).",
        "",
    ]
    ratios = []
    for size in SIZES:
        rows = measure(size)
        lines += [
            f"## {size:,} triples",
            "",
            "| operation | Oxigraph (ms) | rdflib in memory (ms) | ratio |",
            "|---|---:|---:|---:|",
        ]
        for name, ox_ms, rdflib_ms in rows:
            ratio = rdflib_ms / ox_ms if ox_ms else float("inf")
            ratios.append(ratio)
            lines.append(f"| {name} | {ox_ms:.2f} | {rdflib_ms:.2f} | {ratio:.1f}x |")
        lines.append("")
    lines.append(
        f"Median ratio (rdflib time / Oxigraph time) over all rows: {statistics.median(ratios):.1f}x."
    )
    out = ROOT / "docs" / "benchmarks.md"
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
