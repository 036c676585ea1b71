"""`make bench` (last part): the store at scale (issue 9), on a synthetic collaboration graph.

For each size (100k, 1M and 10M triples; `--quick`: 100k) it generates the graph (synthetic.py), loads it next
to the graph built from seeds/ with `qcollab load` (and with `oxigraph load` for the peers), then measures,
one server at a time on the same data: our service (`qcollab serve`) in disk and in memory mode
(QCOLLAB_STORE_MODE), the Oxigraph server (`oxigraph serve-read-only --union-default-graph`) and pyoxigraph in
this process (the engine's limit, on the Oxigraph server's files and in memory). A piece of issue 9 that is
not in the checkout yet is reported as "n/a (not available)". Writes "## The store at scale" into
docs/benchmarks.md (keeping the other sections); run it after bench_store.py, which rewrites the file.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(Path(__file__).resolve().parent)]

from bench_report import write_section  # noqa: E402
from bench_store import machine  # noqa: E402
from linking_support import oxigraph_binary  # noqa: E402
from live_server import free_port  # noqa: E402
from scale_data import QCOLLAB, environment, features, log, prepare  # noqa: E402
from scale_mix import N_TRIPLES, SELECT_JSON, Query, insert_data, mix, rows  # noqa: E402
from scale_report import section  # noqa: E402
from scale_results import Profile, Run, SizeResult  # noqa: E402
from scale_servers import Timing, get, rss_bytes, serving  # noqa: E402
from scale_service import http_mix, serve_and_measure, service_env, throughput  # noqa: E402
from synthetic import parse_size  # noqa: E402

OUTPUT = ROOT / "docs" / "benchmarks.md"
MEMORY_LIMIT = 1_000_000  # above: memory mode and in-memory pyoxigraph are skipped (a copy per worker)
REFERENCE_SIZE = 10_000  # a single-record write is compared with the same write at this size
QUICK = Profile((100_000,), light=100, heavy=20, budget=6, wrk_seconds=5, writes=10, write_budget=30)
FULL = Profile(
    (100_000, 1_000_000, 10_000_000),
    light=200,
    heavy=50,
    budget=20,
    wrk_seconds=10,
    writes=20,
    write_budget=90,
)


def run_ours(
    result: SizeResult,
    mode: str,
    found: dict[str, str],
    profile: Profile,
    queries: list[Query],
    writes_only: bool = False,
) -> Run:
    run = Run(f"qcollab {mode}")
    if found["store_mode"] and mode == "disk":
        run.note = found["store_mode"]
        return run
    if found["store_mode"]:
        run.note = "without QCOLLAB_STORE_MODE: today's in-memory copies"
    if mode == "memory" and result.size > MEMORY_LIMIT:
        run.note = "skipped: every query worker would hold a copy of the store (it would not fit)"
        return run
    data = result.folder / f"run-{mode}"
    shutil.copytree(result.folder / "ours", data, ignore=shutil.ignore_patterns("store", "store.*"))
    ox.Store.read_only(str(result.folder / "ours" / "store")).backup(str(data / "store"))
    env = service_env(data, free_port(), **({} if found["store_mode"] else {"QCOLLAB_STORE_MODE": mode}))
    log_file = result.folder / f"serve-{mode}.log"
    serve_and_measure(run, env, log_file, f"{mode}-{result.size}", profile, queries, writes_only)
    shutil.rmtree(data, ignore_errors=True)
    return run


def run_oxigraph_server(result: SizeResult, profile: Profile, queries: list[Query]) -> Run:
    run, port = Run("Oxigraph server"), free_port()
    command = [
        oxigraph_binary(),
        "serve-read-only",
        "--location",
        str(result.folder / "oxigraph"),
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
    ]
    probe = get("/query", {"query": queries[0].text}, SELECT_JSON)
    with serving(command, port, probe, result.folder / "oxigraph.log") as server:
        run.startup = server.startup
        http_mix(run, port, "/query", queries, profile)
        throughput(run, port, "/query", queries[0], profile)
    run.peak_rss = server.sampler.peak
    return run


def timed(work: Callable[[int], object], count: int, budget: float, warm_up: int = 0) -> Timing:
    timing, spent = Timing(), 0.0
    for number in range(warm_up + count):
        if len(timing.samples) >= 3 and spent > budget:
            break
        started = time.perf_counter()
        work(number)
        elapsed = time.perf_counter() - started
        if number >= warm_up:
            spent += elapsed
            timing.samples.append(elapsed * 1000)
    return timing


def run_in_process(result: SizeResult, memory: bool, profile: Profile, queries: list[Query]) -> Run:
    """pyoxigraph in this process: the query evaluated and its results serialized as a server would."""
    run = Run("pyoxigraph in memory" if memory else "pyoxigraph on disk")
    if memory and result.size > MEMORY_LIMIT:
        run.note = "skipped at this size (memory)"
        return run
    before, started = rss_bytes(os.getpid()), time.perf_counter()
    if memory:
        store = ox.Store()
        store.bulk_load(path=str(result.folder / "synthetic.nq"), format=ox.RdfFormat.N_QUADS)
        result.load["pyoxigraph bulk_load, in memory"] = time.perf_counter() - started
        store.bulk_load(path=str(result.folder / "extra.nq"), format=ox.RdfFormat.N_QUADS)
    else:
        store = ox.Store.read_only(str(result.folder / "oxigraph"))
    in_process_mix(run, store, queries, profile, started)
    if memory:
        run.peak_rss = rss_bytes(os.getpid()) - before
        run.latency["SPARQL INSERT DATA (7 triples)"] = timed(
            lambda n: store.update(insert_data(f"bench-in-process-institute-{n}")),
            profile.writes,
            profile.budget,
        )
    return run


def in_process_mix(run: Run, store: ox.Store, queries: list[Query], profile: Profile, started: float) -> None:
    for query in queries:
        fmt = ox.RdfFormat.N_TRIPLES if query.accept == N_TRIPLES else ox.QueryResultsFormat.JSON

        def once(_: int, text: str = query.text, fmt: ox.RdfFormat | ox.QueryResultsFormat = fmt) -> bytes:
            return store.query(text, use_default_graph_as_union=True).serialize(format=fmt)  # type: ignore[arg-type]

        run.rows[query.name] = rows(once(0), query.accept)
        run.startup = run.startup or time.perf_counter() - started
        count = profile.light if query.light else profile.heavy
        run.latency[query.name] = timed(once, count, profile.budget, warm_up=5 if query.light else 0)


def guarded(name: str, measure_it: Callable[[], Run]) -> Run:
    """A target that fails is reported as failed, and the others are still measured."""
    try:
        return measure_it()
    except (RuntimeError, OSError, ValueError, KeyError, subprocess.CalledProcessError) as error:
        log(f"{name} failed: {error}")
        last = str(error).strip().splitlines()[-1][:200] if str(error).strip() else repr(error)
        return Run(name, note=f"failed: {last}")


def measure_size(
    size: int, workdir: Path, seeds: Path, found: dict[str, str], profile: Profile
) -> SizeResult:
    result = prepare(size, workdir / f"size-{size}", seeds, found)
    queries = mix(result.summary.probes)
    for mode in ("disk", "memory"):
        result.runs[f"qcollab {mode}"] = guarded(
            f"qcollab {mode}", lambda m=mode: run_ours(result, m, found, profile, queries)
        )
    result.runs["Oxigraph server"] = guarded(
        "Oxigraph server", lambda: run_oxigraph_server(result, profile, queries)
    )
    for memory in (False, True):
        run = guarded("pyoxigraph", lambda m=memory: run_in_process(result, m, profile, queries))
        result.runs[run.name] = run
        gc.collect()
    log(f"{size:,}: done")
    return result


def reference(workdir: Path, seeds: Path, found: dict[str, str], profile: Profile) -> SizeResult:
    """Our lookup, validation and writes at REFERENCE_SIZE, the yardstick of the write targets."""
    result = prepare(REFERENCE_SIZE, workdir / "reference", seeds, found, peers=False)
    queries = mix(result.summary.probes)
    for mode in ("disk", "memory"):
        result.runs[f"qcollab {mode}"] = guarded(
            f"qcollab {mode}", lambda m=mode: run_ours(result, m, found, profile, queries, writes_only=True)
        )
    return result


def done(folder: Path, logs: Path | None) -> None:
    """Remove a size's data (gigabytes at 10M), keeping its logs in `logs` if asked."""
    if logs:
        (logs / folder.name).mkdir(parents=True, exist_ok=True)
        for log_file in folder.glob("*.log"):
            shutil.copy2(log_file, logs / folder.name / log_file.name)
    shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100k triples only, shorter series (minutes)")
    parser.add_argument("--sizes", help="comma-separated sizes instead (e.g. 20k,50k), to try the harness")
    parser.add_argument("--no-write", action="store_true", help="print the section only")
    parser.add_argument("--logs", type=Path, help="keep the servers' and loaders' logs in this folder")
    args = parser.parse_args()
    profile = QUICK if args.quick else FULL
    if args.sizes:
        profile = profile.with_sizes(tuple(parse_size(s) for s in args.sizes.split(",")))
    found = features()
    started, load_at_start = time.perf_counter(), os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="qcollab-bench-scale-") as tmp:
        workdir = Path(tmp)
        seeds = workdir / "seeds-data"
        subprocess.run(
            [QCOLLAB, "build"],
            env=environment(QCOLLAB_DATA_DIR=str(seeds)),
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        yardstick = reference(workdir, seeds, found, profile)
        done(yardstick.folder, args.logs)
        results = []
        for size in profile.sizes:
            results.append(measure_size(size, workdir, seeds, found, profile))
            done(results[-1].folder, args.logs)
    seconds, load_average = time.perf_counter() - started, (load_at_start, os.getloadavg()[0])
    lines = section(results, yardstick, found, profile, machine(), seconds, load_average)
    print("\n".join(lines))
    if not args.no_write:
        write_section(OUTPUT, lines)


if __name__ == "__main__":
    main()
