"""The quad store behind one small interface; Oxigraph (embedded, persistent) is the default."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import StoreInUseError, UpdateFailedError
from kg.formats.parsing import syntax_error_from
from kg.formats.table import rdf_formats
from kg.namespaces import PREFIXES
from kg.store.interface import KnowledgeStore, QueryResult, StoreChanges
from kg.store.journal import Journal

EMPTY_GRAPH = b"#empty-graph "

_IGNORED = re.compile(  # comments, IRIs and string literals, which may contain the word FROM
    r"#[^\n]*|<[^<>\"{}|^`\\\s]*>|'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"",
    re.DOTALL,
)
_FROM = re.compile(r"(?<![\w:?$])FROM(?![\w:-])", re.IGNORECASE)


def has_dataset_clause(sparql: str) -> bool:
    """True when the query names its own dataset with FROM or FROM NAMED."""
    return bool(_FROM.search(_IGNORED.sub(" ", sparql)))


EXPORT_FORMATS: dict[str, ox.RdfFormat] = {f.name: f.rdf for f in rdf_formats()}


def _graph_node(graph: str | None) -> ox.NamedNode | ox.DefaultGraph:
    return ox.NamedNode(graph) if graph else ox.DefaultGraph()


class OxigraphStore:
    """A pyoxigraph store, on disk when given a path, in memory otherwise: the KnowledgeStore back-end."""

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        if path is None:
            self.inner = ox.Store()
        elif read_only:
            self.inner = ox.Store.read_only(str(path))
        else:
            path.mkdir(parents=True, exist_ok=True)
            try:
                self.inner = ox.Store(str(path))
            except OSError as error:
                if "lock" not in str(error).lower():
                    raise
                raise StoreInUseError(
                    f"the store at {path} is in use by another process (is 'qcollab serve' running?)"
                ) from error
            self._replay()

    @property
    def _inferring_mark(self) -> Path | None:
        return None if self.path is None else self.path.with_name(self.path.name + ".inferring")

    def inferences_pending(self) -> bool:
        """Whether a bulk load stopped between adding its triples and adding their inferences."""
        mark = self._inferring_mark
        return mark is not None and mark.exists()

    def mark_inferences_pending(self, pending: bool) -> None:
        """Set (before a bulk load writes) or clear (its inferences flushed) the mark beside the store."""
        mark = self._inferring_mark
        if mark is None or self.read_only:
            return
        if pending:
            mark.write_text("a bulk load is adding triples: the inferred graph is not up to date\n")
        else:
            mark.unlink(missing_ok=True)

    def _replay(self) -> None:
        """Finish a change a crash interrupted (see kg.store.journal)."""
        assert self.path is not None
        journal = Journal(self.path)
        pending = journal.pending()
        if pending is not None:
            self._apply(pending)
            self.inner.flush()
            journal.clear()

    def query(
        self,
        sparql: str,
        *,
        union_default_graph: bool = True,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        """Run a SPARQL 1.1 query over the union default graph, unless the request (default or
        named graphs) or the query itself (FROM, FROM NAMED) names its dataset; relative IRIs of
        the text resolve against `base_iri` unless it declares its own BASE. Named graphs None: every
        graph is available to GRAPH; [] none. Default graphs not given with named graphs: empty."""
        kwargs: dict[str, object] = {"base_iri": base_iri}
        if default_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        elif union_default_graph and named_graphs is None and not has_dataset_clause(sparql):
            kwargs["use_default_graph_as_union"] = True
        if named_graphs is not None:  # [] is no named graph at all; None, every one
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
            if not default_graphs:
                kwargs["default_graph"] = []
        return self._query(sparql, **kwargs)

    def construct(self, sparql: str, substitutions: Mapping[str, str] | None = None) -> set[ox.Triple]:
        """The triples of a CONSTRUCT over the union default graph, with variables bound to IRIs."""
        bound = {ox.Variable(name): ox.NamedNode(iri) for name, iri in (substitutions or {}).items()}
        return set(self._query(sparql, use_default_graph_as_union=True, substitutions=bound))

    def _query(self, sparql: str, **kwargs: Any) -> QueryResult:
        """Evaluate with the project's prefixes; RdfSyntaxError (line, column) when it does not parse."""
        try:
            return self.inner.query(sparql, prefixes=PREFIXES, **kwargs)
        except SyntaxError as error:
            raise syntax_error_from(error) from None

    def evaluate(
        self,
        sparql: str,
        default_graph: list[ox.NamedNode | ox.DefaultGraph] | None = None,
        named_graphs: list[ox.NamedNode] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        """A query over the dataset given as is (the store's own default graph unless one is named)."""
        kwargs: dict[str, object] = {"base_iri": base_iri}
        if default_graph is not None:
            kwargs["default_graph"] = default_graph
        if named_graphs is not None:
            kwargs["named_graphs"] = named_graphs
        return self._query(sparql, **kwargs)

    def bulk_add(self, quads: Iterable[ox.Quad]) -> None:
        """Add many quads fast, outside a transaction (for bulk loads: all or nothing is not kept)."""
        self.inner.bulk_extend(quads)

    def contains(self, quad: ox.Quad) -> bool:
        """Whether the store holds this quad."""
        return quad in self.inner

    def canonical(self, quads: Iterable[ox.Quad]) -> set[ox.Quad]:
        """The quads as Oxigraph stores them: numeric and boolean literals in canonical form, integer
        subtypes (xsd:nonNegativeInteger, xsd:int, ...) as xsd:integer. Cost: the number of quads."""
        scratch = ox.Store()
        scratch.extend(quads)
        return set(scratch)

    def quads_matching(
        self,
        subject: ox.NamedNode | ox.BlankNode | None = None,
        predicate: ox.NamedNode | None = None,
        object: ox.NamedNode | ox.BlankNode | ox.Literal | None = None,  # noqa: A002
        graph: ox.NamedNode | ox.DefaultGraph | None = None,
    ) -> Iterator[ox.Quad]:
        """The quads that match a pattern (None matches anything; graph None: every graph)."""
        return self.inner.quads_for_pattern(subject, predicate, object, graph)

    def update(self, sparql: str, base_iri: str | None = None) -> None:
        """Run a SPARQL 1.1 update in one transaction (RdfSyntaxError when it does not parse)."""
        try:
            self.inner.update(sparql, prefixes=PREFIXES, base_iri=base_iri)
        except SyntaxError as error:
            raise syntax_error_from(error) from None
        except RuntimeError as error:  # evaluation errors; storage faults are OSError
            raise UpdateFailedError(f"the update failed: {error}") from error

    def replace_graph(self, graph: str, triples: Graph) -> None:
        """Atomically replace the content of one named graph."""
        body = triples.serialize(format="nt")
        self.inner.update(f"DROP SILENT GRAPH <{graph}> ; INSERT DATA {{ GRAPH <{graph}> {{ {body} }} }}")

    def add_triples(self, graph: str, triples: Graph) -> None:
        """Add triples to one named graph in a single transaction."""
        self.inner.update(f"INSERT DATA {{ GRAPH <{graph}> {{ {triples.serialize(format='nt')} }} }}")

    @classmethod
    def from_file(cls, path: Path, fmt: ox.RdfFormat = ox.RdfFormat.TURTLE) -> OxigraphStore:
        """A small file (a reference snapshot) loaded into the default graph of an in-memory store."""
        store = cls(None)
        store.inner.load(path=str(path), format=fmt)
        return store

    def load(self, data: bytes | str, fmt: ox.RdfFormat, graph: str | None = None) -> None:
        """Parse and load a serialization; a triple format goes into `graph`."""
        target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        self.inner.load(data, fmt, to_graph=target)

    def drop_graph(self, graph: str) -> None:
        self.inner.update(f"DROP SILENT GRAPH <{graph}>")

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self.inner.named_graphs() if isinstance(g, ox.NamedNode))

    def has_graph(self, graph: str) -> bool:
        return self.inner.contains_named_graph(ox.NamedNode(graph))

    def triple_count(self, graph: str | None = None) -> int:
        """Number of quads in one graph, or in the whole dataset."""
        where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "{ ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } }"
        result = self.inner.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
        return int(next(iter(result))["n"].value)

    def graph(self, graph: str) -> Graph:
        """One named graph as an rdflib Graph (for small graphs: validation, pages)."""
        data = self.inner.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
        return Graph().parse(data=data, format="nt")

    def union_graph(self, exclude: Iterable[str] = ()) -> Graph:
        """The default graph and all named graphs but the excluded ones, merged into one rdflib Graph."""
        skipped = {ox.NamedNode(g) for g in exclude}
        graphs = [ox.DefaultGraph(), *(g for g in self.inner.named_graphs() if g not in skipped)]
        merged = Graph()
        for graph in graphs:
            merged.parse(data=self.inner.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph), format="nt")
        return merged

    def quads_in_graph(self, graph: str) -> Iterator[ox.Quad]:
        """The quads of one named graph."""
        return self.inner.quads_for_pattern(None, None, None, ox.NamedNode(graph))

    def copy(self) -> OxigraphStore:
        """An in-memory copy with the same quads and the same (possibly empty) named graphs."""
        duplicate = OxigraphStore(None)
        for graph in self.inner.named_graphs():
            duplicate.inner.add_graph(graph)
        duplicate.inner.extend(self.inner)
        return duplicate

    def changes_to(self, other: KnowledgeStore) -> StoreChanges:
        """What turns this store into `other`."""
        before, after = set(self.inner), set(other.quads())
        graphs_before = {ox.NamedNode(g) for g in self.named_graphs()}
        graphs_after = {ox.NamedNode(g) for g in other.named_graphs()}
        return StoreChanges(
            before - after, after - before, graphs_after - graphs_before, graphs_before - graphs_after
        )

    def apply(self, changes: StoreChanges) -> None:
        """Apply a difference all or nothing: journaled first when the store is on disk."""
        if self.path is None or self.read_only:
            self._apply(changes)
            return
        journal = Journal(self.path)
        journal.write(changes)
        self._apply(changes)
        journal.clear()

    def _apply(self, changes: StoreChanges) -> None:
        """New graphs, removals, additions (in one transaction), dropped graphs."""
        for graph in changes.created:
            self.inner.add_graph(graph)
        for quad in changes.removed:
            self.inner.remove(quad)
        if changes.added:
            self.inner.extend(changes.added)
        for graph in changes.dropped:
            self.inner.remove_graph(graph)

    def has_graph_or_default(self, graph: str | None) -> bool:
        """Whether a named graph exists (the default graph always does)."""
        return graph is None or self.has_graph(graph)

    def put_graph(self, graph: str | None, triples: Graph) -> None:
        """Replace a graph's content (None: the default graph), creating the graph if needed."""
        if self.has_graph_or_default(graph):
            self.inner.clear_graph(_graph_node(graph))
        self.post_graph(graph, triples)

    def post_graph(self, graph: str | None, triples: Graph) -> None:
        """Merge triples into a graph (None: the default graph), creating it if needed."""
        target = _graph_node(graph)
        parsed = ox.parse(triples.serialize(format="nt"), ox.RdfFormat.N_TRIPLES)
        if isinstance(target, ox.NamedNode):
            self.inner.add_graph(target)
        self.inner.extend(ox.Quad(t.subject, t.predicate, t.object, target) for t in parsed)

    def delete_graph(self, graph: str | None) -> None:
        """Remove a named graph, or empty the default graph."""
        target = _graph_node(graph)
        if isinstance(target, ox.NamedNode):
            self.inner.remove_graph(target)
        else:
            self.inner.clear_graph(target)

    def referrers(self, iris: Iterable[str], exclude: Iterable[str] = ()) -> set[str]:
        """The IRIs that point at any of `iris`, outside the excluded graphs."""
        skipped = {ox.NamedNode(g) for g in exclude}
        return {
            quad.subject.value
            for iri in iris
            for quad in self.inner.quads_for_pattern(None, None, ox.NamedNode(iri))
            if quad.graph_name not in skipped and isinstance(quad.subject, ox.NamedNode)
        }

    def dump(self, fmt: str, output: IO[bytes], graph: str | None = None) -> None:
        """Serialize the dataset (or one graph) in an export format (see EXPORT_FORMATS)."""
        rdf_format = EXPORT_FORMATS[fmt]
        if graph is not None:
            self.inner.dump(output, rdf_format, from_graph=ox.NamedNode(graph), prefixes=PREFIXES)
        elif rdf_format.supports_datasets:
            self.inner.dump(output, rdf_format, prefixes=PREFIXES)
        else:
            self._dump_union(rdf_format, output)

    def dump_snapshot(self, output: IO[bytes]) -> None:
        """The whole dataset as N-Quads, after one comment line per empty named graph (N-Quads has none)."""
        for graph in self.inner.named_graphs():
            if next(self.inner.quads_for_pattern(None, None, None, graph), None) is None:
                output.write(EMPTY_GRAPH + str(graph).encode() + b"\n")
        self.inner.dump(output, ox.RdfFormat.N_QUADS)

    def load_snapshot(self, path: Path) -> None:
        """Add the quads and named graphs (empty ones too) of a file written by `dump_snapshot`."""
        with path.open("rb") as lines:
            for line in lines:
                if not line.startswith(EMPTY_GRAPH):
                    break
                self.inner.add_graph(ox.NamedNode(line[len(EMPTY_GRAPH) :].strip().decode()[1:-1]))
        self.inner.load(path=str(path), format=ox.RdfFormat.N_QUADS)

    def _dump_union(self, rdf_format: ox.RdfFormat, output: IO[bytes]) -> None:
        """Triple formats get the union of all graphs, duplicates removed."""
        triples = ox.Store()
        for quad in self.inner:
            triples.add(ox.Quad(quad.subject, quad.predicate, quad.object))
        triples.dump(output, rdf_format, from_graph=ox.DefaultGraph(), prefixes=PREFIXES)

    def bulk_load(
        self,
        source: Path | IO[bytes],
        fmt: ox.RdfFormat,
        graph: str | None = None,
        *,
        lenient: bool = False,
        base_iri: str | None = None,
    ) -> None:
        """Load a file or binary stream of any size, all of it or nothing, without holding it in memory.

        A triple format goes into `graph` (None: the default graph), a dataset format keeps its graphs.
        On disk this is several times faster than `load`; RdfSyntaxError (line, column) when it does not
        parse, and then nothing was written.
        """
        where: dict[str, Any] = {"path": str(source)} if isinstance(source, Path) else {"input": source}
        try:
            self.inner.bulk_load(
                format=fmt, to_graph=_graph_node(graph), lenient=lenient, base_iri=base_iri, **where
            )
        except SyntaxError as error:
            raise syntax_error_from(error) from None

    def optimize(self) -> None:
        """Compact the store for reads (after a large load; it costs time in the size of the store)."""
        self.inner.optimize()

    def quad_count(self) -> int:
        """Number of quads in the whole dataset (faster than `triple_count()`)."""
        return len(self.inner)

    def close(self) -> None:
        """Release the on-disk store (and its lock) now rather than at garbage collection."""
        if self.path is not None and not self.read_only:
            self.inner.flush()
        self.inner = ox.Store()

    def __enter__(self) -> OxigraphStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of the dataset."""
        return iter(self.inner)

    def clear(self) -> None:
        """Remove every quad and named graph (frees an in-memory copy at once)."""
        self.inner.clear()

    def flush(self) -> None:
        """Write what is buffered to disk."""
        self.inner.flush()

    def backup(self, target: Path) -> None:
        """A consistent checkpoint of the on-disk store in a new folder (hard links: milliseconds)."""
        if self.path is None:
            raise ValueError("an in-memory store has no checkpoint: open the store on disk")
        self.inner.backup(str(target))


def open_store(path: Path | None, *, read_only: bool = False) -> OxigraphStore:
    """Open the configured store (None opens an in-memory one)."""
    return OxigraphStore(path, read_only=read_only)
