"""`make bench` (part): a build of 200 documents of 1,000 words, timed end to end, with words per second.

The documents are made from the corpus's dev split (sentences in a shuffled order, so no two documents
are the same text); the build runs through `qcollab build` as a user would run it (extraction, SHACL,
store, inferences). Appends its section to docs/benchmarks.md.
"""

from __future__ import annotations

import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench_report import write_section  # this folder, on sys.path when run as a script

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = int(os.environ.get("QCOLLAB_BENCH_DOCUMENTS", "200"))
WORDS = 1000
TARGET_SECONDS = 120


def sentences() -> list[str]:
    """The prose sentences of the dev corpus (headings and list markers dropped)."""
    found: list[str] = []
    for path in sorted((ROOT / "tests" / "corpus" / "dev").glob("*.md")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.lstrip().startswith(("#", "|", "*", "-")):
                found += [s for s in re.split(r"(?<=[.!?])\s+", line.strip()) if len(s.split()) > 4]
    return found


def corpus(folder: Path) -> int:
    """Write the documents; the number of words written."""
    pool, rng, total = sentences(), random.Random(7), 0
    for number in range(DOCUMENTS):
        rng.shuffle(pool)
        chosen, words = [], 0
        for sentence in pool:
            if words >= WORDS:
                break
            chosen.append(sentence)
            words += len(sentence.split())
        paragraphs = [" ".join(chosen[i : i + 5]) for i in range(0, len(chosen), 5)]
        (folder / f"report-{number:03}.md").write_text(
            f"# Quantum cooperation report {number}\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8"
        )
        total += words
    return total


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        seeds = Path(work) / "seeds"
        seeds.mkdir()
        words = corpus(seeds)
        env = {**os.environ, "QCOLLAB_SEEDS_DIR": str(seeds), "QCOLLAB_DATA_DIR": str(Path(work) / "data")}
        qcollab = Path(sys.executable).parent / "qcollab"
        started = time.perf_counter()
        done = subprocess.run([qcollab, "build"], env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            sys.exit(f"qcollab build failed:\n{done.stderr[-3000:]}")
    verdict = "within" if seconds < TARGET_SECONDS else "OVER"
    lines = [
        f"## Building a corpus of {DOCUMENTS} documents of {WORDS:,} words",
        "",
        f"Run by `make bench` (tests/benchmarks/bench_extraction.py) on {datetime.now(UTC):%Y-%m-%d %H:%M} "
        f"UTC; {platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}.",
        "",
        "| documents | words | `qcollab build` | words/s | target |",
        "|---:|---:|---:|---:|---|",
        f"| {DOCUMENTS} | {words:,} | {seconds:.1f} s | {words / seconds:,.0f} "
        f"| {verdict} {TARGET_SECONDS} s |",
        "",
    ]
    write_section(ROOT / "docs" / "benchmarks.md", lines)  # in place of the last run's section
    print("\n".join(lines))


if __name__ == "__main__":
    main()
