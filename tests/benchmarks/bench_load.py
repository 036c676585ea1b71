"""`make bench`, the bounded load of issue 10 timed: 32 clients for 60 s of mixed reads and writes.

Builds the graph from seeds/ into a temporary folder, serves it with our service (default settings: two
general query workers and one light) and runs tests/load_scenario.py against it, which the CI test
tests/load/test_load_bounded.py runs too for what is answered. Here the latencies count: the light
queries' p99 is compared with the 100 ms target. Appends (or replaces) its section of docs/benchmarks.md.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from bench_report import run_in_scratch  # noqa: E402
from bench_store import machine  # noqa: E402
from live_server import running_server  # noqa: E402
from load_scenario import CLIENTS, DURATION_SECONDS, LIGHT_P99_SECONDS, run_load, summary  # noqa: E402
from traffic_support import percentile  # noqa: E402

from kg.pipeline.build import build  # noqa: E402
from kg.settings import Settings  # noqa: E402

HEADING = "## Bounded load: 32 clients, mixed reads and writes"
OUTPUT = ROOT / "docs" / "benchmarks.md"


def measure(workdir: Path) -> list[str]:
    """Build, serve, run the load; the lines of the section."""
    built = workdir / "built"
    build(Settings(data_dir=built), force=True)
    with running_server(built, workdir / "ours") as live:
        tallies, seconds = run_load(live)
    p99 = percentile(tallies["light"].seconds, 0.99)
    verdict = "met" if p99 < LIGHT_P99_SECONDS else "missed"
    return [
        HEADING,
        "",
        f"Run by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Machine: {machine()}.",
        "",
        f"{CLIENTS} clients, each from its own loopback address, for {DURATION_SECONDS:.0f} s against the",
        "graph built from seeds/ (tests/load_scenario.py; the client runs on the same machine):",
        "",
        "```",
        summary(tallies, seconds),
        "```",
        "",
        f"Light-query p99: {p99 * 1000:.1f} ms, target under {LIGHT_P99_SECONDS * 1000:.0f} ms: {verdict}.",
    ]


if __name__ == "__main__":
    run_in_scratch(measure, "load", OUTPUT)
