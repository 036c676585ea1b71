"""What the rest of the code may ask of a quad store: the KnowledgeStore interface and its values."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

import pyoxigraph as ox
from rdflib import Graph

QueryResult = ox.QuerySolutions | ox.QueryTriples | ox.QueryBoolean


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


class KnowledgeStore(Protocol):
    """Every operation the code performs on a store; only the back-end touches the engine itself."""

    # Queries and updates (a request that does not parse raises kg.errors.RdfSyntaxError).
    def query(
        self,
        sparql: str,
        *,
        union_default_graph: bool = True,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult: ...

    def construct(self, sparql: str, substitutions: Mapping[str, str] | None = None) -> set[ox.Triple]: ...

    def evaluate(
        self,
        sparql: str,
        default_graph: list[ox.NamedNode | ox.DefaultGraph] | None = None,
        named_graphs: list[ox.NamedNode] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult: ...

    def update(self, sparql: str, base_iri: str | None = None) -> None: ...

    # Reading graphs.
    def named_graphs(self) -> list[str]: ...

    def has_graph(self, graph: str) -> bool: ...

    def has_graph_or_default(self, graph: str | None) -> bool: ...

    def triple_count(self, graph: str | None = None) -> int: ...

    def quad_count(self) -> int: ...

    def graph(self, graph: str) -> Graph: ...

    def union_graph(self, exclude: Iterable[str] = ()) -> Graph: ...

    def quads(self) -> Iterator[ox.Quad]: ...

    def quads_in_graph(self, graph: str) -> Iterator[ox.Quad]: ...

    def bulk_add(self, quads: Iterable[ox.Quad]) -> None: ...

    def contains(self, quad: ox.Quad) -> bool: ...

    def canonical(self, quads: Iterable[ox.Quad]) -> set[ox.Quad]:
        """The quads as the store would hold them (its literal canonicalization, e.g. "07"^^xsd:int -> 7)."""
        ...

    def quads_matching(
        self,
        subject: ox.NamedNode | ox.BlankNode | None = None,
        predicate: ox.NamedNode | None = None,
        object: ox.NamedNode | ox.BlankNode | ox.Literal | None = None,  # noqa: A002
        graph: ox.NamedNode | ox.DefaultGraph | None = None,
    ) -> Iterator[ox.Quad]: ...

    def referrers(self, iris: Iterable[str], exclude: Iterable[str] = ()) -> set[str]: ...

    # Writing graphs.
    def load(self, data: bytes | str, fmt: ox.RdfFormat, graph: str | None = None) -> None: ...

    # A large file or stream, never all in memory, all or nothing (RdfSyntaxError when it does not parse).
    def bulk_load(
        self,
        source: Path | IO[bytes],
        fmt: ox.RdfFormat,
        graph: str | None = None,
        *,
        lenient: bool = False,
        base_iri: str | None = None,
    ) -> None: ...

    def replace_graph(self, graph: str, triples: Graph) -> None: ...

    def drop_graph(self, graph: str) -> None: ...

    def put_graph(self, graph: str | None, triples: Graph) -> None: ...

    def post_graph(self, graph: str | None, triples: Graph) -> None: ...

    def delete_graph(self, graph: str | None) -> None: ...

    def clear(self) -> None: ...

    # What the SHACL-gated writer needs: try a change on a copy, then apply the difference.
    def copy(self) -> KnowledgeStore: ...

    def changes_to(self, other: KnowledgeStore) -> StoreChanges: ...

    def apply(self, changes: StoreChanges) -> None: ...

    # Export and the snapshots of the query workers.
    def dump(self, fmt: str, output: IO[bytes], graph: str | None = None) -> None: ...

    def dump_snapshot(self, output: IO[bytes]) -> None: ...

    def load_snapshot(self, path: Path) -> None: ...

    def backup(self, target: Path) -> None: ...

    # Life cycle.
    def flush(self) -> None: ...

    def inferences_pending(self) -> bool:
        """Whether a bulk load stopped before its inferences were added (kg.quality.loading repairs it)."""
        ...

    def mark_inferences_pending(self, pending: bool) -> None: ...

    def optimize(self) -> None: ...

    def close(self) -> None: ...

    def __enter__(self) -> KnowledgeStore: ...

    def __exit__(self, *exc_info: object) -> None: ...
