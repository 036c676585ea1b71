"""The RDF dataset of a query request, and starting a query over a store."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.store.interface import KnowledgeStore, QueryResult


@dataclass(frozen=True)
class QueryDataset:
    """The RDF dataset of a request: named default and named graphs, or the union default graph; and
    the base IRI its relative IRIs resolve against (SPARQL 1.1 Protocol 2.1.4: the service's).

    Without `union` the dataset is taken as given, as SPARQL Update does for its WHERE clauses: no
    default graphs named means the store's own default graph, and `all_named` False with no named
    graphs means none (USING without USING NAMED).
    """

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    union: bool = True
    all_named: bool = True
    base_iri: str | None = None


def execute(store: KnowledgeStore, sparql: str, dataset: QueryDataset = QueryDataset()) -> QueryResult:
    """Start a query; the union default graph applies unless the request or the query names graphs."""
    if not dataset.union:
        return store.evaluate(
            sparql,
            default_graph=[ox.NamedNode(g) for g in dataset.default_graphs] or None,
            named_graphs=[ox.NamedNode(g) for g in dataset.named_graphs]
            if dataset.named_graphs or not dataset.all_named
            else None,
            base_iri=dataset.base_iri,
        )
    return store.query(
        sparql,
        union_default_graph=dataset.union,
        default_graphs=list(dataset.default_graphs) or None,
        # SPARQL 1.1 Protocol 2.1.4: a dataset named by the request has only the named graphs it names
        named_graphs=list(dataset.named_graphs) if dataset.named_graphs or dataset.default_graphs else None,
        base_iri=dataset.base_iri,
    )
