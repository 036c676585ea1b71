"""Our service under measure, for bench_scale.py and bench_remote.py: its settings, the query mix over HTTP
(ours or any SPARQL endpoint's), throughput with wrk, and one `qcollab serve` measured from start to stop."""

from __future__ import annotations

import itertools
from pathlib import Path

from scale_data import QCOLLAB, environment, log
from scale_mix import SELECT_JSON, Query, rows, service_requests
from scale_results import Profile, Run
from scale_servers import Timing, call, get, measure, serving, wrk

ADMIN_TOKEN = "bench-admin-token"


def http_mix(
    run: Run,
    port: int,
    path: str,
    queries: list[Query],
    profile: Profile,
    params: dict[str, str] | None = None,
) -> None:
    """Rows (checked first), then median and p95 of each query on one keep-alive connection; `params` are
    sent with each query (e.g. Oxigraph's union-default-graph)."""
    for query in queries:
        request = get(path, {"query": query.text, **(params or {})}, query.accept)
        status, body = call(port, request, timeout=900)
        if status != 200:
            run.rows[query.name] = -1
            run.latency[query.name] = Timing(
                errors=1, note=f"{status}: {body[:160].decode(errors='replace')}"
            )
            continue
        run.rows[query.name] = rows(body, query.accept)
        count = profile.light if query.light else profile.heavy
        run.latency[query.name] = measure(
            port,
            itertools.repeat(request),
            count,
            profile.budget,
            warm_up=5 if query.light else 0,
            timeout=900,
        )


def throughput(run: Run, port: int, path: str, query: Query, profile: Profile) -> None:
    for connections in (8, 32):
        rate, note = wrk(
            port, get(path, {"query": query.text}, query.accept), connections, profile.wrk_seconds
        )
        run.throughput[connections] = rate
        if note:
            run.throughput_note = "; ".join(
                filter(None, [run.throughput_note, f"{connections} connections: {note}"])
            )


def service_env(data: Path, port: int, **settings: str) -> dict[str, str]:
    """The settings of `qcollab serve` on `port` over the data folder `data`, plus `settings`."""
    return environment(
        QCOLLAB_DATA_DIR=str(data),
        QCOLLAB_HOST="127.0.0.1",
        QCOLLAB_PORT=str(port),
        QCOLLAB_ADMIN_TOKEN=ADMIN_TOKEN,
        QCOLLAB_PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        QCOLLAB_QUERY_TIMEOUT_SECONDS="900",
        QCOLLAB_MAX_QUEUED_PER_CLIENT="64",  # wrk's 32 connections come from one address (default cap: 16)
        **settings,
    )


def serve_and_measure(
    run: Run,
    env: dict[str, str],
    log_file: Path,
    tag: str,
    profile: Profile,
    queries: list[Query],
    writes_only: bool = False,
) -> None:
    """Start `qcollab serve` with `env`, measure the mix, our own operations, throughput and the writes (each
    of a new record, named after `tag`), and stop it."""
    port = int(env["QCOLLAB_PORT"])
    probe = get("/sparql", {"query": queries[0].text}, SELECT_JSON)
    with serving([QCOLLAB, "serve"], port, probe, log_file, env) as server:
        run.startup = server.startup
        if not writes_only:
            http_mix(run, port, "/sparql", queries, profile)
        operations = service_requests(ADMIN_TOKEN, tag)
        for name, requests in operations.items():
            if name.startswith("/"):
                run.latency[name] = measure(port, requests, profile.light // 2, profile.budget, timeout=300)
        if not writes_only:
            throughput(run, port, "/sparql", queries[0], profile)
        for name, requests in operations.items():
            if not name.startswith("/"):
                run.latency[name] = measure(port, requests, profile.writes, profile.write_budget, timeout=300)
        log(f"{tag}: {run.name} measured, stopping it")
    run.peak_rss = server.sampler.peak
