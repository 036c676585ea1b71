"""The pipeline: seed documents -> extracted facts -> SHACL check -> store -> inferences."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg import __version__
from kg.errors import NonConformingError, QcollabError
from kg.extract.gazetteer import GAZETTEER_PATH, Gazetteer
from kg.extract.pipeline import extract_document
from kg.namespaces import DOCUMENT_GRAPH_PREFIX, ONTOLOGY_GRAPH
from kg.quality.reasoning import materialize
from kg.quality.shacl import Validator
from kg.settings import Settings
from kg.store.interface import KnowledgeStore
from kg.store.oxigraph import open_store

SEED_SUFFIXES = (".txt", ".md", ".markdown")
KG_CODE_DIR = Path(__file__).resolve().parent.parent

Progress = Callable[[str, int, int], None]


@dataclass
class BuildReport:
    """What a build did, for the CLI and the logs."""

    documents: dict[str, int] = field(default_factory=dict)
    removed_graphs: list[str] = field(default_factory=list)
    triples: int = 0
    inferred: int = 0
    seconds: float = 0.0
    skipped: bool = False


def seed_documents(seeds_dir: Path) -> list[Path]:
    """The documents to extract from, in a stable order."""
    if not seeds_dir.is_dir():
        raise QcollabError(f"the seeds folder {seeds_dir} does not exist")
    return sorted(p for p in seeds_dir.iterdir() if p.suffix.lower() in SEED_SUFFIXES)


def _inputs(settings: Settings) -> list[Path]:
    code = sorted(KG_CODE_DIR.rglob("*.py"))
    fixed = [settings.ontology_path, settings.shapes_path, GAZETTEER_PATH]
    return fixed + code + seed_documents(settings.seeds_dir)


def inputs_digest(settings: Settings) -> str:
    """A checksum over everything the graph is built from: seeds, ontology, shapes, code."""
    digest = hashlib.sha256(__version__.encode())
    for path in _inputs(settings):
        digest.update(path.name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _stamp_path(settings: Settings) -> Path:
    return settings.resolved_store_path.parent / "build-stamp.json"


def is_up_to_date(settings: Settings) -> bool:
    """True when the store exists and was built from exactly the current inputs."""
    stamp = _stamp_path(settings)
    if not stamp.is_file() or not settings.resolved_store_path.is_dir():
        return False
    return json.loads(stamp.read_text()).get("inputs") == inputs_digest(settings)


def build(settings: Settings, *, force: bool = False, progress: Progress | None = None) -> BuildReport:
    """Build (or refresh) the store from the seeds; fails before writing if SHACL objects."""
    started = time.perf_counter()
    if not force and is_up_to_date(settings):
        return BuildReport(skipped=True)
    report = BuildReport()
    gazetteer = Gazetteer.load()
    documents = seed_documents(settings.seeds_dir)
    extracted: dict[str, Graph] = {}
    for index, path in enumerate(documents, start=1):
        if progress:
            progress(f"extracting {path.name}", index, len(documents))
        result = extract_document(path, gazetteer)
        extracted[str(result.graph_iri)] = result.graph
        report.documents[path.name] = len(result.graph)
    check_conformance(settings, extracted.values())
    with open_store(settings.resolved_store_path) as store:
        load_extracted(store, settings, extracted, report)
        if progress:
            progress("materializing inferences", len(documents), len(documents))
        report.inferred = materialize(store)
        report.triples = store.triple_count()
    _stamp_path(settings).write_text(json.dumps({"inputs": inputs_digest(settings)}))
    report.seconds = time.perf_counter() - started
    return report


def check_conformance(settings: Settings, graphs: Iterable[Graph]) -> None:
    """Validate the union of the extracted graphs; raise with a readable report if invalid."""
    union = Graph()
    for graph in graphs:
        union += graph
    outcome = Validator(settings.shapes_path, settings.ontology_path).validate(union)
    if not outcome.conforms:
        raise NonConformingError(outcome.report_text)


def load_extracted(
    store: KnowledgeStore, settings: Settings, extracted: dict[str, Graph], report: BuildReport
) -> None:
    """Write the ontology and each document graph; drop graphs of documents now gone."""
    store.drop_graph(str(ONTOLOGY_GRAPH))
    store.load(settings.ontology_path.read_bytes(), ox.RdfFormat.TURTLE, graph=str(ONTOLOGY_GRAPH))
    for graph_iri, graph in extracted.items():
        store.replace_graph(graph_iri, graph)
    for stale in store.named_graphs():
        if stale.startswith(DOCUMENT_GRAPH_PREFIX) and stale not in extracted:
            store.drop_graph(stale)
            report.removed_graphs.append(stale)


def statistics(store: KnowledgeStore) -> dict[str, object]:
    """Counts people ask for first: triples per graph, entities per class."""
    per_graph = {g: store.triple_count(g) for g in store.named_graphs()}
    classes = store.query(
        "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class "
        "FILTER(STRSTARTS(STR(?class), STR(qc:))) } GROUP BY ?class ORDER BY ?class"
    )
    per_class = {row["class"].value.rsplit("#", 1)[-1]: int(row["n"].value) for row in classes}
    return {"triples": store.triple_count(), "graphs": per_graph, "entities": per_class}
