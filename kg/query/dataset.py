"""The RDF dataset of a query request, and starting a query over a store."""

from __future__ import annotations

from dataclasses import dataclass

from kg.store.interface import KnowledgeStore, QueryResult


@dataclass(frozen=True)
class QueryDataset:
    """The RDF dataset of a request: named default and named graphs, or the union default graph."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    union: bool = True


def execute(store: KnowledgeStore, sparql: str, dataset: QueryDataset = QueryDataset()) -> QueryResult:
    """Start a query; the union default graph applies unless the request or the query names graphs."""
    return store.query(
        sparql,
        union_default_graph=dataset.union,
        default_graphs=list(dataset.default_graphs) or None,
        named_graphs=list(dataset.named_graphs) or None,
    )
