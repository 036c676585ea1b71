"""`make bench-remote`: the embedded store against each remote engine (issue 12), on bench_scale.py's graph.

One back-end at a time on the same generated graph (default 1M triples; `--quick`: 100k): the embedded store
(`qcollab serve` in disk mode, as bench_scale.py runs it), then each engine of tests/remote_engines.py
(the Oxigraph server, Virtuoso, Jena ARQ + TDB2), started new and empty on loopback. Each is filled as a user
would (`qcollab build` of seeds/, then `qcollab load FILE`), then measured: the query mix through our service
and straight to the engine, our writes and `/lookup`, start-up and memory. Writes "## Embedded and remote
stores" into docs/scale-out.md (keeping the other sections). A back-end that fails is reported, not fatal.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(Path(__file__).resolve().parent)]

from bench_report import write_section  # noqa: E402
from bench_scale import in_process_mix, run_ours  # noqa: E402
from live_server import free_port  # noqa: E402
from remote_engines import ENGINES, Engine, empty_engine  # noqa: E402
from remote_report import Backend, Measured, Step, machine, section, versions  # noqa: E402
from scale_data import QCOLLAB, environment, features, log, own_account, prepare  # noqa: E402
from scale_mix import SELECT_JSON, Query, mix  # noqa: E402
from scale_results import Profile, Run, SizeResult  # noqa: E402
from scale_servers import MemorySampler, call, get, run_sampled  # noqa: E402
from scale_service import http_mix, serve_and_measure, service_env  # noqa: E402
from synthetic import parse_size  # noqa: E402

OUTPUT = ROOT / "docs" / "scale-out.md"
QUICK = Profile((100_000,), light=100, heavy=20, budget=6, wrk_seconds=5, writes=10, write_budget=30)
FULL = Profile((1_000_000,), light=200, heavy=30, budget=15, wrk_seconds=5, writes=20, write_budget=60)
NAMES = {"oxigraph": "Oxigraph server", "virtuoso": "Virtuoso", "jena": "Jena"}
ENDPOINTS = {"oxigraph": "Oxigraph `/query`", "virtuoso": "Virtuoso `/sparql`", "jena": "Jena `/ds/query`"}
DIRECT_PARAMS = {"oxigraph": {"union-default-graph": ""}}  # as QCOLLAB_SPARQL_UNION_REQUEST=oxigraph asks
# the tests' virtuoso.ini keeps 80 MB of buffers and stops a query after 60 s; Virtuoso's figures for 2 GB
VIRTUOSO_TUNING = {"NumberOfBuffers": "170000", "MaxDirtyBuffers": "130000", "MaxQueryExecutionTime": "900"}
# the JDK's HTTP server behind the Jena stand-in answers in small writes: without TCP_NODELAY each answer on a
# kept-alive connection waits for the client's delayed ACK (~40 ms); Fuseki's Jetty sets it
JENA_ENVIRONMENT = {
    "JAVA_TOOL_OPTIONS": "-Dsun.net.httpserver.nodelay=true",
    "QCOLLAB_TEST_JENA_HEAP": "2g",  # 512 MB (the tests') ran out at 1M triples; fuseki-server gives 4 GB
}
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
ENGINE_NOTES = [
    "- Engines: `oxigraph serve` (read-write; a union query is asked with its `union-default-graph`",
    "  parameter, QCOLLAB_SPARQL_UNION_REQUEST=oxigraph); Virtuoso with the tests' virtuoso.ini",
    "  (tests/virtuoso_server.py) but NumberOfBuffers 170 000, MaxDirtyBuffers 130 000 (Virtuoso's",
    "  figures for 2 GB) and MaxQueryExecutionTime 900 s; Jena ARQ over TDB2 behind the tests' protocol",
    "  server (tests/jena_server.py, `-Xmx2g`, the union default graph), with",
    "  `-Dsun.net.httpserver.nodelay=true` (without it every answer on a kept-alive connection waited",
    "  ~40 ms for the client's delayed ACK; Fuseki's Jetty sets TCP_NODELAY). The service's settings are",
    "  those of tests/remote_engines.py, with QCOLLAB_SPARQL_TIMEOUT_SECONDS and",
    "  QCOLLAB_QUERY_TIMEOUT_SECONDS at 900.",
]


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:240] if lines else "(no output)"


def command(args: list[str], env: dict[str, str], log_file: Path, report: bool = False) -> Step:
    """One `qcollab` command as a user runs it, timed and its memory sampled; its output in `log_file`."""
    started = time.perf_counter()
    done, peak = run_sampled(args, env=env, cwd=ROOT)
    elapsed = time.perf_counter() - started
    log_file.write_text(done.stdout + done.stderr)
    if done.returncode != 0:
        return Step(peak_rss=peak, error=f"exit {done.returncode}: {last_line(done.stderr or done.stdout)}")
    return Step(elapsed, peak, own_account(done.stdout) if report else "")


def export(env: dict[str, str], folder: Path) -> Step:
    """`qcollab export --format nq` of the whole store into a file of `folder`, removed afterwards."""
    target = folder / "export.nq"
    step = command([QCOLLAB, "export", "--format", "nq", "-o", str(target)], env, folder / "export.log")
    target.unlink(missing_ok=True)
    return step


def embedded(
    result: SizeResult, build: Step, found: dict[str, str], profile: Profile, queries: list[Query]
) -> Backend:
    backend = Backend("embedded", "pyoxigraph, in process", build=build, quads=result.quads)
    failure = result.load_notes.get("qcollab load", "")
    backend.load = Step(result.load.get("qcollab load"), result.load_peak_rss, result.load_account, failure)
    backend.direct = Run("pyoxigraph on disk")
    in_process_mix(
        backend.direct, ox.Store.read_only(str(result.folder / "ours" / "store")), queries, profile, 0.0
    )
    backend.direct.startup = None
    backend.export = export(environment(QCOLLAB_DATA_DIR=str(result.folder / "ours")), result.folder)
    log("embedded: the engine measured in process, now `qcollab serve`")
    backend.service = run_ours(result, "disk", found, profile, queries)
    return backend


def remote_settings(engine: Engine) -> dict[str, str]:
    return {
        "QCOLLAB_STORE": "sparql",
        "QCOLLAB_SPARQL_QUERY_URL": engine.query_url,
        "QCOLLAB_SPARQL_UPDATE_URL": engine.update_url,
        "QCOLLAB_SPARQL_GSP_URL": engine.gsp_url,
        "QCOLLAB_SPARQL_TIMEOUT_SECONDS": "900",
        **engine.settings,
    }


def tune_virtuoso(engine: Engine) -> None:
    """Restart the new Virtuoso with VIRTUOSO_TUNING in its virtuoso.ini (on the same ports)."""
    server = engine.server
    ini = server.root / "virtuoso.ini"
    server.kill()
    text = ini.read_text()
    for key, value in VIRTUOSO_TUNING.items():
        text = re.sub(rf"^{key} = .*$", f"{key} = {value}", text, flags=re.MULTILINE)
    ini.write_text(text)
    server.start()


def count_quads(engine: Engine, name: str) -> int:
    url = urlsplit(engine.query_url)
    status, body = call(
        url.port or 80, get(url.path, {"query": COUNT, **DIRECT_PARAMS.get(name, {})}, SELECT_JSON)
    )
    if status != 200:
        raise RuntimeError(f"counting the quads: {status} {body[:200]!r}")
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def measure_remote(
    backend: Backend,
    name: str,
    engine: Engine,
    result: SizeResult,
    profile: Profile,
    queries: list[Query],
    root: Path,
) -> None:
    settings, data = remote_settings(engine), root / "data"
    env = environment(QCOLLAB_DATA_DIR=str(data), **settings)
    synthetic = str(result.folder / "synthetic.nq")
    with MemorySampler(engine.server.process.pid) as loading:
        log(f"{name}: `qcollab build` of the seeds")
        backend.build = command([QCOLLAB, "build"], env, root / "build.log")
        log(f"{name}: `qcollab load` of {result.summary.quads:,} quads")
        load = [QCOLLAB, "load", synthetic, "--no-validate", "--report", "json"]
        backend.load = command(load, env, root / "load.log", report=True)
    backend.engine_rss_load = loading.peak
    log(f"{name}: loaded in {backend.load.seconds or 0:.1f} s {backend.load.error}")
    backend.export = export(env, root)
    try:
        backend.quads = count_quads(engine, name)
    except (RuntimeError, OSError, ValueError, KeyError) as error:
        backend.notes.append(f"the quads could not be counted: {error}")
    with MemorySampler(engine.server.process.pid) as serving:
        backend.direct = Run(ENDPOINTS[name])
        url = urlsplit(engine.query_url)
        try:
            http_mix(backend.direct, url.port or 80, url.path, queries, profile, DIRECT_PARAMS.get(name))
        except (OSError, ValueError, KeyError) as error:
            backend.direct.note = f"failed: {last_line(str(error) or repr(error))}"
        log(f"{name}: the engine measured directly, now `qcollab serve` over it")
        backend.service = Run(f"qcollab serve over {name}")
        env = service_env(data, free_port(), **settings)
        try:
            serve_and_measure(
                backend.service, env, root / "serve.log", f"{name}-{result.size}", profile, queries
            )
        except (RuntimeError, OSError, ValueError, KeyError) as error:
            backend.service.note = f"failed: {last_line(str(error) or repr(error))}"
    backend.engine_rss_serving = serving.peak


@contextmanager
def environment_of_engines(**variables: str) -> Iterator[None]:
    """Environment variables for the engines started meanwhile (the Jena server's JVM), as they were
    afterwards."""
    before = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value


def run_remote(name: str, result: SizeResult, profile: Profile, queries: list[Query], root: Path) -> Backend:
    backend = Backend(NAMES[name], ENDPOINTS[name])
    started = time.perf_counter()
    try:
        with environment_of_engines(**JENA_ENVIRONMENT), empty_engine(name, root) as engine:
            if name == "virtuoso":
                tune_virtuoso(engine)
            measure_remote(backend, name, engine, result, profile, queries, root)
    except pytest.skip.Exception as skipped:  # the engine is not installed here
        backend.notes.append(f"not measured: {skipped}")
    except (RuntimeError, OSError, subprocess.SubprocessError) as error:
        backend.notes.append(f"failed: {last_line(str(error) or repr(error))}")
    log(f"{name}: done in {time.perf_counter() - started:.0f} s")
    return backend


def keep_logs(folder: Path, logs: Path | None) -> None:
    if logs:
        for log_file in (*folder.glob("*.log"), *folder.glob("*/*.log")):  # not the stores' own logs
            target = logs / log_file.relative_to(folder.parent)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(log_file, target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=parse_size, help="triples of the generated graph (default 1M)")
    parser.add_argument("--quick", action="store_true", help="100k triples, shorter series (minutes)")
    parser.add_argument(
        "--engines", default=",".join(ENGINES), help=f"remote engines, of {', '.join(ENGINES)}"
    )
    parser.add_argument("--no-write", action="store_true", help="print the section only")
    parser.add_argument("--logs", type=Path, help="keep the servers' and commands' logs in this folder")
    args = parser.parse_args()
    engines = [name.strip() for name in args.engines.split(",") if name.strip()]
    if unknown := [name for name in engines if name not in ENGINES]:
        parser.error(f"unknown engine(s) {', '.join(unknown)}: choose from {', '.join(ENGINES)}")
    profile = QUICK if args.quick else FULL
    size = args.size or profile.sizes[0]
    started, load_at_start = time.perf_counter(), os.getloadavg()[0]
    found = features()
    with tempfile.TemporaryDirectory(prefix="qcollab-bench-remote-") as tmp:
        workdir = Path(tmp)
        seeds = workdir / "seeds-data"
        warm_up = environment(QCOLLAB_DATA_DIR=str(workdir / "warm-up"))
        command([QCOLLAB, "build"], warm_up, workdir / "warm-up.log")  # the first pays for cold files
        build = command([QCOLLAB, "build"], environment(QCOLLAB_DATA_DIR=str(seeds)), workdir / "build.log")
        if build.error:
            raise SystemExit(f"`qcollab build` of the seeds failed: {build.error}")
        result = prepare(size, workdir / "graph", seeds, found, peers=False)
        queries = mix(result.summary.probes)
        backends = [embedded(result, build, found, profile, queries)]
        keep_logs(result.folder, args.logs)
        for name in engines:
            backends.append(run_remote(name, result, profile, queries, workdir / name))
            keep_logs(workdir / name, args.logs)
            shutil.rmtree(workdir / name, ignore_errors=True)
    measured = Measured(
        size,
        result.summary.quads,
        result.summary.documents,
        backends,
        machine(),
        versions(),
        profile,
        (time.perf_counter() - started) / 60,
        (load_at_start, os.getloadavg()[0]),
    )
    lines = section(measured, [query.name for query in queries], ENGINE_NOTES)
    print("\n".join(lines))
    if not args.no_write:
        write_section(OUTPUT, lines)


if __name__ == "__main__":
    main()
