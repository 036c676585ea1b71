"""Bulk loads behind the quality gate: staged on disk, validated in batches of subjects, then loaded.

Data that uses the qcollab vocabulary (a qc: predicate or class) or says something about a qcollab
resource (a qcr: subject) is validated unless told otherwise: the files are first bulk-loaded into a
temporary on-disk store beside the data (which also proves they parse), then the staged subjects are
validated with SHACL a batch at a time, each batch with its bounded context from the staging store and
from the target store (what the batch points at, a few hops deep, and one triple per range-typing
property pointing at each subject). The first failing batch stops the load with RejectedWriteError and
the target store is left as it was. Otherwise, and straight away for other data, each file is
bulk-loaded into the target (all of it or nothing) and the inferences are brought up to date. Each
triple file says its graph; a dataset file (N-Quads, TriG) keeps its own graphs.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import RdfSyntaxError, RejectedWriteError
from kg.formats.parsing import rdflib_term
from kg.namespaces import INFERRED_GRAPH, LOAD_GRAPH_PREFIX, ONTOLOGY_GRAPH, QC, QCR
from kg.quality.inference import Axioms, infer_loaded
from kg.quality.neighbourhood import RDF_TYPE, TypingPredicates
from kg.quality.reasoning import materialize
from kg.quality.shacl import Validator
from kg.store.interface import KnowledgeStore
from kg.store.loading import LoadFile, mentions, opened, plain_name
from kg.store.oxigraph import open_store
from kg.text.sentences import slugify

VOCABULARY_HINT = b"w3id.org/qcollab"  # in every file that uses the vocabulary, whatever its syntax
CONTEXT_HOPS = 3  # links followed from a batch's subjects for their context
OPTIMIZE_FROM = 500_000  # quads loaded from which the store is compacted afterwards
HIDDEN = frozenset({ox.NamedNode(str(ONTOLOGY_GRAPH)), ox.NamedNode(str(INFERRED_GRAPH))})  # not data
Resource = ox.NamedNode | ox.BlankNode
StepProgress = Callable[[str, int, int | None], None]  # step, done, total (None: unknown)

_NOT_DATA = "FILTER(?g NOT IN (qcg:ontology, qcg:inferred))"
_SUBJECTS = f"SELECT DISTINCT ?s WHERE {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} {_NOT_DATA} }} }}"
_USES_VOCABULARY = (  # a qc: predicate or class, or a statement about a qcollab resource
    f"ASK {{ {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} {_NOT_DATA} }} }} "
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


def infer(
    store: KnowledgeStore, graphs: Collection[ox.NamedNode | ox.DefaultGraph] | None = None
) -> int | None:
    """Bring the inferences up to date after a load (the one place that says how): the size of the
    rebuilt qcg:inferred, or None when nothing was to do.

    `graphs`, the graphs a load added triples to (None: unknown, or more than additions), are first
    probed for a premise of the ontology's rules (an instance of a class with a superclass, a use of a
    property with a super-property, an inverse or symmetry): data with none entails nothing new, so a
    large load of other data does not pay for a full `materialize`, whose cost grows with the store.
    """
    if graphs is not None and not _has_premise(store, graphs):
        return None
    if graphs is None or any(not isinstance(g, ox.NamedNode) or g in HIDDEN for g in graphs):
        return materialize(store)
    infer_loaded(store, sorted(g.value for g in graphs if isinstance(g, ox.NamedNode)))
    return store.triple_count(str(INFERRED_GRAPH))


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


def _has_premise(store: KnowledgeStore, graphs: Collection[ox.NamedNode | ox.DefaultGraph]) -> bool:
    """Whether the graphs hold a triple an inference rule starts from (a few index probes per graph)."""
    if any(graph in HIDDEN for graph in graphs):
        return True
    axioms = Axioms.of(store)
    properties = {*axioms.superproperties, *axioms.inverses, *axioms.symmetric}
    probes = [(p, None) for p in properties] + [(RDF_TYPE, c) for c in axioms.superclasses]
    return any(
        next(store.quads_matching(None, predicate, value, graph), None) is not None
        for graph in graphs
        for predicate, value in probes
    )


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
    before, graphs_before = target.quad_count(), set(target.named_graphs())
    if validate or replace:
        with _staged(files, staging_dir, lenient, tell) as staging:
            if validate and (not check_vocabulary or _uses_vocabulary(staging)):
                replaced = {_node(g) for f, g in files if not f.is_dataset} if replace else set()
                checker = _BatchCheck(staging, target, make_validator(), HIDDEN | replaced)
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
    report.triples = target.quad_count() - before
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


class _BatchCheck:
    """Validates the staged subjects a batch at a time, each in its context after the load."""

    def __init__(
        self,
        staging: KnowledgeStore,
        target: KnowledgeStore,
        validator: Validator,
        hidden: set[ox.NamedNode | ox.DefaultGraph] | frozenset[ox.NamedNode],
    ) -> None:
        self.staging, self.target, self.validator = staging, target, validator
        self.hidden = hidden  # graphs of the target that are not data or that the load replaces
        self.ranged = [ox.NamedNode(p) for p in sorted(TypingPredicates.of(validator.schema).with_range)]

    def run(
        self, batch_size: int, replaced: set[ox.NamedNode | ox.DefaultGraph], tell: StepProgress
    ) -> tuple[int, int]:
        """Check every batch (RejectedWriteError at the first that fails); the subjects and batches."""
        done = batches = 0
        batch: list[Resource] = []
        for subject in self._subjects(replaced):
            batch.append(subject)
            if len(batch) == batch_size:
                self.check(batch)
                done, batches, batch = done + len(batch), batches + 1, []
                tell("validating", done, None)
        if batch:
            self.check(batch)
            done, batches = done + len(batch), batches + 1
            tell("validating", done, None)
        return done, batches

    def _subjects(self, replaced: set[ox.NamedNode | ox.DefaultGraph]) -> Iterator[Resource]:
        """The staged subjects, then those of the replaced graphs that the staged data does not describe."""
        for row in self.staging.query(_SUBJECTS, union_default_graph=False):
            yield row["s"]
        for graph in replaced:
            pattern = (
                "?s ?p ?o" if isinstance(graph, ox.DefaultGraph) else f"GRAPH <{graph.value}> {{ ?s ?p ?o }}"
            )
            old = self.target.query(f"SELECT DISTINCT ?s WHERE {{ {pattern} }}", union_default_graph=False)
            for row in old:
                if next(self.staging.quads_matching(row["s"]), None) is None:
                    yield row["s"]

    def _outgoing(self, node: Resource) -> Iterator[ox.Quad]:
        """A node's triples after the load: staged ones and the target's (outside the hidden graphs)."""
        for quad in self.staging.quads_matching(node):
            if quad.graph_name not in HIDDEN:
                yield quad
        for quad in self.target.quads_matching(node):
            if quad.graph_name not in self.hidden:
                yield quad

    def _typing_witnesses(self, node: Resource) -> Iterator[ox.Quad]:
        """One triple per range-typed property pointing at the node (RDFS types it by that range)."""
        for predicate in self.ranged:
            for store, hidden in ((self.staging, HIDDEN), (self.target, self.hidden)):
                witness = next(
                    (q for q in store.quads_matching(None, predicate, node) if q.graph_name not in hidden),
                    None,
                )
                if witness is not None:
                    yield witness
                    break

    def check(self, subjects: list[Resource]) -> None:
        """Validate one batch: its subjects, and the nodes they point at that nothing describes."""
        data = Graph()
        described: set[Resource] = set()
        pointed: set[Resource] = set()
        seen: set[Resource] = set(subjects)
        frontier: set[Resource] = set(subjects)
        for hop in range(CONTEXT_HOPS + 1):
            found: set[Resource] = set()
            for quad in (q for node in frontier for q in self._outgoing(node)):
                if isinstance(quad.object, ox.Triple):
                    continue
                data.add((rdflib_term(quad.subject), rdflib_term(quad.predicate), rdflib_term(quad.object)))
                described.add(quad.subject)  # type: ignore[arg-type]
                if quad.predicate != RDF_TYPE and isinstance(quad.object, ox.NamedNode | ox.BlankNode):
                    found.add(quad.object)
            if hop == 0:
                pointed = found
            frontier = found - seen
            seen |= frontier
            if not frontier:
                break
        for quad in (q for node in subjects for q in self._typing_witnesses(node)):
            data.add((rdflib_term(quad.subject), rdflib_term(quad.predicate), rdflib_term(quad.object)))
        focus = sorted({rdflib_term(n) for n in (*subjects, *(pointed - described))}, key=str)
        outcome = self.validator.validate(data, focus_nodes=focus)  # type: ignore[arg-type]
        if not outcome.conforms:
            raise RejectedWriteError(outcome)
