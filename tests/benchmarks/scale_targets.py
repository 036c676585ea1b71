"""The targets of issue 9 against what bench_scale.py measured: one row (target, size, measured, result) each.

A target set for a size that was not run (10M in a `--quick` run) is judged at the largest size run, and
the row says so.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator

from scale_results import GIB, OURS, SizeResult, ms, p50, ratio, times

Row = tuple[str, str, str, str]
VALIDATE, LOOKUP = "/validate (an 18-triple record)", "/lookup?q=japan"


def pick(results: list[SizeResult], wanted: int) -> tuple[SizeResult | None, str]:
    """The result at `wanted` triples or, when that size was not run, the largest one run."""
    exact = [r for r in results if r.size == wanted]
    if exact:
        return exact[0], f"{wanted:,}"
    if not results:
        return None, ""
    largest = max(results, key=lambda r: r.size)
    return largest, f"{largest.size:,} (the target is for {wanted:,})"


def below(value: float | None, limit: float) -> str:
    if value is None:
        return "n/a"
    return "pass" if value < limit else f"miss ({value / limit:.1f}x the limit)"


def at_least(value: float | None, limit: float) -> str:
    if value is None:
        return "n/a"
    return "pass" if value >= limit else f"miss ({value / limit:.0%} of the target)"


def heavy_ratio(result: SizeResult, ours: str, peer: str) -> tuple[float | None, str]:
    """The worst p50 ratio over the heavy queries (the two light ones come first), and the median."""
    shares = [
        ratio(p50(result.run(ours), n), p50(result.run(peer), n)) for n in list(result.run(peer).rows)[2:]
    ]
    found = [s for s in shares if s is not None]
    if not found:
        return None, result.run(ours).note or result.run(peer).note or "not measured"
    return max(found), f"worst {max(found):.2f}x, median {statistics.median(found):.2f}x"


def p95(result: SizeResult, mode: str, name: str) -> float | None:
    timing = result.run(mode).latency.get(name)
    return timing.p95 if timing and timing.samples else None


def at_largest(results: list[SizeResult]) -> Iterator[Row]:
    big, where = pick(results, 10_000_000)
    if big is None:
        return
    disk = big.run("qcollab disk")
    rss = disk.peak_rss / GIB if disk.peak_rss else None
    yield "disk mode: resident memory under 1.5 GiB", where, f"{rss:.2f} GiB" if rss else "–", below(rss, 1.5)
    startup = f"{disk.startup:.2f} s" if disk.startup is not None else "–"
    yield "disk mode: start-up under 5 s", where, startup, below(disk.startup, 5)
    worst, text = heavy_ratio(big, "qcollab disk", "Oxigraph server")
    slower = "n/a" if worst is None else "pass" if worst <= 1 else f"miss ({worst:.1f}x)"
    yield "disk mode: heavy queries no slower than the Oxigraph server", where, text, slower


def at_every_size(result: SizeResult) -> Iterator[Row]:
    size, server = f"{result.size:,}", result.run("Oxigraph server")
    for mode in OURS:
        run = result.run(mode)
        light = [ratio(p50(run, n), p50(server, n)) for n in list(server.rows)[:2]]
        worst = max((s for s in light if s is not None), default=None)
        yield (
            f"{mode}: light queries' p50 within 1.5x of the Oxigraph server",
            size,
            times(worst),
            below(worst, 1.5),
        )
        shares = [ratio(run.throughput.get(c), server.throughput.get(c)) for c in (8, 32)]
        low = min((s for s in shares if s is not None), default=None)
        yield (
            f"{mode}: wrk throughput at least 70% of the Oxigraph server's",
            size,
            f"8 conn.: {times(shares[0])}, 32 conn.: {times(shares[1])}",
            at_least(low, 0.7),
        )
        checked = p95(result, mode, VALIDATE)
        yield f"{mode}: `/validate` p95 under 50 ms", size, f"{ms(checked)} ms", below(checked, 50)
    load = ratio(result.load.get("oxigraph load"), result.load.get("qcollab load"))
    yield "bulk load: at least 80% of `oxigraph load`'s triples/s", size, times(load), at_least(load, 0.8)


def at_one_million(results: list[SizeResult], yardstick: SizeResult) -> Iterator[Row]:
    mid, where = pick(results, 1_000_000)
    if mid is None:
        return
    worst, text = heavy_ratio(mid, "qcollab memory", "pyoxigraph in memory")
    yield "memory mode: heavy queries within 1.5x of pyoxigraph in memory", where, text, below(worst, 1.5)
    for mode in OURS:
        for name in (n for n in mid.run(mode).latency if "INSERT" in n or "records" in n):
            now, before = p50(mid.run(mode), name), p50(yardstick.run(mode), name)
            yield f"{mode}: {name}, p50 under 50 ms", where, f"{ms(now)} ms", below(now, 50)
            grown = ratio(now, before)
            yield (
                f"{mode}: {name}, p50 within 2x of the same write at {yardstick.size:,}",
                where,
                f"{times(grown)} ({ms(before)} ms at {yardstick.size:,})",
                "n/a" if grown is None else "pass" if grown <= 2 else f"miss ({grown / 2:.1f}x the limit)",
            )
        found = p95(mid, mode, LOOKUP)
        yield f"{mode}: `/lookup` p95 under 20 ms", where, f"{ms(found)} ms", below(found, 20)


def targets(results: list[SizeResult], yardstick: SizeResult) -> Iterator[Row]:
    yield from at_largest(results)
    yield from at_one_million(results, yardstick)
    for result in results:
        yield from at_every_size(result)
