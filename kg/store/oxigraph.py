"""The quad store behind one small interface; Oxigraph (embedded, persistent) is the default."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

import pyoxigraph as ox
from rdflib import Graph

from kg.errors import StoreInUseError, UpdateFailedError
from kg.namespaces import PREFIXES

QueryResult = ox.QuerySolutions | ox.QueryTriples | ox.QueryBoolean

_IGNORED = re.compile(  # comments, IRIs and string literals, which may contain the word FROM
    r"#[^\n]*|<[^<>\"{}|^`\\\s]*>|'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"",
    re.DOTALL,
)
_FROM = re.compile(r"(?<![\w:?$])FROM(?![\w:-])", re.IGNORECASE)


def has_dataset_clause(sparql: str) -> bool:
    """True when the query names its own dataset with FROM or FROM NAMED."""
    return bool(_FROM.search(_IGNORED.sub(" ", sparql)))

EXPORT_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


@dataclass(frozen=True)
class StoreChanges:
    """A difference between two states of a store."""

    removed: set[ox.Quad] = field(default_factory=set)
    added: set[ox.Quad] = field(default_factory=set)
    created: set[ox.NamedNode] = field(default_factory=set)
    dropped: set[ox.NamedNode] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.removed or self.added or self.created or self.dropped)

    def touched_iris(self) -> set[str]:
        """The subjects and objects (IRIs) of every quad added or removed."""
        return {
            term.value
            for quad in self.removed | self.added
            for term in (quad.subject, quad.object)
            if isinstance(term, ox.NamedNode)
        }


def _graph_node(graph: str | None) -> ox.NamedNode | ox.DefaultGraph:
    return ox.NamedNode(graph) if graph else ox.DefaultGraph()


class KnowledgeStore(Protocol):
    """What the rest of the code may ask of a store."""

    def query(
        self,
        sparql: str,
        *,
        union_default_graph: bool = True,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> QueryResult: ...

    def update(self, sparql: str) -> None: ...

    def replace_graph(self, graph: str, triples: Graph) -> None: ...

    def drop_graph(self, graph: str) -> None: ...

    def named_graphs(self) -> list[str]: ...

    def triple_count(self, graph: str | None = None) -> int: ...

    def union_graph(self, exclude: Iterable[str] = ()) -> Graph: ...

    def dump(self, fmt: str, output: IO[bytes], graph: str | None = None) -> None: ...

    # What the SHACL-gated writer (kg/writes.py) needs: try a change on a copy, then apply the difference.
    def copy(self) -> KnowledgeStore: ...

    def changes_to(self, other: KnowledgeStore) -> StoreChanges: ...

    def apply(self, changes: StoreChanges) -> None: ...

    def put_graph(self, graph: str | None, triples: Graph) -> None: ...

    def post_graph(self, graph: str | None, triples: Graph) -> None: ...

    def delete_graph(self, graph: str | None) -> None: ...

    def referrers(self, iris: Iterable[str], exclude: Iterable[str] = ()) -> set[str]: ...


class OxigraphStore:
    """A pyoxigraph store, on disk when given a path, in memory otherwise."""

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

    def query(
        self,
        sparql: str,
        *,
        union_default_graph: bool = True,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> QueryResult:
        """Run a SPARQL 1.1 query over the union default graph, unless the request (default or
        named graphs) or the query itself (FROM, FROM NAMED) names its dataset."""
        kwargs: dict[str, object] = {}
        if default_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        elif union_default_graph and not named_graphs and not has_dataset_clause(sparql):
            kwargs["use_default_graph_as_union"] = True
        if named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
            if not default_graphs:
                kwargs["default_graph"] = [ox.DefaultGraph()]
        return self.inner.query(sparql, prefixes=PREFIXES, **kwargs)

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 update in one transaction (SyntaxError when it does not parse)."""
        try:
            self.inner.update(sparql, prefixes=PREFIXES)
        except RuntimeError as error:  # evaluation errors; storage faults are OSError
            raise UpdateFailedError(f"the update failed: {error}") from error

    def replace_graph(self, graph: str, triples: Graph) -> None:
        """Atomically replace the content of one named graph."""
        body = triples.serialize(format="nt")
        self.inner.update(f"DROP SILENT GRAPH <{graph}> ; INSERT DATA {{ GRAPH <{graph}> {{ {body} }} }}")

    def add_triples(self, graph: str, triples: Graph) -> None:
        """Add triples to one named graph in a single transaction."""
        self.inner.update(f"INSERT DATA {{ GRAPH <{graph}> {{ {triples.serialize(format='nt')} }} }}")

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

    def copy(self) -> OxigraphStore:
        """An in-memory copy with the same quads and the same (possibly empty) named graphs."""
        duplicate = OxigraphStore(None)
        for graph in self.inner.named_graphs():
            duplicate.inner.add_graph(graph)
        duplicate.inner.extend(self.inner)
        return duplicate

    def changes_to(self, other: OxigraphStore) -> StoreChanges:
        """What turns this store into `other`."""
        before, after = set(self.inner), set(other.inner)
        graphs_before, graphs_after = set(self.inner.named_graphs()), set(other.inner.named_graphs())
        return StoreChanges(before - after, after - before, graphs_after - graphs_before,
                            graphs_before - graphs_after)

    def apply(self, changes: StoreChanges) -> None:
        """Apply a difference: new graphs, removals, additions (in one transaction), dropped graphs."""
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

    def _dump_union(self, rdf_format: ox.RdfFormat, output: IO[bytes]) -> None:
        """Triple formats get the union of all graphs, duplicates removed."""
        triples = ox.Store()
        for quad in self.inner:
            triples.add(ox.Quad(quad.subject, quad.predicate, quad.object))
        triples.dump(output, rdf_format, from_graph=ox.DefaultGraph(), prefixes=PREFIXES)

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
        return iter(self.inner)

    def flush(self) -> None:
        self.inner.flush()


def open_store(path: Path | None, *, read_only: bool = False) -> OxigraphStore:
    """Open the configured store (None opens an in-memory one)."""
    return OxigraphStore(path, read_only=read_only)
