"""Writes behind a SHACL gate: a change is worked out, validated where it lands, then committed or refused."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import RejectedWriteError, StoreOperationUnsupportedError
from kg.quality.effects import Evaluate, worked_out
from kg.quality.inference import IncrementalInference
from kg.quality.neighbourhood import Neighbourhood, TypingPredicates
from kg.quality.policy import SCHEMA_GRAPHS, WritePolicy
from kg.quality.reasoning import materialize
from kg.quality.remote_commit import BULK_LOAD, needs_copy, read_ahead, send, tell_through
from kg.quality.shacl import Validator, scope_of
from kg.quality.update_on_copy import changes_on_copy
from kg.quality.update_request import UpdateRequest
from kg.quality.update_syntax import PARSE_SECONDS, check_update_syntax
from kg.store.interface import KnowledgeStore, StoreChanges
from kg.store.remote import RemoteStore
from kg.store.remote_ahead import Prefetching, ViewReads
from kg.store.remote_slice import RemoteSlice

Change = Callable[[KnowledgeStore], None]
Observer = Callable[[StoreChanges | None], None]  # None: anything may have changed


def _quads(data: Graph, graph: str | None) -> set[ox.Quad]:
    """The triples of an rdflib graph as quads of one graph (None: the default graph)."""
    target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    parsed = ox.parse(data.serialize(format="nt"), ox.RdfFormat.N_TRIPLES)
    return {ox.Quad(t.subject, t.predicate, t.object, target) for t in parsed}


def merged(first: StoreChanges, second: StoreChanges) -> StoreChanges:
    """Two changes that touch different quads, as one."""
    return StoreChanges(
        first.removed | second.removed,
        first.added | second.added,
        first.created | second.created,
        first.dropped | second.dropped,
    )


class GuardedWriter:
    """Applies SPARQL updates and Graph Store writes only when the result conforms.

    A change is worked out first (kg.quality.effects for SPARQL Update; the graph's quads for the
    Graph Store protocol), without copying the store. The nodes it touches are validated against the
    shapes and the ontology in a bounded neighbourhood (kg.quality.neighbourhood), and only a
    conforming change is committed: its quads and its inferences (kg.quality.inference) in one
    journaled step of the store. Writes are serialized by a lock. An update this module cannot work
    out alone (an operation reading what an earlier one of the same request changed) is tried on an
    in-memory copy of the store, at a cost that grows with the store: for the service, in a child
    process under the query deadline.

    Over a remote store (kg.store.remote.RemoteStore) the same steps read the remote store through a
    RemoteSlice (a few batched requests per write), and the change with its inferences is sent as one
    update request when it fits in a batch (one transaction on Oxigraph and Fuseki). There is no
    journal and no copy: an update that needs a copy is refused (StoreOperationUnsupportedError, 501),
    so is a bulk load. A refused update leaves the observers untold (nothing changed); one whose outcome
    is unknown (no answer in time, the connection broke after sending, a change of several batches)
    tells them None, so the derived views are read again from what the remote store holds.
    """

    def __init__(
        self,
        store: KnowledgeStore,
        validator: Validator,
        policy: WritePolicy | None = None,
        scratch_dir: Path | None = None,
    ) -> None:
        self.store = store
        self.scratch_dir = scratch_dir  # where an update tried on a copy puts the store's checkpoint
        self.validator = validator
        self.policy = policy or WritePolicy()
        self.typing = TypingPredicates.of(validator.schema)
        self._inference: IncrementalInference | None = None
        self._lock = threading.Lock()
        self._observers: list[Observer] = []
        self._views = ViewReads(store) if isinstance(store, RemoteStore) else None
        self._views_stale = False  # over a remote store: the views missed a change (see `_tell`)

    def observe(self, observer: Observer) -> None:
        """Call `observer` with each committed change, before the write returns (under the write lock)."""
        self._observers.append(observer)

    def views_store(self) -> KnowledgeStore:
        """The store the observers' views should read: the store itself, or over a remote store a
        ViewReads of it, through which what they read of a change they are told of is read ahead in one
        request (the name index and the statistics read it pattern by pattern)."""
        return self._views if self._views is not None else self.store  # type: ignore[return-value]

    def update(
        self,
        sparql: str,
        evaluate: Evaluate | None = None,
        copy_seconds: float | None = None,
        request: UpdateRequest | None = None,
    ) -> None:
        """Run a SPARQL 1.1 update if its result conforms (RdfSyntaxError when it does not parse).

        `evaluate` runs its WHERE clauses (kg.quality.effects; default: in this process, unbounded);
        with `copy_seconds` (and a `scratch_dir`), an update that needs a copy of the store is tried in
        a child process killed after that long (kg.quality.update_on_copy), else in this process.
        `request` gives the base IRI of the text and the protocol's update dataset.
        """
        request = request or UpdateRequest()
        base = request.base_iri
        check_update_syntax(sparql, PARSE_SECONDS, base)
        sparql = request.applied_to(sparql)
        with self._lock:
            reads = self._reads()
            worked = worked_out(reads, sparql, evaluate, base)
            if isinstance(worked, StoreChanges):
                changes = worked
            elif self.remote:
                raise StoreOperationUnsupportedError(needs_copy(worked))
            elif copy_seconds is not None and self.scratch_dir is not None:
                changes = changes_on_copy(self.store, self.scratch_dir, sparql, copy_seconds, base)
            else:
                changes = self._on_copy(lambda target: target.update(sparql, base))
            self._commit(changes, reads)

    def put_graph(self, graph_iri: str | None, data: Graph) -> bool:
        """Replace a graph's content (None: the default graph); True when the graph is new."""
        new = _quads(data, graph_iri)
        target = ox.NamedNode(graph_iri) if graph_iri else ox.DefaultGraph()
        with self._lock:
            reads = self._reads()
            self._read_ahead(reads, StoreChanges(added=new), {target})
            created = not reads.has_graph_or_default(graph_iri)
            old = set(reads.quads_matching(graph=target))
            graphs = {target} if created and isinstance(target, ox.NamedNode) else set()
            self._commit(StoreChanges(old - new, new - old, graphs), reads)  # type: ignore[arg-type]
        return created

    def post_graph(self, graph_iri: str | None, data: Graph) -> bool:
        """Merge triples into a graph (None: the default graph); True when the graph is new."""
        new = _quads(data, graph_iri)
        with self._lock:
            reads = self._reads()
            target = ox.NamedNode(graph_iri) if graph_iri else ox.DefaultGraph()
            self._read_ahead(reads, StoreChanges(added=new), {target})
            created = not reads.has_graph_or_default(graph_iri)
            added = {quad for quad in new if not reads.contains(quad)}
            graphs = {ox.NamedNode(graph_iri)} if created and graph_iri else set()
            self._commit(StoreChanges(set(), added, graphs), reads)
        return created

    def delete_graph(self, graph_iri: str | None) -> bool:
        """Remove a graph (the default graph is emptied); False when it did not exist."""
        with self._lock:
            reads = self._reads()
            if not reads.has_graph_or_default(graph_iri):
                return False
            target = ox.NamedNode(graph_iri) if graph_iri else ox.DefaultGraph()
            removed = set(reads.quads_matching(graph=target))
            dropped = {target} if isinstance(target, ox.NamedNode) else set()
            self._commit(StoreChanges(removed, set(), set(), dropped), reads)  # type: ignore[arg-type]
        return True

    @property
    def remote(self) -> bool:
        """Whether the store is a remote SPARQL store (no copy, no journal: see the class docstring)."""
        return isinstance(self.store, RemoteStore)

    def _reads(self) -> KnowledgeStore:
        """What one write reads: the store itself, or over a remote store a RemoteSlice of it."""
        return RemoteSlice(self.store) if isinstance(self.store, RemoteStore) else self.store  # type: ignore[return-value]

    def _on_copy(self, change: Change) -> StoreChanges:
        """The change a request makes, found by running it on an in-memory copy (cost: the store's size)."""
        candidate = self.store.copy()
        try:
            change(candidate)
            return self.store.changes_to(candidate)
        finally:
            candidate.clear()

    def _commit(self, changes: StoreChanges, reads: KnowledgeStore | None = None) -> None:
        """Validate, then apply the change with its inferences in one step and tell the observers."""
        reads = reads or self.store
        self._read_ahead(reads, changes)
        changes = self._settled(changes, reads)
        if not changes:
            return
        self.policy.check(reads, changes)
        self._check(changes, reads)
        schema_changed = any(q.graph_name in SCHEMA_GRAPHS for q in changes.removed | changes.added)
        if schema_changed or changes.dropped & SCHEMA_GRAPHS:
            self.store.apply(changes)
            materialize(self.store)
            self._inference = None
            self.store.flush()
            self._tell(None)
            return
        inference = self.inference
        if reads is not self.store:  # the same rules, reading through the write's slice
            inference = copy.copy(inference)
            inference.store = reads
        full = merged(changes, inference.inferences(changes))
        self._apply(full)
        self._tell(full)

    def _read_ahead(
        self,
        reads: KnowledgeStore,
        changes: StoreChanges,
        graphs: Iterable[ox.NamedNode | ox.DefaultGraph] = (),
    ) -> None:
        if isinstance(reads, Prefetching):
            read_ahead(reads, self.inference.axioms, changes, graphs)

    def _apply(self, full: StoreChanges) -> None:
        if isinstance(self.store, RemoteStore):
            send(self.store, full, lambda: self._tell(None))
        else:
            self.store.apply(full)

    def _settled(self, changes: StoreChanges, reads: KnowledgeStore | None = None) -> StoreChanges:
        """The change in the store's own terms (kg.store canonical literals), less what it would not change.

        `"5"^^xsd:int` is stored as `5`: validating or diffing the literal as written would see two
        values where the store keeps one (a record that conformed before it was stored did not after).
        """
        reads = reads or self.store
        added = reads.canonical(changes.added)
        removed = reads.canonical(changes.removed) - added
        return StoreChanges(
            {quad for quad in removed if reads.contains(quad)},
            {quad for quad in added if not reads.contains(quad)},
            changes.created,
            changes.dropped,
        )

    @property
    def inference(self) -> IncrementalInference:
        """The inference rules of the ontology graph as it is now (read again after it changes)."""
        if self._inference is None:
            self._inference = IncrementalInference(self.store)
        return self._inference

    def _tell(self, changes: StoreChanges | None) -> None:
        if self._views is None:
            for observer in self._observers:
                observer(changes)
            return
        told = tell_through(self._views, None if self._views_stale else changes, self._observers)
        self._views_stale = not told  # a view that missed a change reads the remote store again next time

    def _check(self, changes: StoreChanges, reads: KnowledgeStore | None = None) -> None:
        """Validate the nodes the change touches in their neighbourhood after the change."""
        data, focus = scope_of(Neighbourhood(reads or self.store, changes, self.typing))
        if not focus:
            return
        outcome = self.validator.validate(data, focus_nodes=focus, whole_ontology=False)
        if not outcome.conforms:
            raise RejectedWriteError(outcome)

    def load(
        self,
        path: str,
        fmt: ox.RdfFormat,
        graph: str | None,
        *,
        replace: bool = False,
        validate: bool | None = None,
        base_iri: str | None = None,
    ) -> None:
        """Bulk-load a large file into `graph` (None: the default graph; a dataset keeps its graphs).

        The file is staged beside itself and validated in batches (kg.quality.loading; `validate` None:
        when it uses the qcollab vocabulary); `replace` empties the graph once the new data passed.
        The observers are then told to rebuild their views (None), as the change is not itemized.
        """

        from kg.errors import QcollabError
        from kg.quality.loading import load_files
        from kg.store.loading import LoadFile

        if self.remote:
            raise StoreOperationUnsupportedError(BULK_LOAD)
        if graph is not None:
            self.policy.check_graph_names({ox.NamedNode(graph)})
        source = Path(path)
        with self._lock:
            unchanged = False
            try:
                load_files(
                    self.store,
                    [(LoadFile(source, fmt, base_iri), graph)],
                    make_validator=lambda: self.validator,
                    staging_dir=source.parent,
                    validate=validate,
                    replace=replace,
                )
            except QcollabError:
                unchanged = True  # refused or unreadable: nothing was written
                raise
            finally:
                if not unchanged:
                    self._inference = None  # the ontology graph may have changed
                    for observer in self._observers:
                        observer(None)
