"""The pipeline: seed documents -> extracted facts -> SHACL check -> store -> inferences."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from kg import __version__
from kg.errors import DocumentError, NonConformingError, QcollabError
from kg.extract.consistency import Consistency
from kg.extract.extractor import Extractor
from kg.extract.pipeline import TextInput, document_slug, extract_texts, source_name
from kg.namespaces import DOCUMENT_GRAPH_PREFIX, QCG
from kg.pipeline.cache import ExtractionCache, extractor_digest
from kg.pipeline.publish import Extracted, publish
from kg.pipeline.remote_publish import STAMP_NAME, publish_remote, remote_up_to_date
from kg.pipeline.review import REPORT_NAME, save_document_review, write_report
from kg.quality.batch import validate_graphs
from kg.settings import Settings
from kg.store.interface import KnowledgeStore
from kg.store.versions import recover
from kg.text.readers import DOCUMENT_SUFFIXES, decode_document, document_bytes

SEED_SUFFIXES = DOCUMENT_SUFFIXES  # .txt, .md, .markdown, .html, .htm, .pdf

Progress = Callable[[str, int, int], None]


@dataclass
class BuildReport:
    """What a build did, for the CLI and the logs: documents extracted, reused from the cache, failed."""

    documents: dict[str, int] = field(default_factory=dict)  # file name -> triples in its graph
    extracted: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # file name -> the one-line error
    removed_graphs: list[str] = field(default_factory=list)
    triples: int = 0
    inferred: int = 0
    seconds: float = 0.0
    skipped: bool = False
    held_back: int = 0  # low-confidence facts written to the review report, not to the graph


def seed_documents(seeds_dir: Path) -> list[Path]:
    """The documents to extract from, in a stable order (hidden files left out)."""
    if not seeds_dir.is_dir():
        raise QcollabError(f"the seeds folder {seeds_dir} does not exist")
    return sorted(
        p for p in seeds_dir.iterdir() if p.suffix.lower() in SEED_SUFFIXES and not p.name.startswith(".")
    )


def _seed_digest(path: Path, max_bytes: int) -> bytes:
    """The checksum of a seed's bytes; of its size and time only when it is too large to be read."""
    stat = path.stat()
    if stat.st_size > max_bytes or not path.is_file():
        return f"{stat.st_size}:{stat.st_mtime_ns}".encode()
    return hashlib.sha256(path.read_bytes()).digest()


def _extraction_settings(settings: Settings) -> str:
    """The settings an extracted graph depends on: the threshold of the review report and the model."""
    return f"min_confidence={settings.min_confidence} model={settings.nlp_model_path or 'pinned'}"


def inputs_digest(settings: Settings) -> str:
    """A checksum over everything the graph is built from: seeds, ontology, shapes, extractor, limits."""
    digest = hashlib.sha256(__version__.encode())
    digest.update(extractor_digest().encode())
    digest.update(str(settings.max_document_bytes).encode())
    digest.update(_extraction_settings(settings).encode())
    for path in (settings.ontology_path, settings.shapes_path):
        digest.update(path.name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for path in seed_documents(settings.seeds_dir):
        digest.update(path.name.encode())
        digest.update(_seed_digest(path, settings.max_document_bytes))
    return digest.hexdigest()


def review_path(settings: Settings) -> Path:
    """Where the last build wrote the facts it held back for review."""
    return settings.resolved_store_path.parent / REPORT_NAME


def _stamp_path(settings: Settings) -> Path:
    if settings.store == "sparql":  # what was sent to the remote store (kg.pipeline.remote_publish)
        return settings.resolved_store_path.parent / STAMP_NAME
    return settings.resolved_store_path.parent / "build-stamp.json"


def _cache_dir(settings: Settings) -> Path:
    return settings.resolved_store_path.parent / "extracted"


def _stamp(settings: Settings) -> dict[str, object]:
    try:
        saved = json.loads(_stamp_path(settings).read_text())
    except (OSError, ValueError):
        return {}
    return saved if isinstance(saved, dict) else {}


def is_up_to_date(settings: Settings) -> bool:
    """True when the store exists and was built from exactly the current inputs (a remote store: and
    still holds the graphs the build sent, as many triples in each)."""
    if settings.store == "sparql":
        return remote_up_to_date(settings, _stamp_path(settings), inputs_digest(settings))
    if not _stamp_path(settings).is_file() or not settings.resolved_store_path.is_dir():
        return False
    return _stamp(settings).get("inputs") == inputs_digest(settings)


def build(settings: Settings, *, force: bool = False, progress: Progress | None = None) -> BuildReport:
    """Build (or refresh) the store from the seeds, re-extracting only new or changed documents.

    A document that cannot be read is reported in `failed` and the build goes on; the graph it had in
    the store, if any, is kept. `force` rebuilds even when up to date and re-extracts every document.
    Fails before writing if SHACL objects to the extracted graphs. The store is written aside, checked
    and swapped in, the stamp last (kg/pipeline/publish.py): a build killed at any moment leaves the
    last good store with its stamp, or a store the next build rebuilds. Over a remote store
    (QCOLLAB_STORE=sparql) only the graphs that changed are sent, in place (kg/pipeline/remote_publish.py).
    """
    started = time.perf_counter()
    remote = settings.store == "sparql"
    if not remote:
        recover(settings.resolved_store_path)  # what a killed build left: kg/store/versions.py
    if not force and is_up_to_date(settings):
        failed = _stamp(settings).get("failed")
        return BuildReport(skipped=True, failed=dict(failed) if isinstance(failed, dict) else {})
    report = BuildReport()
    inputs = inputs_digest(settings)  # of the inputs as the build read them
    documents = seed_documents(settings.seeds_dir)
    digest = extractor_digest(settings.shapes_path, settings.ontology_path)
    cache = ExtractionCache(_cache_dir(settings), f"{digest} {_extraction_settings(settings)}")
    serialized: dict[str, bytes] = {}  # the new graphs as N-Triples, serialized once for the cache
    extracted, kept, new = _extract(settings, documents, cache, report, force, progress, serialized)
    if progress and new:
        progress(f"validating {len(new)} new graphs against the shapes", 0, len(new))
    check_conformance(
        settings, [extracted[iri] for iri in new], settings.build_processes, [serialized[iri] for iri in new]
    )
    cache.save({path.name for path in documents})
    report.held_back = write_report(_cache_dir(settings), [p.name for p in documents], review_path(settings))

    def step(message: str) -> None:
        if progress:
            progress(message, len(documents), len(documents))

    stamp = {"inputs": inputs, "failed": report.failed}
    graphs = Extracted(extracted, serialized, kept)
    if remote:
        written = publish_remote(settings, graphs, _stamp_path(settings), stamp, progress)
    else:
        written = publish(settings, graphs, _stamp_path(settings), stamp, step)
    report.removed_graphs, report.inferred, report.triples = written.removed, written.inferred, written.quads
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class _Pending:
    """A document to extract: its file name, graph IRI, checksum, source name and decoded text."""

    name: str
    graph_iri: str
    sha256: str
    source: str
    text: TextInput


def _extract(
    settings: Settings,
    documents: list[Path],
    cache: ExtractionCache,
    report: BuildReport,
    force: bool,
    progress: Progress | None,
    serialized: dict[str, bytes],
) -> tuple[dict[str, Graph], set[str], list[str]]:
    """The graph of each readable document (from the cache when unchanged), the graph IRIs of documents
    that failed (their graphs in the store are kept), and the graph IRIs extracted anew."""
    extracted: dict[str, Graph] = {}
    kept: set[str] = set()
    claimed: dict[str, str] = {}  # graph IRI -> the file name it was given to
    consistency = Consistency()
    pending: list[_Pending] = []
    for index, path in enumerate(documents, start=1):
        name = path.name
        try:
            graph_iri = DOCUMENT_GRAPH_PREFIX + document_slug(path)
        except ValueError:
            report.failed[name] = f"{name}: the file name has no letters or digits to name its graph"
            continue
        if graph_iri in claimed:
            report.failed[name] = (
                f"{name}: names the same graph ({graph_iri.removeprefix(QCG)}) as "
                f"{claimed[graph_iri]}; rename one of them"
            )
            continue
        claimed[graph_iri] = name
        try:
            data = document_bytes(path, settings.max_document_bytes)
            sha256, source = hashlib.sha256(data).hexdigest(), source_name(path)
            cached = None if force else cache.graph(name, sha256, source)
            if cached is None:
                text = decode_document(path, data)
                item = TextInput(
                    text.text,
                    document_slug(path),
                    source,
                    text.sha256,
                    text.markdown,
                    text.media_type,
                    text.title,
                )
                pending.append(_Pending(name, graph_iri, sha256, source, item))
                continue
        except DocumentError as error:
            report.failed[name] = str(error)
            kept.add(graph_iri)
            continue
        if progress:
            progress(f"reusing {name}", index, len(documents))
        graph_iri, graph = cached
        consistency.absorb(graph)
        extracted[graph_iri] = graph
        report.reused.append(name)
        report.documents[name] = len(graph)
    if pending:
        extractor = Extractor.load(model_path=settings.nlp_model_path, min_confidence=settings.min_confidence)
        extractor.consistency = consistency
        if progress:
            progress(f"reading {len(pending)} documents with {extractor.model.label}", 0, len(pending))
        results = extract_texts([p.text for p in pending], extractor, settings.build_processes)
        for done, (item, result) in enumerate(zip(pending, results, strict=True), start=1):
            if progress:
                progress(f"extracting {item.name}", done, len(pending))
            serialized[item.graph_iri] = cache.put(
                item.name, item.sha256, item.source, item.graph_iri, result.graph
            )
            save_document_review(_cache_dir(settings), item.name, result.review)
            extracted[item.graph_iri] = result.graph
            report.extracted.append(item.name)
            report.documents[item.name] = len(result.graph)
    return extracted, kept, [p.graph_iri for p in pending]


def check_conformance(
    settings: Settings, graphs: Sequence[Graph], processes: int = 1, ntriples: Sequence[bytes] | None = None
) -> None:
    """Validate each document graph (in parallel processes for many); raise with a readable report if one
    does not conform. What is checked across documents (one kind per IRI, one value per functional
    property) the extraction already keeps (kg/extract/consistency.py)."""
    outcomes = validate_graphs(
        settings.shapes_path, settings.ontology_path, graphs, processes, ntriples, settings.shacl_engine
    )
    failures = [text for conforms, text in outcomes if not conforms]
    if failures:
        raise NonConformingError("\n".join(failures))


def statistics(store: KnowledgeStore) -> dict[str, object]:
    """Counts people ask for first: triples per graph, entities per class."""
    per_graph = {g: store.triple_count(g) for g in store.named_graphs()}
    classes = store.query(
        "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class "
        "FILTER(STRSTARTS(STR(?class), STR(qc:))) } GROUP BY ?class ORDER BY ?class"
    )
    per_class = {row["class"].value.rsplit("#", 1)[-1]: int(row["n"].value) for row in classes}
    return {"triples": store.triple_count(), "graphs": per_graph, "entities": per_class}
