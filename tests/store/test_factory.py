"""Which store the settings open, and where the remote one is refused rather than silently replaced."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kg.settings import Settings
from kg.store.factory import open_configured_store
from kg.store.oxigraph import OxigraphStore
from kg.store.remote import RemoteStore

REMOTE = {"store": "sparql", "sparql_query_url": "http://127.0.0.1:9/q", "sparql_update_url": "http://127.0.0.1:9/u"}


def test_the_settings_choose_the_store(tmp_path: Path) -> None:
    with open_configured_store(Settings(data_dir=tmp_path)) as embedded:
        assert isinstance(embedded, OxigraphStore)
    remote = open_configured_store(Settings(data_dir=tmp_path, **REMOTE))
    assert isinstance(remote, RemoteStore)
    remote.close()


def test_a_command_over_a_remote_store_that_is_down_says_so_in_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "QCOLLAB_DATA_DIR": str(tmp_path), "QCOLLAB_SPARQL_RETRIES": "0"}
    env |= {f"QCOLLAB_{name.upper()}": value for name, value in REMOTE.items()}
    qcollab = Path(sys.executable).with_name("qcollab")
    for command in (["stats"], ["query", "ASK {}"], ["export", "--format", "nq"]):
        run = subprocess.run([str(qcollab), *command], env=env, capture_output=True, text=True, timeout=120)
        assert run.returncode == 1, run.stderr
        assert "cannot be reached" in run.stderr and "Traceback" not in run.stderr
