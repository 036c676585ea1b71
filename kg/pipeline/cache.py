"""The extraction cache: each document's graph on disk, reused while it and the extractor stay the same.

`<data dir>/extracted/` holds one N-Triples file per seed document (`<file name>.nt`) and `manifest.json`:
the digest of the extractor that wrote them, and per document the SHA-256 of its bytes, its source
name, its graph IRI and the SHA-256 of its .nt file (a file that does not match is not trusted).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import spacy
from rdflib import Graph

from kg import __version__
from kg.errors import DependencyError
from kg.extract.gazetteer import GAZETTEER_PATH
from kg.text.nlp import installed_model_path, model_info

KG_CODE_DIR = Path(__file__).resolve().parent.parent
MANIFEST_NAME = "manifest.json"


def code_files() -> list[Path]:
    """The Python files of the kg package, in a stable order."""
    return sorted(KG_CODE_DIR.rglob("*.py"))


def _model_label() -> str:
    try:
        info = model_info(installed_model_path())
    except DependencyError:
        return "no model installed"
    return f"{info.label} (spaCy {spacy.__version__})"


def extractor_digest(*checked_against: Path) -> str:
    """A checksum of what extraction depends on besides the document: the code, gazetteer and model, and
    the files a cached graph was checked against (the shapes and the ontology)."""
    digest = hashlib.sha256(__version__.encode())
    for path in [*code_files(), GAZETTEER_PATH, *checked_against]:
        name = path.relative_to(KG_CODE_DIR).as_posix() if path.is_relative_to(KG_CODE_DIR) else path.name
        digest.update(name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    digest.update(_model_label().encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class CacheEntry:
    """What the manifest says about one document's cached graph."""

    sha256: str
    source: str
    graph: str
    nt_sha256: str


def _write_atomically(path: Path, data: bytes) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, path)


class ExtractionCache:
    """Graphs of documents already extracted by this extractor, keyed by file name."""

    def __init__(self, folder: Path, extractor: str) -> None:
        self.folder = folder
        self.extractor = extractor
        self.entries: dict[str, CacheEntry] = {}
        manifest = folder / MANIFEST_NAME
        try:
            saved = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(saved, dict) and saved.get("extractor") == extractor:
            for name, entry in (saved.get("documents") or {}).items():
                try:
                    self.entries[name] = CacheEntry(**entry)
                except TypeError:
                    continue

    def _file(self, name: str) -> Path:
        return self.folder / f"{name}.nt"

    def graph(self, name: str, sha256: str, source: str) -> tuple[str, Graph] | None:
        """The graph IRI and cached graph of this document content, or None if there is none to trust."""
        entry = self.entries.get(name)
        if entry is None or entry.sha256 != sha256 or entry.source != source:
            return None
        try:
            data = self._file(name).read_bytes()
        except OSError:
            return None
        if hashlib.sha256(data).hexdigest() != entry.nt_sha256:
            return None
        return entry.graph, Graph().parse(data=data, format="nt")

    def put(self, name: str, sha256: str, source: str, graph_iri: str, graph: Graph) -> bytes:
        """Keep a freshly extracted graph (written now; listed in the manifest by `save`); its N-Triples."""
        self.folder.mkdir(parents=True, exist_ok=True)
        data = graph.serialize(format="nt", encoding="utf-8")
        _write_atomically(self._file(name), data)
        self.entries[name] = CacheEntry(sha256, source, graph_iri, hashlib.sha256(data).hexdigest())
        return data

    def save(self, names: set[str]) -> None:
        """Forget documents not in `names` (removed from the seeds), then write the manifest."""
        self.entries = {name: entry for name, entry in self.entries.items() if name in names}
        self.folder.mkdir(parents=True, exist_ok=True)
        for stale in self.folder.glob("*.nt"):
            if stale.name.removesuffix(".nt") not in self.entries:
                stale.unlink()
        manifest = {
            "extractor": self.extractor,
            "documents": {name: asdict(entry) for name, entry in sorted(self.entries.items())},
        }
        _write_atomically(self.folder / MANIFEST_NAME, json.dumps(manifest, indent=1).encode())
