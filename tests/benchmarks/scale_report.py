"""What bench_scale.py measured, as the section "## The store at scale" of docs/benchmarks.md: per size the
load, start-up, memory and throughput, the query mix side by side with ratios, our own operations, and the
targets of issue 9 with pass or miss."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from scale_results import OURS, PEERS, Profile, SizeResult, ms, p50, ratio, times
from scale_servers import Timing, psutil
from scale_targets import targets

HEADING = "## The store at scale"


def cell(timing: Timing | None) -> str:
    if timing is None:
        return "–"
    if not timing.samples:
        return f"failed: {timing.note}" if timing.note else "–"
    text = f"{ms(timing.p50)} / {ms(timing.p95)}"
    if timing.errors:
        text += f" ({timing.errors} failed)"
    return text + (" †" if timing.note.startswith("timed out") else "")


def size_lines(result: SizeResult, yardstick: SizeResult) -> list[str]:
    other = result.quads - result.summary.quads
    lines = [
        f"### {result.size:,} triples",
        "",
        f"{result.summary.quads:,} synthetic quads in {result.summary.documents:,} document graphs "
        f"(generated in {result.generated:.1f} s), next to {other:,} quads of the seed graph, the ontology "
        f"and the inferences: {result.quads:,} quads in our store."
        + (f" `qcollab load`: {result.load_account}." if result.load_account else ""),
        "",
        "| | load (s) | load (triples/s) | start-up (s) | peak memory, all processes (MiB) "
        "| wrk, 8 connections (req/s) | wrk, 32 connections (req/s) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    loaders = {
        "qcollab disk": "qcollab load",
        "qcollab memory": "qcollab load",
        "Oxigraph server": "oxigraph load",
        "pyoxigraph in memory": "pyoxigraph bulk_load, in memory",
    }
    for name in OURS + PEERS:
        run = result.run(name)
        if run.note and run.startup is None:
            lines.append(f"| {name} | {run.note} ||||||")
            continue
        seconds = result.load.get(loaders.get(name, ""))
        rate = f"{result.summary.quads / seconds:,.0f}" if seconds else "–"
        memory = f"{run.peak_rss / 2**20:,.0f}" if run.peak_rss else "–"
        rates = [f"{run.throughput[c]:,.0f}" if run.throughput.get(c) else "–" for c in (8, 32)]
        startup = f"{run.startup:.2f}" if run.startup is not None else "–"
        load = f"{seconds:.1f}" if seconds else "–"
        lines.append(f"| {name} | {load} | {rate} | {startup} | {memory} | {rates[0]} | {rates[1]} |")
    lines += [
        "",
        "Queries, p50 / p95 in ms (ratios of the p50s; below 1, ours is faster):",
        "",
        "| query | rows | " + " | ".join(OURS + PEERS) + " | disk ÷ server | memory ÷ server "
        "| memory ÷ pyoxigraph in memory | disk ÷ pyoxigraph on disk |",
        "|---|---:" + "|---:" * 9 + "|",
    ]
    server = result.run("Oxigraph server")
    for name in server.rows or result.run("qcollab disk").rows:
        counts = {r: result.run(r).rows.get(name) for r in OURS + PEERS if name in result.run(r).rows}
        expected = server.rows.get(name, next(iter(counts.values()), -1))
        odd = [f"{r}: {n}" for r, n in counts.items() if n != expected]
        row_text = f"{expected:,}" + (f" (≠ {', '.join(odd)})" if odd else "")
        cells = [cell(result.run(r).latency.get(name)) for r in OURS + PEERS]
        disk, memory = (p50(result.run(r), name) for r in OURS)
        shares = [
            ratio(disk, p50(server, name)),
            ratio(memory, p50(server, name)),
            ratio(memory, p50(result.run("pyoxigraph in memory"), name)),
            ratio(disk, p50(result.run("pyoxigraph on disk"), name)),
        ]
        lines.append(
            f"| {name} | {row_text} | " + " | ".join(cells) + " | " + " | ".join(map(times, shares)) + " |"
        )
    lines += [
        "",
        f"Our own operations, p50 / p95 in ms (and at {yardstick.size:,} triples; in-process pyoxigraph "
        "for the INSERT DATA):",
        "",
        f"| operation | {' | '.join(OURS)} | disk, at 10k | memory, at 10k | pyoxigraph in memory |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in dict.fromkeys([*result.run("qcollab disk").latency, *result.run("qcollab memory").latency]):
        if name in server.rows:
            continue
        cells = [cell(result.run(r).latency.get(name)) for r in OURS]
        cells += [cell(yardstick.run(r).latency.get(name)) for r in OURS]
        cells.append(cell(result.run("pyoxigraph in memory").latency.get(name)))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines + [""]


def missing(results: list[SizeResult], yardstick: SizeResult, found: dict[str, str]) -> Iterator[str]:
    """Every n/a, skip and failure of the run, once each."""
    seen: set[str] = set()
    notes = [note for note in (found["load"], found["store_mode"]) if note]
    for result in [yardstick, *results]:
        notes += [f"{name} at {result.size:,}: {note}" for name, note in result.load_notes.items()]
        for run in result.runs.values():
            where = f"{run.name} at {result.size:,}"
            notes += [f"{where}: {run.note}"] if run.note else []
            notes += [f"{where}, wrk: {run.throughput_note}"] if run.throughput_note else []
            notes += [f"{where}, {n}: {t.note}" for n, t in run.latency.items() if t.note]
    for note in notes:
        if note not in seen:
            seen.add(note)
            yield f"- {note}"


def section(
    results: list[SizeResult],
    yardstick: SizeResult,
    found: dict[str, str],
    profile: Profile,
    machine: str,
    seconds: float,
    load_average: tuple[float, float] = (0.0, 0.0),
) -> list[str]:
    sampler = "psutil" if psutil is not None else "/proc"
    lines = [
        HEADING,
        "",
        f"Run by `make bench` (tests/benchmarks/bench_scale.py) on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; "
        f"sizes {', '.join(f'{s:,}' for s in profile.sizes)}; it took {seconds / 60:.0f} min.",
        f"Machine: {machine}; 1-minute load average {load_average[0]:.1f} at the start, "
        f"{load_average[1]:.1f} at the end (other work on the machine slows every target alike).",
        "",
        "- Data: the synthetic collaboration graph of tests/benchmarks/synthetic.py (seed 1, one named",
        "  graph per document), loaded next to the graph built from seeds/; the peers get the same quads.",
        "- One server at a time, each stopped before the next: our service (`qcollab serve` with",
        "  QCOLLAB_STORE_MODE=disk or memory, on its own checkpoint of the loaded store), then",
        "  `oxigraph serve-read-only --union-default-graph`, then pyoxigraph in the benchmark process",
        "  (the query evaluated and its results serialized, no HTTP): on the Oxigraph server's files and",
        "  in memory.",
        "- Latency: sequential requests on one keep-alive connection (http.client): light queries "
        f"{profile.light} times,",
        f"  heavy ones up to {profile.heavy} times or {profile.budget:g} s; writes up to {profile.writes} "
        f"times or {profile.write_budget:g} s,",
        "  each of a new record. † = a request timed out.",
        f"- Throughput: `wrk -t2` with 8 and 32 connections for {profile.wrk_seconds:g} s on the exact-label",
        "  query; successful answers per second.",
        "- Start-up: process start to the first answered query (in process: opening or loading the store,",
        "  then the first query). Peak memory: the resident memory summed over the server's process tree",
        f"  (workers included), sampled every 0.25 s ({sampler}) from start to stop; for pyoxigraph in",
        "  memory, what loading added to the benchmark process.",
        "- Load: wall time of `qcollab load FILE --no-validate` and of `oxigraph load --file FILE` for the",
        "  synthetic quads.",
        "",
    ]
    for result in results:
        lines += size_lines(result, yardstick)
    lines += [
        "### Targets of issue 9",
        "",
        "| target | at (triples) | measured | result |",
        "|---|---|---|---|",
        *(f"| {' | '.join(row)} |" for row in targets(results, yardstick)),
        "",
    ]
    gaps = list(missing(results, yardstick, found))
    lines += ["### Not measured in this run", "", *(gaps or ["- nothing: every piece was available"]), ""]
    return lines
