"""The reads of kg.store.remote.RemoteStore: quads by pattern, graphs, counts, with the terms unskolemized.

The store's own default graph is read with queries that name no dataset, unless the remote's default
graph is the union of all graphs: then it is read through the Graph Store Protocol (`?default`) and
filtered here (the project keeps little or nothing there).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import Graph

from kg.store.dialects import Dialect
from kg.store.remote_text import SKOLEM, batches, skolem, unskolem, unskolem_answer, unskolem_quad
from kg.store.sparql_http import SparqlHttpClient, parse_answer

REFERRER_BATCH = 200  # IRIs in one VALUES block
STATE_GRAPH = "https://w3id.org/qcollab/graph/store-state"  # RemoteStore's own marks (kg.store.remote)


class RemoteReads:
    """What RemoteStore reads, over its SparqlHttpClient."""

    def __init__(self, client: SparqlHttpClient, *, default_is_union: bool, dialect: Dialect) -> None:
        self.client = client
        self.default_is_union = default_is_union
        self.dialect = dialect

    def _rows(self, sparql: str) -> ox.QuerySolutions | ox.QueryBoolean:
        answer = self.client.query(sparql)
        parsed = parse_answer(unskolem_answer(answer.body, answer.media_type), answer.media_type)
        assert not isinstance(parsed, list), "a SELECT or ASK answered with triples"
        return parsed

    def _count(self, where: str) -> int:
        return int(next(iter(self._rows(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")))["n"].value)  # type: ignore[arg-type]

    def _own_default(self) -> list[ox.Quad]:
        """The remote's own default graph, through the Graph Store Protocol (for a union default graph);
        none on an engine that keeps no default graph apart (kg.store.dialects)."""
        if not self.dialect.own_default_graph:
            return []
        body = self.client.gsp_get(None) or b""
        return [
            unskolem_quad(q) for q in ox.parse(unskolem_answer(body, "n-triples"), ox.RdfFormat.N_TRIPLES)
        ]

    def named_graphs(self) -> list[str]:
        rows = self._rows(self.dialect.graphs_query())
        return sorted(
            g.value for row in rows if isinstance(g := row["g"], ox.NamedNode) and g.value != STATE_GRAPH
        )  # type: ignore[union-attr]

    def has_graph(self, graph: str) -> bool:
        return bool(self._rows(self.dialect.graph_ask(str(ox.NamedNode(graph)))))

    def has_graph_or_default(self, graph: str | None) -> bool:
        """Whether a named graph exists (the default graph always does)."""
        return graph is None or self.has_graph(graph)

    def triple_count(self, graph: str | None = None) -> int:
        """Number of quads in one graph, or in the whole dataset."""
        if graph is not None:
            return self._count(f"GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }}")
        named = self._count(f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{STATE_GRAPH}>)")  # the mark is no data
        return named + (len(self._own_default()) if self.default_is_union else self._count("?s ?p ?o"))

    def quad_count(self) -> int:
        return self.triple_count()

    def quads_matching(
        self,
        subject: ox.NamedNode | ox.BlankNode | None = None,
        predicate: ox.NamedNode | None = None,
        object: ox.NamedNode | ox.BlankNode | ox.Literal | None = None,  # noqa: A002
        graph: ox.NamedNode | ox.DefaultGraph | None = None,
    ) -> Iterator[ox.Quad]:
        """The quads that match a pattern (None matches anything; graph None: every graph)."""
        bound = [subject, predicate, object]
        terms = [str(skolem(t)) if t is not None else f"?{v}" for t, v in zip(bound, "spo", strict=True)]
        pattern = " ".join(terms)
        if graph is None and not self.default_is_union:  # one request: the named graphs and the default
            where = f"{{ GRAPH ?g {{ {pattern} }} }} UNION {{ {pattern} }}"
            for row in self._rows(f"SELECT * WHERE {{ {where} }}"):  # type: ignore[union-attr]
                yield _quad(row, bound, None if row["g"] is not None else ox.DefaultGraph())
            return
        if graph is None or isinstance(graph, ox.NamedNode):
            where = f"GRAPH {graph if graph is not None else '?g'} {{ {pattern} }}"
            for row in self._rows(f"SELECT * WHERE {{ {where} }}"):  # type: ignore[union-attr]
                yield _quad(row, bound, graph)
        if graph is None or isinstance(graph, ox.DefaultGraph):
            yield from self._default_matching(bound, pattern)

    def _default_matching(
        self, bound: list[ox.NamedNode | ox.BlankNode | ox.Literal | None], pattern: str
    ) -> Iterator[ox.Quad]:
        if self.default_is_union:
            s, p, o = bound
            for quad in self._own_default():
                if (
                    (s is None or quad.subject == s)
                    and (p is None or quad.predicate == p)
                    and (o is None or quad.object == o)
                ):
                    yield quad
            return
        for row in self._rows(f"SELECT * WHERE {{ {pattern} }}"):  # type: ignore[union-attr]
            yield _quad(row, bound, ox.DefaultGraph())

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of the dataset."""
        return self.quads_matching()

    def quads_in_graph(self, graph: str) -> Iterator[ox.Quad]:
        """The quads of one named graph (through the Graph Store Protocol when it is configured)."""
        target = ox.NamedNode(graph)
        if self.client.gsp_url is None:
            return self.quads_matching(graph=target)
        body = unskolem_answer(self.client.gsp_get(graph) or b"", "n-triples")
        return iter(
            [
                ox.Quad(t.subject, t.predicate, t.object, target)
                for t in ox.parse(body, ox.RdfFormat.N_TRIPLES)
            ]
        )

    def contains(self, quad: ox.Quad) -> bool:
        """Whether the store holds this quad."""
        if isinstance(quad.graph_name, ox.DefaultGraph) and self.default_is_union:
            return quad in self._own_default()
        triple = f"{skolem(quad.subject)} {quad.predicate} {skolem(quad.object)}"
        where = (
            triple
            if isinstance(quad.graph_name, ox.DefaultGraph)
            else f"GRAPH {quad.graph_name} {{ {triple} }}"
        )
        return bool(self._rows(f"ASK {{ {where} }}"))

    def graph(self, graph: str) -> Graph:
        """One named graph as an rdflib Graph (for small graphs)."""
        return _rdflib(ox.Quad(q.subject, q.predicate, q.object) for q in self.quads_in_graph(graph))

    def union_graph(self, exclude: Iterable[str] = ()) -> Graph:
        """The default graph and all named graphs but the excluded ones, merged into one rdflib Graph."""
        skipped = {ox.NamedNode(g) for g in exclude}
        return _rdflib(
            ox.Quad(q.subject, q.predicate, q.object) for q in self.quads() if q.graph_name not in skipped
        )

    def referrers(self, iris: Iterable[str], exclude: Iterable[str] = ()) -> set[str]:
        """The IRIs that point at any of `iris`, outside the excluded graphs."""
        skipped = set(exclude)
        found: set[str] = set()
        for batch in batches(sorted(set(iris)), REFERRER_BATCH):
            values = " ".join(str(ox.NamedNode(iri)) for iri in batch)
            body = f'VALUES ?o {{ {values} }} ?s ?p ?o FILTER(isIRI(?s) && !STRSTARTS(STR(?s), "{SKOLEM}"))'
            rows = self._rows(f"SELECT DISTINCT ?s ?g WHERE {{ GRAPH ?g {{ {body} }} }}")
            found |= {row["s"].value for row in rows if row["g"].value not in skipped}  # type: ignore[union-attr]
            if self.default_is_union:
                targets = {ox.NamedNode(iri) for iri in batch}
                found |= {
                    q.subject.value
                    for q in self._own_default()
                    if q.object in targets and isinstance(q.subject, ox.NamedNode)
                }
            else:
                found |= {row["s"].value for row in self._rows(f"SELECT DISTINCT ?s WHERE {{ {body} }}")}  # type: ignore[union-attr]
        return found


def _quad(row: ox.QuerySolution, bound: list, graph: ox.NamedNode | ox.DefaultGraph | None) -> ox.Quad:
    s, p, o = (term if term is not None else row[name] for term, name in zip(bound, "spo", strict=True))
    return ox.Quad(unskolem(s), p, unskolem(o), graph if graph is not None else row["g"])


def _rdflib(triples: Iterable[ox.Quad]) -> Graph:
    return Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
