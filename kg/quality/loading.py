"""Bulk loads behind the quality gate: staged on disk, validated in batches of subjects, then loaded.

Data that uses the qcollab vocabulary (a qc: predicate or class) or says something about a qcollab
resource (a qcr: subject) is validated unless told otherwise: the files are first bulk-loaded into a
temporary on-disk store beside the data (which also proves they parse), then the staged subjects are
validated with SHACL a batch at a time, each batch with its bounded context from the staging store and
from the target store (what the batch points at, a few hops deep, and one triple per range-typing
property pointing at each subject). The first failing batch stops the load with RejectedWriteError and
the target store is left as it was (kg.quality.load_check). Otherwise, and straight away for other data,
each file is bulk-loaded into the target (all of it or nothing) and the inferences are brought up to
date. Each triple file says its graph; a dataset file (N-Quads, TriG) keeps its own graphs.

Over a remote target (QCOLLAB_STORE=sparql, kg.store.remote_bulk) the staging store is still an
embedded one on this machine, and nothing is sent before every batch conforms. Each file is then sent in
batches, not all or nothing: a failure in the middle leaves the batches sent, with the inference mark
set (the next load or `qcollab reason` rebuilds the inferences). The inferences of the loaded graphs are
worked out by the server (`materialize_graphs`: SPARQL rules from the new graphs only), and the store is
not compacted here (the engine does its own).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import RdfSyntaxError
from kg.namespaces import LOAD_GRAPH_PREFIX, QC, QCR
from kg.quality.load_check import HIDDEN, NOT_DATA, BatchCheck, StepProgress
from kg.quality.load_inference import infer
from kg.quality.reasoning import materialize
from kg.quality.shacl import Validator
from kg.store.interface import KnowledgeStore
from kg.store.loading import LoadFile, mentions, opened, plain_name
from kg.store.oxigraph import open_store
from kg.text.sentences import slugify

VOCABULARY_HINT = b"w3id.org/qcollab"  # in every file that uses the vocabulary, whatever its syntax
OPTIMIZE_FROM = 500_000  # quads loaded from which the store is compacted afterwards

_USES_VOCABULARY = (  # a qc: predicate or class, or a statement about a qcollab resource
    f"ASK {{ {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} {NOT_DATA} }} }} "
    f'FILTER(STRSTARTS(STR(?p), "{QC}") || (?p = rdf:type && isIRI(?o) && STRSTARTS(STR(?o), "{QC}")) '
    f'|| (isIRI(?s) && STRSTARTS(STR(?s), "{QCR}"))) }}'
)


@dataclass
class LoadReport:
    """What a load did: the files, the triples (quads) it added, whether it validated, how long it took."""

    files: list[str]
    graphs: list[str] = field(default_factory=list)
    triples: int = 0  # quads added to the store
    validated: bool = False
    subjects: int = 0
    batches: int = 0
    inferred: int | None = 0  # triples in qcg:inferred once rebuilt; None: nothing to infer
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return self.triples / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "per_second": round(self.per_second)}


STAGING_PREFIX = ".load-staging-"  # then the pid of the loading process


def load_graph(path: Path) -> str:
    """The graph a triple file goes into when none is named: qcg:load/<slug of the file stem>."""
    stem = plain_name(path).stem
    try:
        return LOAD_GRAPH_PREFIX + slugify(stem)
    except ValueError:
        return LOAD_GRAPH_PREFIX + "data"


def finish_interrupted_load(store: KnowledgeStore, staging_dir: Path | None = None) -> bool:
    """Clean up after a killed bulk load: its staging stores in `staging_dir` are removed, and the
    inferences it left out rebuilt (a full `materialize`); True when they had to be."""
    if staging_dir is not None and staging_dir.is_dir():
        _remove_abandoned_staging(staging_dir)
    if not store.inferences_pending():
        return False
    materialize(store)
    store.flush()
    store.mark_inferences_pending(False)
    return True


def load_files(
    target: KnowledgeStore,
    files: Sequence[tuple[LoadFile, str | None]],
    *,
    make_validator: Callable[[], Validator],
    staging_dir: Path,
    validate: bool | None = None,
    replace: bool = False,
    lenient: bool = False,
    batch_size: int = 2000,
    progress: StepProgress | None = None,
) -> LoadReport:
    """Load files, each with the graph of its triples (None: the default graph), behind the SHACL gate.

    `validate` None validates when the data uses the qcollab vocabulary; `replace` empties the files'
    graphs first, once the new data has parsed and validated.
    """
    started = time.perf_counter()
    tell = progress or (lambda step, done, total: None)
    graphs = sorted({g for f, g in files if g and not f.is_dataset})
    report = LoadReport([_name(f) for f, _ in files], graphs)
    if validate is None:
        validate = any(_hints_vocabulary(file, tell) for file, _ in files)
        check_vocabulary = True
    else:
        check_vocabulary = False
    before, graphs_before = _quads_of(target, files), set(target.named_graphs())
    if validate or replace:
        with _staged(files, staging_dir, lenient, tell) as staging:
            if validate and (not check_vocabulary or _uses_vocabulary(staging)):
                replaced = {_node(g) for f, g in files if not f.is_dataset} if replace else set()
                checker = BatchCheck(staging, target, make_validator(), HIDDEN | replaced)
                report.subjects, report.batches = checker.run(batch_size, replaced, tell)
                report.validated = True
            target.mark_inferences_pending(True)  # a crash from here on: the next open re-infers
            if replace:
                for graph in {g for f, g in files if not f.is_dataset}:
                    target.delete_graph(graph)
            _load_each(target, files, lenient, tell, "loading")
    else:
        target.mark_inferences_pending(True)
        _load_each(target, files, lenient, tell, "loading")
    report.triples = _quads_of(target, files) - before
    tell("inferring", 0, None)
    additions = None if replace else _added_to(target, files, graphs_before, report.triples)
    report.inferred = infer(target, additions)
    if report.triples >= OPTIMIZE_FROM:
        tell("optimizing", 0, None)
        target.optimize()
    target.flush()
    target.mark_inferences_pending(False)
    report.seconds = time.perf_counter() - started
    return report


def _added_to(
    target: KnowledgeStore, files: Sequence[tuple[LoadFile, str | None]], before: set[str], added: int
) -> set[ox.NamedNode | ox.DefaultGraph] | None:
    """The graphs a load only added to, or None when that is not known: a triple file's graph; the new
    graphs of dataset files, when they hold every quad the load added (else it also added elsewhere)."""
    if not any(f.is_dataset for f, _ in files):
        return {_node(g) for _, g in files}
    if not all(f.is_dataset for f, _ in files):
        return None
    new = set(target.named_graphs()) - before
    if sum(target.triple_count(graph) for graph in new) != added:
        return None
    return {ox.NamedNode(graph) for graph in new}


def _quads_of(target: KnowledgeStore, files: Sequence[tuple[LoadFile, str | None]]) -> int:
    """The quads of the graphs the files go into, when they all name one (else of the whole store): a
    count over a remote store is a query, and the whole store's costs what the store holds."""
    graphs = {g for f, g in files if not f.is_dataset}
    if any(f.is_dataset for f, _ in files) or None in graphs:
        return target.quad_count()
    return sum(target.triple_count(g) for g in graphs)


def _node(graph: str | None) -> ox.NamedNode | ox.DefaultGraph:
    return ox.NamedNode(graph) if graph else ox.DefaultGraph()


def _name(file: LoadFile) -> str:
    return file.label or file.path.name


def _uses_vocabulary(staging: KnowledgeStore) -> bool:
    """Whether a staged data triple has a qc: predicate or class, or a qcollab resource (qcr:) as subject."""
    return bool(staging.query(_USES_VOCABULARY, union_default_graph=False))


def _hints_vocabulary(file: LoadFile, tell: StepProgress) -> bool:
    """Whether the file's bytes name the qcollab namespaces (checked exactly once the data is staged)."""
    return mentions(file, VOCABULARY_HINT, lambda done: tell(f"scanning {_name(file)}", done, file.size))


def _load_one(
    store: KnowledgeStore, file: LoadFile, graph: str | None, lenient: bool, tell: StepProgress, step: str
) -> None:
    size = file.size
    with opened(file, lambda done: tell(f"{step} {_name(file)}", done, size)) as stream:
        try:
            store.bulk_load(
                stream, file.fmt, None if file.is_dataset else graph, lenient=lenient, base_iri=file.base_iri
            )
        except RdfSyntaxError as error:
            raise file.syntax_error(error) from None
    if graph and not file.is_dataset and not store.has_graph(graph):
        store.post_graph(graph, Graph())  # an empty file still makes its graph


def _load_each(
    store: KnowledgeStore,
    files: Sequence[tuple[LoadFile, str | None]],
    lenient: bool,
    tell: StepProgress,
    step: str,
) -> None:
    for index, (file, graph) in enumerate(files):
        try:
            _load_one(store, file, graph, lenient, tell, step)
        except Exception:
            if index and step == "loading":  # the files before this one stay loaded: infer from them
                infer(store, None if any(f.is_dataset for f, _ in files) else {_node(g) for _, g in files})
                store.flush()
            raise


@contextmanager
def _staged(
    files: Sequence[tuple[LoadFile, str | None]], folder: Path, lenient: bool, tell: StepProgress
) -> Iterator[KnowledgeStore]:
    """The files loaded into a temporary on-disk store in `folder`, removed afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_staging(folder)
    location = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=folder))
    staging = open_store(location)
    try:
        _load_each(staging, files, lenient, tell, "staging")
        yield staging
    finally:
        staging.close()
        shutil.rmtree(location, ignore_errors=True)


def _remove_abandoned_staging(folder: Path) -> None:
    """Remove the staging stores of loads whose process is gone (killed before its `finally`)."""
    for leftover in folder.glob(f"{STAGING_PREFIX}*"):
        pid = leftover.name.removeprefix(STAGING_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
