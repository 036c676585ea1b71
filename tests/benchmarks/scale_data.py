"""The data of bench_scale.py: what of issue 9 the checkout has, and for one size the synthetic graph,
loaded for our service (next to the graph built from seeds/, with `qcollab load`) and for the Oxigraph
peers (`oxigraph load`, plus the quads our store holds besides, so that every target has the same data)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
from linking_support import oxigraph_binary
from scale_results import NA, SizeResult
from scale_servers import run_sampled
from synthetic import GRAPH_PREFIX
from synthetic import write as generate

from kg.settings import Settings

QCOLLAB = str(Path(sys.executable).with_name("qcollab"))


def log(message: str) -> None:
    print(f"[bench-scale {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def environment(**values: str) -> dict[str, str]:
    """This environment without any QCOLLAB_ setting of the caller's, plus `values`."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("QCOLLAB_")}, **values}


def features() -> dict[str, str]:
    """What of issue 9 this checkout has: '' when there, else what the report says instead."""
    help_text = subprocess.run(
        [QCOLLAB, "load", "--help"],
        capture_output=True,
        text=True,
        check=False,
        env=environment(COLUMNS="200"),
    )
    has_load = help_text.returncode == 0 and "--no-validate" in help_text.stdout
    return {
        "load": "" if has_load else f"{NA}: no `qcollab load ... --no-validate`",
        "store_mode": "" if "store_mode" in Settings.model_fields else f"{NA}: no QCOLLAB_STORE_MODE",
        "load --report json": "yes" if "--report" in help_text.stdout else "",
    }


def own_account(output: str) -> str:
    """What `qcollab load --report json` says of itself: its triples/s and the inferences it made."""
    try:
        report = json.loads(output[output.index("{") :])
        report.setdefault("quads", report.get("triples"))  # `qcollab load --report json` says "triples"
        return (
            f"{report['quads']:,} triples in {report['seconds']:.1f} s by its own clock "
            f"({report['per_second']:,.0f}/s), {report.get('inferred', 0):,} triples inferred"
        )
    except (ValueError, KeyError, TypeError):
        return ""


def export_extra(store_dir: Path, output: Path) -> int:
    """Write every quad outside the synthetic documents (seed graph, ontology, inferences) as N-Quads, for the
    peers; return the number of quads in the store."""
    store = ox.Store.read_only(str(store_dir))
    graphs = [g for g in store.named_graphs() if not g.value.startswith(GRAPH_PREFIX)] + [ox.DefaultGraph()]
    with output.open("wb") as out:
        for graph in graphs:
            ox.serialize(store.quads_for_pattern(None, None, None, graph), out, ox.RdfFormat.N_QUADS)
    return len(store)


def prepare(size: int, folder: Path, seeds: Path, found: dict[str, str], peers: bool = True) -> SizeResult:
    """Generate the graph, load it for us (next to the seed graph) and for the Oxigraph peers."""
    folder.mkdir(parents=True)
    synthetic = folder / "synthetic.nq"
    started = time.perf_counter()
    result = SizeResult(size, generate(synthetic, size), folder=folder)
    result.generated = time.perf_counter() - started
    log(f"{size:,}: generated {result.summary.quads:,} quads in {result.summary.documents:,} documents")
    ours = folder / "ours"
    shutil.copytree(seeds, ours)
    failure = ""
    if not found["load"]:
        started = time.perf_counter()
        done, result.load_peak_rss = run_sampled(
            [
                QCOLLAB,
                "load",
                str(synthetic),
                "--no-validate",
                *(["--report", "json"] if found["load --report json"] else []),
            ],
            env=environment(QCOLLAB_DATA_DIR=str(ours)),
            cwd=folder,
        )
        (folder / "qcollab-load.log").write_text(done.stdout + done.stderr)
        if done.returncode == 0:
            result.load["qcollab load"] = time.perf_counter() - started
            result.load_account = own_account(done.stdout)
        else:
            failure = f"failed ({done.returncode}): {(done.stderr or done.stdout).strip()[-300:]}"
    if found["load"] or failure:
        result.load_notes["qcollab load"] = (failure or found["load"]) + "; loaded with pyoxigraph bulk_load"
        store = ox.Store(str(ours / "store"))
        store.bulk_load(path=str(synthetic), format=ox.RdfFormat.N_QUADS)
        store.optimize()
        del store
    result.quads = export_extra(ours / "store", folder / "extra.nq")
    if peers:
        location, binary = folder / "oxigraph", oxigraph_binary()
        started = time.perf_counter()
        subprocess.run(
            [binary, "load", "--location", str(location), "--file", str(synthetic)],
            check=True,
            capture_output=True,
        )
        result.load["oxigraph load"] = time.perf_counter() - started
        subprocess.run(
            [binary, "load", "--location", str(location), "--file", str(folder / "extra.nq")],
            check=True,
            capture_output=True,
        )
    log(f"{size:,}: loaded ({', '.join(f'{k} {v:.1f} s' for k, v in result.load.items() if v)})")
    return result
