"""The SHACL gate of a bulk load (kg.quality.loading): the staged subjects validated a batch at a time.

Each batch is validated in its bounded context after the load: what its subjects point at, a few hops
deep, from the staging store and from the target store, and one triple per range-typing property
pointing at each subject. Over a remote target store (QCOLLAB_STORE=sparql) the target is read through
a RemoteSlice (kg.store.remote_slice): one query per hop for the descriptions of the nodes reached, and
one for the typing witnesses, instead of one request per node and property.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import RejectedWriteError
from kg.formats.parsing import rdflib_term
from kg.namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH
from kg.quality.neighbourhood import RDF_TYPE, TypingPredicates
from kg.quality.shacl import Validator
from kg.store.interface import KnowledgeStore
from kg.store.remote_ahead import prefetch
from kg.store.remote_reads import RemoteReads
from kg.store.remote_slice import RemoteSlice

CONTEXT_HOPS = 3  # links followed from a batch's subjects for their context
HIDDEN = frozenset({ox.NamedNode(str(ONTOLOGY_GRAPH)), ox.NamedNode(str(INFERRED_GRAPH))})  # not data
Resource = ox.NamedNode | ox.BlankNode
StepProgress = Callable[[str, int, int | None], None]  # step, done, total (None: unknown)
NOT_DATA = "FILTER(?g NOT IN (qcg:ontology, qcg:inferred))"
_SUBJECTS = f"SELECT DISTINCT ?s WHERE {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} {NOT_DATA} }} }}"


class BatchCheck:
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

    def _outgoing(self, target: KnowledgeStore, node: Resource) -> Iterator[ox.Quad]:
        """A node's triples after the load: staged ones and the target's (outside the hidden graphs)."""
        for quad in self.staging.quads_matching(node):
            if quad.graph_name not in HIDDEN:
                yield quad
        for quad in target.quads_matching(node):
            if quad.graph_name not in self.hidden:
                yield quad

    def _typing_witnesses(
        self, target: KnowledgeStore, nodes: list[Resource]
    ) -> Iterator[ox.Quad | ox.Triple]:
        """One triple per range-typed property pointing at each node (RDFS types it by that range): from
        the staged data, else from the target (over a remote target, in one query for the batch)."""
        missing: list[tuple[Resource, ox.NamedNode]] = []
        for node in nodes:
            for predicate in self.ranged:
                staged = self.staging.quads_matching(None, predicate, node)
                witness = next((q for q in staged if q.graph_name not in HIDDEN), None)
                if witness is not None:
                    yield witness
                else:
                    missing.append((node, predicate))
        if isinstance(target, RemoteSlice) and not any(isinstance(g, ox.DefaultGraph) for g in self.hidden):
            skipped = [g for g in self.hidden if isinstance(g, ox.NamedNode)]
            found = target.witnesses({n for n, _ in missing}, self.ranged, skipped, ())
            yield from (found[pair] for pair in missing if pair in found)
            return
        for node, predicate in missing:
            old = target.quads_matching(None, predicate, node)
            witness = next((q for q in old if q.graph_name not in self.hidden), None)
            if witness is not None:
                yield witness

    def check(self, subjects: list[Resource]) -> None:
        """Validate one batch: its subjects, and the nodes they point at that nothing describes."""
        target = RemoteSlice(self.target) if isinstance(self.target, RemoteReads) else self.target
        data = Graph()
        described: set[Resource] = set()
        pointed: set[Resource] = set()
        seen: set[Resource] = set(subjects)
        frontier: set[Resource] = set(subjects)
        for hop in range(CONTEXT_HOPS + 1):
            found: set[Resource] = set()
            prefetch(target, subjects=frontier)  # one query over a remote target; nothing on the embedded
            for quad in (q for node in frontier for q in self._outgoing(target, node)):
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
        for quad in self._typing_witnesses(target, subjects):
            data.add((rdflib_term(quad.subject), rdflib_term(quad.predicate), rdflib_term(quad.object)))
        focus = sorted({rdflib_term(n) for n in (*subjects, *(pointed - described))}, key=str)
        outcome = self.validator.validate(data, focus_nodes=focus)  # type: ignore[arg-type]
        if not outcome.conforms:
            raise RejectedWriteError(outcome)
