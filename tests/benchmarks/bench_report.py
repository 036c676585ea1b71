"""docs/benchmarks.md: each benchmark script puts its own section in place."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path


def write_section(path: Path, lines: list[str]) -> None:
    """Put the section (its first line is its `## ` heading) in place of an earlier one, or at the end."""
    heading = lines[0]
    existing = path.read_text().splitlines() if path.exists() else ["# Benchmarks"]
    if heading in existing:
        start = existing.index(heading)
        end = next(
            (i for i in range(start + 1, len(existing)) if existing[i].startswith("## ")), len(existing)
        )
    else:
        start = end = len(existing)
        lines = ["", *lines]
    merged = existing[:start] + lines + existing[end:]
    path.write_text("\n".join(merged).rstrip("\n") + "\n")


def run_in_scratch(measure: Callable[[Path], list[str]], name: str, output: Path) -> None:
    """Measure in a temporary folder, put the section it returns in `output` and print it."""
    with tempfile.TemporaryDirectory(prefix=f"qcollab-bench-{name}-") as workdir:
        section = measure(Path(workdir))
    write_section(output, section)
    print("\n".join(section))
