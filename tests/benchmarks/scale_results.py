"""What bench_scale.py measures, per size and target, and the few helpers the report and the targets share."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from scale_servers import Timing
from synthetic import Summary

NA = "n/a (not available)"
OURS = ("qcollab disk", "qcollab memory")
PEERS = ("Oxigraph server", "pyoxigraph on disk", "pyoxigraph in memory")
GIB = 1024**3


@dataclass(frozen=True)
class Profile:
    """How long each series runs: counts of requests and the time budget of a series, in seconds."""

    sizes: tuple[int, ...]
    light: int
    heavy: int
    budget: float
    wrk_seconds: float
    writes: int
    write_budget: float

    def with_sizes(self, sizes: tuple[int, ...]) -> Profile:
        return dataclasses.replace(self, sizes=sizes)


@dataclass
class Run:
    """What one target measured at one size; `note` says why it was not measured."""

    name: str
    note: str = ""
    startup: float | None = None
    peak_rss: int | None = None
    rows: dict[str, int] = field(default_factory=dict)
    latency: dict[str, Timing] = field(default_factory=dict)
    throughput: dict[int, float | None] = field(default_factory=dict)
    throughput_note: str = ""


@dataclass
class SizeResult:
    size: int
    summary: Summary
    folder: Path
    quads: int = 0  # all quads in our store: the synthetic ones, the seed graph, the ontology, inferences
    generated: float = 0.0
    load: dict[str, float | None] = field(default_factory=dict)  # seconds, per loader
    load_notes: dict[str, str] = field(default_factory=dict)
    load_account: str = ""  # what `qcollab load` reports of itself
    load_peak_rss: int = 0  # bytes: the resident memory of `qcollab load`'s process tree at its peak
    runs: dict[str, Run] = field(default_factory=dict)

    def run(self, name: str) -> Run:
        return self.runs.get(name) or Run(name, note="not run")


def ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 1000 else f"{value:,.0f}"


def ratio(top: float | None, bottom: float | None) -> float | None:
    return top / bottom if top is not None and bottom else None


def times(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}x"


def p50(run: Run, name: str) -> float | None:
    timing = run.latency.get(name)
    return timing.p50 if timing else None
