"""What one SHACL-gated write reads of a RemoteStore, fetched in a few batched requests.

The writer (kg.quality.writer) works a change out, validates its neighbourhood (kg.quality.neighbourhood)
and its inferences (kg.quality.inference) with reads of single patterns: on the embedded store each is
an index probe, on a remote store each would be a request (some forty for a small record). A
`RemoteSlice` stands in for the store during one write: `prefetch` asks the remote store, in one query,
for every quad of some subjects (their whole description), every quad pointing at some nodes, the quads
of some (subject, predicate) pairs, and whether some graphs exist; a pattern one of those answers is
then answered here, and any other read goes to the remote store as before. So the answers are the
remote store's, only fewer requests ask for them. `witnesses` gives, in one query, one quad per
(node, property) pointing at each node: what the neighbourhood types a node by.

The slice is read once, under the writer's lock, and dropped after the write: it is not kept in step
with writes made to the remote server by others meanwhile (see docs/scale-out.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from itertools import zip_longest

import pyoxigraph as ox

from kg.store.remote_ahead import Pair, Pattern, Resource
from kg.store.remote_reads import RemoteReads
from kg.store.remote_text import batches, skolem, unskolem

VALUES_BATCH = 200  # terms in one VALUES block
PAGE_QUADS = 1_000  # a whole graph is first read this far (a caller such as the wipe check may stop)


def _resources(terms: Iterable[object]) -> list[Resource]:
    return sorted({t for t in terms if isinstance(t, ox.NamedNode | ox.BlankNode)}, key=str)


def _values(variable: str, terms: Iterable[object]) -> str:
    return f"VALUES ?{variable} {{ {' '.join(str(skolem(t)) for t in terms)} }}"  # type: ignore[arg-type]


def _terms(quad: ox.Quad) -> list[str]:
    """The subject, predicate and object of a quad in SPARQL syntax, as they are on the wire."""
    return [str(skolem(quad.subject)), str(quad.predicate), str(skolem(quad.object))]


class RemoteSlice:
    """A RemoteStore as one write reads it: the patterns read ahead kept here, the others asked for."""

    def __init__(self, store: RemoteReads) -> None:
        self.store = store
        self.requests = 0  # the reads sent to the remote store (for the tests and docs/scale-out.md)
        self._local = ox.Store()  # the quads read ahead, blank nodes as they are stored (unskolemized)
        self._from: set[object] = set()  # every quad of these subjects is in _local
        self._to: set[object] = set()  # every quad pointing at these nodes is in _local
        self._pairs: set[tuple[object, object]] = set()  # every quad of these (subject, predicate)
        self._graphs: dict[str, bool] = {}  # whether these named graphs exist
        self._probes: dict[Pattern, tuple[list[ox.Quad], bool]] = {}  # the first quads; whether that is all
        self._own: list[ox.Quad] | None = None  # the remote's own default graph, when it is the union

    def __getattr__(self, name: str) -> object:
        if name == "store":  # not set yet (copy, pickle): no recursion
            raise AttributeError(name)
        return getattr(self.store, name)  # evaluate, named_graphs, canonical, query, ...: the store's

    # -- reading ahead -------------------------------------------------------------------------------

    def prefetch(
        self,
        subjects: Iterable[object] = (),
        incoming: Iterable[object] = (),
        graphs: Iterable[ox.NamedNode | ox.DefaultGraph] = (),
        typed: tuple[Iterable[object], Iterable[ox.NamedNode]] | None = None,
        probes: Mapping[Pattern, int] | None = None,
    ) -> None:
        """Read ahead, in one request (per VALUES_BATCH terms), what is not read yet: every quad of the
        `subjects`, every quad pointing at the `incoming` nodes, the quads of `typed` (nodes,
        predicates), whether the named `graphs` exist, and the first quads (as many as given) of each
        pattern of `probes` (a pattern read further than that is then asked for whole)."""
        wanted_from = [n for n in _resources(subjects) if n not in self._from]
        wanted_to = [n for n in _resources(incoming) if n not in self._to]
        names = sorted({g.value for g in graphs if isinstance(g, ox.NamedNode)} - set(self._graphs))
        nodes = [] if typed is None else [n for n in _resources(typed[0]) if n not in self._from]
        predicates = [] if typed is None else sorted(set(typed[1]), key=str)
        pairs = [(n, p) for n in nodes for p in predicates if (n, p) not in self._pairs]
        pair_nodes = _resources(n for n, _ in pairs)
        pair_predicates = sorted({p for _, p in pairs}, key=str)
        wanted_probes = [(p, n) for p, n in (probes or {}).items() if p not in self._probes]
        chunks = zip_longest(
            batches(wanted_from, VALUES_BATCH),
            batches(wanted_to, VALUES_BATCH),
            batches(names, VALUES_BATCH),
            batches(pair_nodes, VALUES_BATCH),
            batches(wanted_probes, VALUES_BATCH),
        )
        for chunk_from, chunk_to, chunk_graphs, chunk_pairs, chunk_probes in chunks:
            branches = self._quad_branches("s", chunk_from or [])
            branches += [self._probe_branch(k, *probe) for k, probe in enumerate(chunk_probes or [])]
            branches += self._quad_branches("o", chunk_to or [])
            if chunk_pairs:
                branches += self._quad_branches("s", chunk_pairs, _values("p", pair_predicates))
            if chunk_graphs:
                named = _values("x", (ox.NamedNode(g) for g in chunk_graphs))
                branches.append(f"{{ {named} {self.store.dialect.graph_test('?x')} }}")
            if branches:
                self._read_ahead(" UNION ".join(branches), [p for p, _ in chunk_probes or []])
                for pattern, limit in chunk_probes or []:
                    found = self._probes.get(pattern, ([], True))[0]
                    self._probes[pattern] = (found, len(found) < limit)
            self._from.update(chunk_from or [])
            self._to.update(chunk_to or [])
            self._pairs.update((n, p) for n in chunk_pairs or [] for p in pair_predicates)
            for graph in chunk_graphs or []:
                self._graphs.setdefault(graph, False)
        if self.store.default_is_union:
            self._own_matching(set(wanted_from), set(wanted_to), set(pairs), [p for p, _ in wanted_probes])

    def _quad_branches(self, variable: str, terms: list[Resource], extra: str = "") -> list[str]:
        if not terms:
            return []
        values = f"{_values(variable, terms)} {extra}"
        branches = [f"{{ {values} GRAPH ?g {{ ?s ?p ?o }} }}"]
        if not self.store.default_is_union:  # the remote's own default graph (else read through the GSP)
            branches.append(f"{{ {values} ?s ?p ?o }}")
        return branches

    def _probe_branch(self, key: int, pattern: Pattern, limit: int) -> str:
        """The first `limit` quads of a pattern, in every graph, tagged with `key`."""
        terms = [str(skolem(t)) if t is not None else f"?{v}" for t, v in zip(pattern, "spo", strict=True)]
        triple = " ".join(terms)
        inner = f"{{ GRAPH ?g {{ {triple} }} }}"
        if not self.store.default_is_union:
            inner += f" UNION {{ {triple} }}"
        return f"{{ {{ SELECT ?s ?p ?o ?g WHERE {{ {inner} }} LIMIT {limit} }} BIND({key} AS ?k) }}"

    def _read_ahead(self, where: str, probes: list[Pattern]) -> None:
        self.requests += 1
        sparql = f"SELECT ?s ?p ?o ?g ?x ?k WHERE {{ {where} }}"
        for row in self.store._rows(sparql):  # type: ignore[union-attr]
            if row["x"] is not None:
                self._graphs[row["x"].value] = True
                continue
            graph = row["g"] if row["g"] is not None else ox.DefaultGraph()
            if row["k"] is None:
                self._local.add(ox.Quad(unskolem(row["s"]), row["p"], unskolem(row["o"]), graph))
                continue
            pattern = probes[int(row["k"].value)]
            s, p, o = (t if t is not None else unskolem(row[v]) for t, v in zip(pattern, "spo", strict=True))
            self._probes.setdefault(pattern, ([], True))[0].append(ox.Quad(s, p, o, graph))  # type: ignore[arg-type]

    def _own_default(self) -> list[ox.Quad]:
        if self._own is None:
            self.requests += 1
            self._own = self.store._own_default()
        return self._own

    def _own_matching(
        self,
        subjects: set[object],
        objects: set[object],
        pairs: set[tuple[object, object]],
        probes: list[Pattern],
    ) -> None:
        """What was read ahead, in the remote's own default graph when its default graph is the union."""
        if not (subjects or objects or pairs or probes):
            return
        for quad in self._own_default():
            if quad.subject in subjects or quad.object in objects or (quad.subject, quad.predicate) in pairs:
                self._local.add(quad)
            terms = (quad.subject, quad.predicate, quad.object)
            for pattern in probes:
                if all(t is None or t == q for t, q in zip(pattern, terms, strict=True)):
                    self._probes[pattern][0].append(quad)

    def witnesses(
        self,
        nodes: Iterable[Resource],
        predicates: Iterable[ox.NamedNode],
        skip_graphs: Iterable[ox.NamedNode],
        skip: Iterable[ox.Quad],
    ) -> dict[Pair, ox.Triple]:
        """One triple per (node, predicate) with the predicate pointing at the node, outside the graphs of
        `skip_graphs` and other than the quads of `skip` (which one: the remote engine's choice)."""
        targets, properties = _resources(nodes), sorted(set(predicates), key=str)
        found: dict[Pair, ox.Triple] = {}
        if not targets or not properties:
            return found
        hidden = set(skip_graphs)
        skipped = {q for q in skip if q.object in set(targets) and q.predicate in set(properties)}
        for chunk in batches(targets, VALUES_BATCH):
            self.requests += 1
            for row in self.store._rows(self._witness_query(chunk, properties, hidden, skipped)):  # type: ignore[union-attr]
                node, predicate = unskolem(row["o"]), row["p"]
                found[(node, predicate)] = ox.Triple(unskolem(row["w"]), predicate, node)
        if self.store.default_is_union:
            wanted = set(targets)
            for quad in self._own_default():
                key = (quad.object, quad.predicate)
                if quad.object in wanted and quad.predicate in properties and quad not in skipped:
                    found.setdefault(key, ox.Triple(quad.subject, quad.predicate, quad.object))  # type: ignore[arg-type]
        return found

    def _witness_query(
        self,
        nodes: list[Resource],
        predicates: list[ox.NamedNode],
        hidden: set[ox.NamedNode],
        skipped: set[ox.Quad],
    ) -> str:
        values = f"{_values('o', nodes)} {_values('p', predicates)}"
        dialect = self.store.dialect
        named = [[*_terms(q), str(q.graph_name)] for q in skipped if isinstance(q.graph_name, ox.NamedNode)]
        hidden_graphs = ", ".join(str(g) for g in sorted(hidden, key=str))
        graph_filter = f"FILTER(?g NOT IN ({hidden_graphs}))" if hidden else ""
        branch = f"{{ {values} GRAPH ?g {{ ?s ?p ?o }} {graph_filter}"
        branch += f" {dialect.excluding(['?s', '?p', '?o', '?g'], named)} }}"
        if not self.store.default_is_union:
            default = [_terms(q) for q in skipped if isinstance(q.graph_name, ox.DefaultGraph)]
            branch += f" UNION {{ {values} ?s ?p ?o {dialect.excluding(['?s', '?p', '?o'], default)} }}"
        return f"SELECT ?o ?p (SAMPLE(?s) AS ?w) WHERE {{ {branch} }} GROUP BY ?o ?p"

    # -- the reads of the KnowledgeStore interface ---------------------------------------------------------

    def _covered(self, subject: object, predicate: object, object_: object) -> bool:
        return (subject is not None and (subject in self._from or (subject, predicate) in self._pairs)) or (
            object_ is not None and object_ in self._to
        )

    def quads_matching(
        self,
        subject: ox.NamedNode | ox.BlankNode | None = None,
        predicate: ox.NamedNode | None = None,
        object: ox.NamedNode | ox.BlankNode | ox.Literal | None = None,  # noqa: A002
        graph: ox.NamedNode | ox.DefaultGraph | None = None,
    ) -> Iterator[ox.Quad]:
        """The quads that match a pattern: from what was read ahead when that answers it, else asked for
        (a whole graph a page first, so that a caller looking for one quad reads no more)."""
        if self._covered(subject, predicate, object):
            return iter(list(self._local.quads_for_pattern(subject, predicate, object, graph)))
        if (subject, predicate, object) in self._probes:
            return self._probed((subject, predicate, object), graph)
        self.requests += 1
        if subject is None and predicate is None and object is None and graph is not None:
            return self._paged(graph)
        return self.store.quads_matching(subject, predicate, object, graph)

    def _probed(self, pattern: Pattern, graph: ox.NamedNode | ox.DefaultGraph | None) -> Iterator[ox.Quad]:
        found, complete = self._probes[pattern]
        seen = [q for q in found if graph is None or q.graph_name == graph]
        yield from seen
        if not complete:
            self.requests += 1
            s, p, o = pattern
            yield from (q for q in self.store.quads_matching(s, p, o, graph) if q not in set(seen))  # type: ignore[arg-type]

    def _paged(self, graph: ox.NamedNode | ox.DefaultGraph) -> Iterator[ox.Quad]:
        if isinstance(graph, ox.DefaultGraph) and self.store.default_is_union:
            yield from self._own_default()
            return
        pattern = "?s ?p ?o" if isinstance(graph, ox.DefaultGraph) else f"GRAPH {graph} {{ ?s ?p ?o }}"
        first = [
            ox.Quad(unskolem(row["s"]), row["p"], unskolem(row["o"]), graph)
            for row in self.store._rows(f"SELECT ?s ?p ?o WHERE {{ {pattern} }} LIMIT {PAGE_QUADS}")  # type: ignore[union-attr]
        ]
        yield from first
        if len(first) < PAGE_QUADS:
            return
        seen = set(first)
        self.requests += 1
        yield from (q for q in self.store.quads_matching(graph=graph) if q not in seen)

    def contains(self, quad: ox.Quad) -> bool:
        if self._covered(quad.subject, quad.predicate, quad.object):
            return quad in self._local
        probed = self._probes.get((None, quad.predicate, quad.object)) or self._probes.get(
            (None, None, quad.object)
        )
        if probed is not None and (probed[1] or quad in probed[0]):
            return quad in probed[0]
        self.requests += 1
        return self.store.contains(quad)

    def has_graph(self, graph: str) -> bool:
        if graph not in self._graphs:
            self.requests += 1
            self._graphs[graph] = self.store.has_graph(graph)
        return self._graphs[graph]

    def has_graph_or_default(self, graph: str | None) -> bool:
        return graph is None or self.has_graph(graph)
