"""kill -9 of `qcollab build --force` at points spread over its run: the store is never left wrong."""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

from fault_support import QCOLLAB, SEED, cli_env, run_and_kill, start, store_state, timed_run
from paths import SEEDS

from kg.namespaces import INFERRED_GRAPH
from kg.pipeline.build import build, is_up_to_date
from kg.settings import Settings
from kg.store.oxigraph import open_store
from kg.store.versions import BUILDING, current_version

BUILD = [str(QCOLLAB), "build", "--force"]
KILLS_OVER_THE_RUN = 3  # stratified over the whole run
KILLS_WHILE_WRITING = 5  # stratified over the time the build writes store files (measured first)


def _leftovers(data_dir: Path) -> list[str]:
    live = current_version(data_dir / "store")
    return sorted(p.name for p in data_dir.glob("store.*") if p.is_dir() and p != live)


def _phase(data_dir: Path, version: Path | None) -> str:
    """Where a killed build was: before writing, writing aside, between the stamp and the swap, after."""
    stamped = (data_dir / "build-stamp.json").is_file()
    if current_version(data_dir / "store") != version:
        return "swapped, stamped" if stamped else "swapped, before the new stamp"
    if any(data_dir.glob(f"store{BUILDING}*")):
        return "writing aside" if stamped else "checked, stamp removed, before the swap"
    return "before writing"


def _kill_plan(total: float, writes: float, written: float) -> list[tuple[bool, float]]:
    """When to kill each run: (counted from the first store write rather than from the start, delay).

    The writes take a few per cent of the run (0.3 s of 8 s with the seed), and the start-up time of a run
    varies by more than that, so the kills meant for them count from the moment the run touches the store.
    """
    rng = random.Random(SEED)
    over_run = [(False, (i + rng.random()) * total / KILLS_OVER_THE_RUN) for i in range(KILLS_OVER_THE_RUN)]
    window = written - writes + 0.05
    writing = [(True, (i + rng.random()) * window / KILLS_WHILE_WRITING) for i in range(KILLS_WHILE_WRITING)]
    return over_run + writing


def test_killed_build_never_leaves_a_wrong_store_that_says_up_to_date(
    built_data: Path, tmp_path: Path
) -> None:
    """Regression (issue 10, item 4): a build killed while it wrote the store left the inferred graph
    missing or partial under the stamp of the last good build; the next build said "up to date"."""
    clean = store_state(built_data / "store")
    data_dir = tmp_path / "data"
    shutil.copytree(built_data, data_dir, symlinks=True)
    log = tmp_path / "build.log"
    total, writes, written = timed_run(BUILD, cli_env(data_dir), log, data_dir)
    assert not store_state(data_dir / "store").differences(clean)
    settings = Settings(data_dir=data_dir, seeds_dir=SEEDS)
    outcomes: list[str] = []
    for after_first_write, delay in _kill_plan(total, writes, written):
        before = current_version(data_dir / "store")
        killed = run_and_kill(BUILD, cli_env(data_dir), log, data_dir, after_first_write, delay)
        moment = f"{'first write' if after_first_write else 'start'} + {delay:.2f} s"
        phase = _phase(data_dir, before) if killed else "after it ended"
        wrong = store_state(data_dir / "store").differences(clean)
        assert not wrong, f"killed at {moment} ({phase}): the live store is wrong: {wrong}"
        up_to_date = is_up_to_date(settings)
        report = build(settings)  # what the next `qcollab build` does
        assert report.skipped == up_to_date
        assert not store_state(data_dir / "store").differences(clean)
        assert not _leftovers(data_dir) and not any(data_dir.glob(f"store{BUILDING}*"))
        outcomes.append(f"{moment} ({phase}): {'up to date' if up_to_date else 'rebuilt'}")
    final = start([str(QCOLLAB), "build"], cli_env(data_dir), log)
    assert final.wait(timeout=120) == 0, log.read_text()
    assert not store_state(data_dir / "store").differences(clean)
    print(f"build: {total:.1f} s, writing the store from {writes:.2f} s to {written:.2f} s;", outcomes)


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_the_next_build_repairs_what_a_build_killed_in_a_swap_left(built_data: Path, tmp_path: Path) -> None:
    """A kill inside the adoption of a plain store folder leaves the folder renamed and no store link; a
    kill after a swap leaves the old version; a kill while writing aside leaves `.building-<pid>`."""
    clean = store_state(built_data / "store")
    data_dir = tmp_path / "data"
    shutil.copytree(built_data, data_dir, symlinks=True)
    settings = Settings(data_dir=data_dir, seeds_dir=SEEDS)
    build(settings)  # a stamp of the code as it is now (others may have changed kg/ since built_data)
    store = data_dir / "store"
    version = current_version(store)
    assert version is not None and store.is_symlink()
    dead = _dead_pid()
    store.unlink()
    (data_dir / f"store{BUILDING}{dead}").mkdir()
    shutil.copytree(version, data_dir / f"store.v{1:016x}-{dead}")
    report = build(settings)
    assert report.skipped, "the stamp still describes the store: relinked, it is up to date"
    assert current_version(store) == version
    assert not store_state(store).differences(clean)
    assert not _leftovers(data_dir) and not any(data_dir.glob(f"store{BUILDING}*"))


def test_a_build_adopts_a_plain_store_folder_and_keeps_what_others_wrote(
    built_data: Path, tmp_path: Path
) -> None:
    """A store made before versions (or copied without links) is a plain folder; a record written into
    it is kept by a forced rebuild, which works on a checkpoint of the live store, and inferred from."""
    data_dir = tmp_path / "data"
    shutil.copytree(built_data, data_dir)  # links followed: `store` is a plain folder
    record = "urn:x-fault:record"
    with open_store(data_dir / "store") as store:
        store.update(f"INSERT DATA {{ GRAPH <{record}> {{ qcr:fault-institute a qc:ResearchInstitute }} }}")
    build(Settings(data_dir=data_dir, seeds_dir=SEEDS), force=True)
    assert (data_dir / "store").is_symlink()
    with open_store(data_dir / "store", read_only=True) as store:
        assert store.triple_count(record) == 1
        assert store.query(f"ASK {{ GRAPH <{INFERRED_GRAPH}> {{ qcr:fault-institute a qc:Organization }} }}")
    assert not _leftovers(data_dir) and not any(data_dir.glob(f"store{BUILDING}*"))
