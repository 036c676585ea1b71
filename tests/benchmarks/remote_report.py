"""What bench_remote.py measured, as the section "## Embedded and remote stores" of docs/scale-out.md: per
back-end (the embedded store, then each remote engine) the seed build and the load, the query mix through our
service and straight to the engine, our own operations (the writes among them), start-up and memory."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from scale_data import QCOLLAB
from scale_report import cell
from scale_results import Profile, Run, ratio, times
from scale_servers import Timing

HEADING = "## Embedded and remote stores"
MIB = 2**20


@dataclass
class Step:
    """One command (`qcollab build`, `load`): its wall time, its peak memory, what it says of itself."""

    seconds: float | None = None
    peak_rss: int = 0
    account: str = ""
    error: str = ""


@dataclass
class Backend:
    """One back-end measured on the generated graph; `note` says why (part of) it was not measured."""

    name: str
    engine: str  # the engine and how it is asked directly
    build: Step = field(default_factory=Step)
    load: Step = field(default_factory=Step)
    export: Step = field(default_factory=Step)  # `qcollab export --format nq` of the whole store
    quads: int | None = None  # in the store after the load, counted by the engine
    service: Run = field(default_factory=lambda: Run("service"))
    direct: Run = field(default_factory=lambda: Run("direct"))
    engine_rss_load: int | None = None
    engine_rss_serving: int | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Measured:
    size: int
    quads: int  # generated
    documents: int
    backends: list[Backend]
    machine: str
    versions: str
    profile: Profile
    minutes: float
    load_average: tuple[float, float]


def machine() -> str:
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    model = next(
        (line.split(":", 1)[1].strip() for line in lscpu.splitlines() if line.startswith("Model name")), ""
    )
    kib = int(Path("/proc/meminfo").read_text().split()[1])
    return (
        f"{model or platform.machine()}, {os.cpu_count()} cores, {kib / 2**20:.0f} GiB RAM, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )


def versions() -> str:
    def first(args: list[str], line: int = 0) -> str:
        with_output = subprocess.run(args, capture_output=True, text=True, check=False)
        lines = (with_output.stdout + with_output.stderr).splitlines()
        return lines[line].strip() if len(lines) > line else "?"

    oxigraph = first([str(Path(QCOLLAB).with_name("oxigraph")), "--version"])
    virtuoso = first(["virtuoso-t", "-?"], 1) if shutil.which("virtuoso-t") else "not installed"
    jars = sorted(Path("/usr/share/java").glob("jena-arq-*.jar"))
    jena = jars[-1].stem.removeprefix("jena-arq-") if jars else "not installed"
    java = first(["java", "-version"]) if shutil.which("java") else "no Java"
    return (
        f"Python {platform.python_version()}, pyoxigraph {ox.__version__}, {oxigraph}, Virtuoso {virtuoso}, "
        f"Jena {jena} ({java})"
    )


def mib(value: int | None) -> str:
    return f"{value / MIB:,.0f}" if value else "–"


def seconds(step: Step) -> str:
    if step.error:
        return f"failed: {step.error}"
    return "–" if step.seconds is None else f"{step.seconds:,.1f}"


def p50(run: Run, name: str) -> float | None:
    timing = run.latency.get(name)
    return timing.p50 if timing and timing.samples else None


def load_lines(measured: Measured, embedded: Backend) -> list[str]:
    lines = [
        f"| back-end | seed graph: `qcollab build` (s) | `qcollab load` of the {measured.quads:,} quads (s) "
        "| triples/s | ÷ embedded | quads in the store after | peak memory of `qcollab load` (MiB) "
        "| engine's peak memory while loading (MiB) | `qcollab export --format nq` (s) "
        "| peak memory of `qcollab export` (MiB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for backend in measured.backends:
        rate = f"{measured.quads / backend.load.seconds:,.0f}" if backend.load.seconds else "–"
        share = times(ratio(backend.load.seconds, embedded.load.seconds)) if backend is not embedded else "1"
        quads = f"{backend.quads:,}" if backend.quads is not None else "–"
        if backend.quads is not None and embedded.quads is not None and backend.quads != embedded.quads:
            quads += f" ({backend.quads - embedded.quads:+,})"
        engine = "(in `qcollab load`)" if backend is embedded else mib(backend.engine_rss_load)
        lines.append(
            f"| {backend.name} | {seconds(backend.build)} | {seconds(backend.load)} | {rate} | {share} "
            f"| {quads} | {mib(backend.load.peak_rss)} | {engine} | {seconds(backend.export)} "
            f"| {mib(backend.export.peak_rss)} |"
        )
    accounts = [f"- {b.name}: {b.load.account}" for b in measured.backends if b.load.account]
    return lines + (["", "What `qcollab load` says of itself:", "", *accounts] if accounts else []) + [""]


def row_count(backends: list[Backend], name: str) -> str:
    """The rows of the embedded store's answer, and any back-end (or engine) that answered otherwise."""
    counts = {
        f"{b.name}{where}": run.rows[name]
        for b in backends
        for where, run in (("", b.service), (" direct", b.direct))
        if run.rows.get(name, -1) >= 0
    }
    expected = next(iter(counts.values()), -1)
    odd = [f"{where}: {n:,}" for where, n in counts.items() if n != expected]
    return f"{expected:,}" + (f" (≠ {', '.join(odd)})" if odd else "")


def query_lines(measured: Measured, embedded: Backend, queries: list[str]) -> list[str]:
    remotes = [b for b in measured.backends if b is not embedded]
    names = [b.name for b in measured.backends]
    lines = [
        "Through our service (`GET /sparql`), p50 / p95 in ms, and the p50 ÷ the embedded store's:",
        "",
        f"| query | rows | {' | '.join(names)} | "
        + " | ".join(f"{b.name} ÷ embedded" for b in remotes)
        + " |",
        "|---|---:" + "|---:" * (len(names) + len(remotes)) + "|",
    ]
    for name in queries:
        cells = [cell(b.service.latency.get(name)) for b in measured.backends]
        shares = [times(ratio(p50(b.service, name), p50(embedded.service, name))) for b in remotes]
        lines.append(
            f"| {name} | {row_count(measured.backends, name)} | " + " | ".join(cells + shares) + " |"
        )
    lines += [
        "",
        "Straight to the engine (the same text, no service in between), p50 / p95 in ms, and our proxy's "
        "overhead: the p50 through our service ÷ the p50 straight to the engine:",
        "",
        f"| query | {' | '.join(b.engine for b in measured.backends)} | "
        + " | ".join(f"{b.name}: service ÷ engine" for b in measured.backends)
        + " |",
        "|---" + "|---:" * (2 * len(names)) + "|",
    ]
    for name in queries:
        cells = [cell(b.direct.latency.get(name)) for b in measured.backends]
        shares = [times(ratio(p50(b.service, name), p50(b.direct, name))) for b in measured.backends]
        lines.append(f"| {name} | " + " | ".join(cells + shares) + " |")
    return lines + [""]


def operation_lines(measured: Measured, embedded: Backend, queries: list[str]) -> list[str]:
    remotes = [b for b in measured.backends if b is not embedded]
    operations = [n for n in dict.fromkeys(n for b in measured.backends for n in b.service.latency)]
    lines = [
        "Our own operations through the service, p50 / p95 in ms (each write of a new record; the SPARQL "
        "update with the admin token), and the p50 ÷ the embedded store's:",
        "",
        f"| operation | {' | '.join(b.name for b in measured.backends)} | "
        + " | ".join(f"{b.name} ÷ embedded" for b in remotes)
        + " |",
        "|---" + "|---:" * (len(measured.backends) + len(remotes)) + "|",
    ]
    for name in (n for n in operations if n not in queries):
        cells = [cell(b.service.latency.get(name) or Timing()) for b in measured.backends]
        shares = [times(ratio(p50(b.service, name), p50(embedded.service, name))) for b in remotes]
        lines.append(f"| {name} | " + " | ".join(cells + shares) + " |")
    lines += [
        "",
        "| back-end | service start-up (s) | service's peak memory, all its processes (MiB) "
        "| engine's peak memory while serving (MiB) | wrk, 8 connections (req/s) "
        "| wrk, 32 connections (req/s) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for b in measured.backends:
        startup = f"{b.service.startup:.2f}" if b.service.startup is not None else "–"
        engine = "(in the service)" if b is embedded else mib(b.engine_rss_serving)
        rates = [f"{b.service.throughput[c]:,.0f}" if b.service.throughput.get(c) else "–" for c in (8, 32)]
        lines.append(
            f"| {b.name} | {startup} | {mib(b.service.peak_rss)} | {engine} | {rates[0]} | {rates[1]} |"
        )
    return lines + [""]


def problems(measured: Measured) -> list[str]:
    """Every failure and skip of the run, once each."""
    found: list[str] = []
    for b in measured.backends:
        found += [f"{b.name}: {note}" for note in b.notes]
        for what, step in (("`qcollab build`", b.build), ("`qcollab load`", b.load), ("`export`", b.export)):
            found += [f"{b.name}, {what}: {step.error}"] if step.error else []
        for where, run in (("service", b.service), ("engine", b.direct)):
            found += [f"{b.name} ({where}): {run.note}"] if run.note else []
            found += [f"{b.name} ({where}), wrk: {run.throughput_note}"] if run.throughput_note else []
            found += [f"{b.name} ({where}), {n}: {t.note}" for n, t in run.latency.items() if t.note]
    return [f"- {line}" for line in dict.fromkeys(found)] or ["- nothing: every back-end answered everything"]


def section(measured: Measured, queries: list[str], notes: list[str]) -> list[str]:
    embedded = measured.backends[0]
    profile = measured.profile
    lines = [
        HEADING,
        "",
        f"Measured by `make bench-remote` (tests/benchmarks/bench_remote.py) on {measured.machine}; "
        f"it took {measured.minutes:.0f} min (1-minute load average {measured.load_average[0]:.1f} at the "
        f"start, {measured.load_average[1]:.1f} at the end). {measured.versions}.",
        "",
        f"- Data: the benchmark's synthetic graph of {measured.size:,} triples (synthetic.py, seed 1):",
        f"  {measured.quads:,} quads in {measured.documents:,} document graphs, in N-Quads. Each back-end",
        "  starts empty and is filled as a user would: `qcollab build` of seeds/, then `qcollab load FILE",
        "  --no-validate` (embedded: into data/store; remote: over QCOLLAB_STORE=sparql, Graph Store",
        "  `POST`s of 10 000 quads, the inferences then worked out by the engine). One back-end at a",
        "  time, each stopped before the next.",
        "- Queries: the mix of `make bench` (bench_scale.py), by GET on one keep-alive connection, light",
        f"  ones {profile.light} times, heavy ones up to {profile.heavy} times or {profile.budget:g} s, "
        "after one untimed run that counts",
        "  the rows: first straight to the engine's own endpoint (embedded: pyoxigraph in the benchmark",
        "  process on the same store files, no HTTP), then through our service (`qcollab serve`, its",
        "  defaults).",
        f"- Writes: up to {profile.writes} times or {profile.write_budget:g} s each; `/lookup` and "
        f"`/validate` {profile.light // 2} times. wrk: the exact-label query, {profile.wrk_seconds:g} s.",
        "- Memory: the resident memory summed over a process tree, sampled every 0.25 s from start to stop.",
        *notes,
        "",
        "### Load",
        "",
        *load_lines(measured, embedded),
        "### Queries",
        "",
        *query_lines(measured, embedded, queries),
        "### Writes, lookup, start-up and memory",
        "",
        *operation_lines(measured, embedded, queries),
        "### Failures and gaps",
        "",
        *problems(measured),
        "",
    ]
    return lines
