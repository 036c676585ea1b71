"""kill -9 of `qcollab load`: the store opens and holds none or all of the file's graph, and the rest.

The kills run once for the module (`killed_loads`); each test checks one property of what they left.
Two loads: the ~50k triples of tests/benchmarks/synthetic.py with --no-validate (its data fails the
gate: the same entity gets several qc:confidence values across documents), and a smaller conforming
file of hand-made records through the SHACL gate (staged, validated in batches, then loaded).
"""

from __future__ import annotations

import random
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from fault_support import (
    QCOLLAB,
    SEED,
    StoreState,
    cli_env,
    fresh_inferences,
    run_and_kill,
    state_of,
    timed_run,
)
from load_support import universities
from paths import ROOT

from kg.namespaces import INFERRED_GRAPH, LOAD_GRAPH_PREFIX
from kg.quality.loading import finish_interrupted_load
from kg.store.oxigraph import open_store

sys.path.insert(0, str(ROOT / "tests" / "benchmarks"))
from synthetic import write as write_synthetic  # noqa: E402

SYNTHETIC_TRIPLES = 50_000
RECORDS = 600  # hand-made universities, 6 triples each: the gate validates about 1k triples a second
KILLS = {"synthetic": (1, 4), "universities": (0, 2)}  # per load: kills over the run, while writing


@dataclass(frozen=True)
class Killed:
    """One killed load and what the store held afterwards."""

    load: str
    moment: str
    graph: str
    loaded: int  # triples of the file's graph in the store
    full: int  # triples of that graph after a load that was not killed
    others_unchanged: bool
    missing_inferences: int  # against a fresh materialization of the store
    extra_inferences: int
    staging_left: int  # .load-staging-* folders left in the data folder

    def line(self) -> str:
        held = "none" if not self.loaded else "all" if self.loaded == self.full else f"{self.loaded}"
        return (
            f"{self.load} {self.moment}: {held} of {self.full}, inferred {self.missing_inferences} missing "
            f"{self.extra_inferences} extra, {self.staging_left} staging folders left"
        )


def _files(folder: Path) -> dict[str, Path]:
    synthetic = folder / "synthetic.nt"
    write_synthetic(synthetic, SYNTHETIC_TRIPLES, seed=SEED)
    records = folder / "universities.nt"
    triples = ox.parse(universities(RECORDS, prefix="fault").encode(), ox.RdfFormat.TURTLE)
    records.write_bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
    return {"synthetic": synthetic, "universities": records}


def _examine(load: str, moment: str, data_dir: Path, base: StoreState, full: StoreState) -> Killed:
    """The store after a killed load, opened as the next command would (read-write: a journal is replayed)."""
    graph = f"{LOAD_GRAPH_PREFIX}{load}"
    with open_store(data_dir / "store") as store:
        finish_interrupted_load(store, data_dir)  # what `qcollab serve` and `qcollab load` do first
        state = state_of(store)
        fresh = fresh_inferences(store)
    kept = {g: n for g, n in state.counts.items() if g not in (graph, str(INFERRED_GRAPH))}
    before = {g: n for g, n in base.counts.items() if g != str(INFERRED_GRAPH)}
    return Killed(
        load,
        moment,
        graph,
        state.counts.get(graph, 0),
        full.counts[graph],
        kept == before,
        len(fresh - state.inferred),
        len(state.inferred - fresh),
        len(list(data_dir.glob(".load-staging-*"))),
    )


@pytest.fixture(scope="module")
def killed_loads(built_data: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Killed]:
    folder = tmp_path_factory.mktemp("killed-loads")
    files = _files(folder)
    with open_store(built_data / "store", read_only=True) as store:
        base = state_of(store)
    rng = random.Random(SEED)
    found: list[Killed] = []
    for load, (over_run, while_writing) in KILLS.items():
        command = [str(QCOLLAB), "load", str(files[load])]
        command += ["--no-validate"] if load == "synthetic" else []
        reference = folder / f"{load}-reference"
        shutil.copytree(built_data, reference, symlinks=True)
        log = folder / f"{load}.log"
        total, writes, written = timed_run(command, cli_env(reference), log, reference)
        with open_store(reference / "store", read_only=True) as store:
            full = state_of(store)
        window = written - writes + 0.05
        plan = [(False, (i + rng.random()) * total / over_run) for i in range(over_run)]
        plan += [(True, (i + rng.random()) * window / while_writing) for i in range(while_writing)]
        for number, (after_first_write, delay) in enumerate(plan):
            data_dir = folder / f"{load}-{number}"
            shutil.copytree(built_data, data_dir, symlinks=True)
            killed = run_and_kill(command, cli_env(data_dir), log, data_dir, after_first_write, delay)
            moment = f"{'first write' if after_first_write else 'start'} + {delay:.2f} s"
            moment += "" if killed else " (it had ended)"
            found.append(_examine(load, moment, data_dir, base, full))
            shutil.rmtree(data_dir)
        print(f"{load}: {total:.1f} s, writing from {writes:.2f} s to {written:.2f} s")
    print(*(k.line() for k in found), sep="\n")
    return found


def test_kill_9_during_a_bulk_load_leaves_the_store_as_it_was_or_fully_loaded(
    killed_loads: list[Killed],
) -> None:
    partial = [k.line() for k in killed_loads if k.loaded not in (0, k.full) or not k.others_unchanged]
    assert not partial, partial


def test_kill_9_during_a_bulk_load_leaves_the_inferred_graph_a_fresh_materialization(
    killed_loads: list[Killed],
) -> None:
    wrong = [k.line() for k in killed_loads if k.missing_inferences or k.extra_inferences]
    assert not wrong, wrong


def test_a_killed_bulk_load_leaves_no_staging_store_behind(killed_loads: list[Killed]) -> None:
    left = [k.line() for k in killed_loads if k.staging_left]
    assert not left, left
