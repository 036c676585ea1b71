"""What a SPARQL 1.1 Update would change, worked out before anything is written.

The request is split into its operations (kg.quality.update_text). INSERT
DATA and DELETE DATA are parsed by the engine on an empty scratch store; DELETE WHERE and
DELETE/INSERT … WHERE have their WHERE clause evaluated first and their templates instantiated with
CONSTRUCT queries, one per template block (the graph of a `GRAPH ?g` block bound per value); CLEAR
and DROP read the graphs they empty. The cost is that of the patterns and the graphs the request
names, never a pass over the store; CREATE, ADD, MOVE and COPY read the graphs they name
(kg.quality.graph_ops). What this module does not work out (LOAD, or an operation that reads what
an earlier operation of the same request changed) it reports as `None` (`worked_out` says why), and
the writer falls back to trying the request on a copy of the store (over a remote store, which has no
copy, it refuses the request naming the form). Over a remote store the reads are batched
(kg.store.remote_slice): the quads of an operation are checked against the store in one request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

import pyoxigraph as ox

from kg.errors import UpdateFailedError
from kg.formats.parsing import syntax_error_from
from kg.namespaces import PREFIXES
from kg.quality.graph_ops import GRAPH_OPERATIONS, clear_or_drop, graph_operation, graphs_named, split_silent
from kg.quality.update_text import Operation, block, operations, tokens_of
from kg.store.interface import KnowledgeStore, StoreChanges
from kg.store.remote_ahead import ends, prefetch

_READS = {"DELETE_WHERE", "MODIFY", "CLEAR", "DROP"} | GRAPH_OPERATIONS
Evaluate = Callable[..., Iterable]  # like KnowledgeStore.evaluate(sparql, default_graph=, named_graphs=)


@dataclass
class _Net:
    """The net difference of a request so far, relative to the store."""

    store: KnowledgeStore
    removed: set[ox.Quad] = field(default_factory=set)
    added: set[ox.Quad] = field(default_factory=set)
    graphs_dropped: set[ox.NamedNode] = field(default_factory=set)
    graphs_created: set[ox.NamedNode] = field(default_factory=set)

    def insert(self, quads: Iterable[ox.Quad]) -> None:
        quads = list(quads)
        prefetch(self.store, subjects=ends(quads), graphs={quad.graph_name for quad in quads})
        for quad in quads:
            if quad in self.removed:
                self.removed.discard(quad)
            elif not self.store.contains(quad):
                self.added.add(quad)
            if isinstance(quad.graph_name, ox.NamedNode) and not self.store.has_graph(quad.graph_name.value):
                self.graphs_created.add(quad.graph_name)

    def delete(self, quads: Iterable[ox.Quad]) -> None:
        quads = list(quads)
        prefetch(self.store, subjects=ends(quads), graphs={quad.graph_name for quad in quads})
        for quad in quads:
            if quad in self.added:
                self.added.discard(quad)
            elif self.store.contains(quad):
                self.removed.add(quad)

    def changes(self) -> StoreChanges:
        return StoreChanges(self.removed, self.added, self.graphs_created, self.graphs_dropped)


def check_syntax(sparql: str, base_iri: str | None = None) -> None:
    """Parse the request with the engine (on an empty scratch store); RdfSyntaxError with line and column."""
    try:
        ox.Store().update(sparql, prefixes=PREFIXES, base_iri=base_iri)
    except SyntaxError as error:
        raise syntax_error_from(error) from None
    except (RuntimeError, OSError):
        pass  # an evaluation error on the empty store (e.g. CREATE of an existing graph): judged later


def effect_of(
    store: KnowledgeStore, sparql: str, evaluate: Evaluate | None = None, base_iri: str | None = None
) -> StoreChanges | None:
    """The change a (syntactically valid) update request would make; None when not worked out here.

    `evaluate` runs the WHERE clauses (default: `store.evaluate`); the service gives one that runs them
    in a query worker under the query deadline, so a heavy pattern is killed like a heavy query.
    Relative IRIs resolve against `base_iri` unless the request declares its own BASE.
    """
    worked = worked_out(store, sparql, evaluate, base_iri)
    return worked if isinstance(worked, StoreChanges) else None


def worked_out(
    store: KnowledgeStore, sparql: str, evaluate: Evaluate | None = None, base_iri: str | None = None
) -> StoreChanges | str:
    """As `effect_of`, but what is not worked out here is told by why: the form of the request."""
    evaluate = evaluate or store.evaluate
    ops = operations(sparql, base_iri)
    unknown = [op for op in ops if op.kind not in {"INSERT_DATA", "DELETE_DATA"} | _READS]
    if unknown:
        return f"{_form(unknown[0])} (an operation the writer does not work out alone)"
    net = _Net(store)
    for position, op in enumerate(ops):
        if op.kind in _READS and position > 0 and _reads_changed(op, net):
            return (
                f"operation {position + 1} ({_form(op)}) reads a graph an earlier operation of the same "
                "request changed"
            )
        understood = True
        if op.kind in ("INSERT_DATA", "DELETE_DATA"):
            quads = _data_quads(op)
            net.insert(quads) if op.kind == "INSERT_DATA" else net.delete(quads)
        elif op.kind in ("CLEAR", "DROP"):
            words = [t.text for t in op.tokens[1:]]
            understood = clear_or_drop(store, op.kind, words, net, partial(_resolve, op))
        elif op.kind in GRAPH_OPERATIONS:
            words = [token.text for token in op.tokens[1:]]
            understood = graph_operation(store, op.kind, words, net, partial(_resolve, op))
        else:
            understood = _modify(evaluate, op, net)
        if not understood:
            return f"operation {position + 1} ({_form(op)}) is in a form the writer does not split"
    return net.changes()


def _form(op: Operation) -> str:
    """An operation's kind as it is written (DELETE/INSERT … WHERE for MODIFY)."""
    return "DELETE/INSERT … WHERE" if op.kind == "MODIFY" else op.kind.replace("_", " ")


def _reads_changed(op: Operation, net: _Net) -> bool:
    """Whether the operation may read a graph an earlier operation of the request changed."""
    changes = net.changes()
    if not changes:
        return False
    _, words = split_silent([token.text for token in op.tokens[1:]])
    reads: set[ox.NamedNode | ox.DefaultGraph] | None = None
    if op.kind in GRAPH_OPERATIONS:
        reads = graphs_named(words, partial(_resolve, op))
    elif op.kind in ("CLEAR", "DROP") and [w.upper() for w in words] == ["DEFAULT"]:
        reads = {ox.DefaultGraph()}
    elif op.kind in ("CLEAR", "DROP") and len(words) == 2 and words[0].upper() == "GRAPH":
        graph = _resolve(op, words[1])
        reads = None if graph is None else {graph}
    if reads is None:
        return True
    touched = {q.graph_name for q in changes.removed | changes.added} | changes.created | changes.dropped
    return bool(reads & touched)


def _data_quads(op: Operation) -> list[ox.Quad]:
    """The quads of INSERT DATA / DELETE DATA, parsed by the engine on a scratch store."""
    body = op.text[op.tokens[2].start - op.tokens[0].start :]
    scratch = ox.Store()
    try:
        scratch.update(f"{op.prologue}\nINSERT DATA {body}", prefixes=PREFIXES)
    except SyntaxError as error:
        raise syntax_error_from(error) from None
    return list(scratch)


def _resolve(op: Operation, term: str) -> ox.NamedNode | None:
    """An IRI or prefixed name of the request as an IRI (with its prologue)."""
    try:
        rows = ox.Store().query(f"{op.prologue}\nSELECT ?g WHERE {{ BIND({term} AS ?g) }}", prefixes=PREFIXES)
        value = next(iter(rows))["g"]  # type: ignore[index]
    except (SyntaxError, StopIteration, TypeError):
        return None
    return value if isinstance(value, ox.NamedNode) else None


@dataclass
class _Modify:
    """DELETE/INSERT … WHERE, cut into its parts."""

    with_graph: str | None = None
    delete: str | None = None
    insert: str | None = None
    using: list[str] = field(default_factory=list)
    using_named: list[str] = field(default_factory=list)
    where: str = "{}"


def _parts(op: Operation) -> _Modify | None:
    tokens, text, base = op.tokens, op.text, op.tokens[0].start
    parts = _Modify()

    def span(first: int, last: int) -> str:
        return text[tokens[first].start - base : tokens[last - 1].end - base]

    index = 0
    while index < len(tokens):
        word = tokens[index].text.upper() if tokens[index].kind == "word" else ""
        if word == "WITH":
            parts.with_graph, index = tokens[index + 1].text, index + 2
        elif word in ("DELETE", "INSERT") and op.kind == "DELETE_WHERE":
            end = block(tokens, index + 2)
            parts.delete = parts.where = span(index + 2, end)
            index = end
        elif word in ("DELETE", "INSERT"):
            end = block(tokens, index + 1)
            setattr(parts, word.lower(), span(index + 1, end))
            index = end
        elif word == "USING":
            named = tokens[index + 1].text.upper() == "NAMED"
            iri = tokens[index + 2 if named else index + 1].text
            (parts.using_named if named else parts.using).append(iri)
            index += 3 if named else 2
        elif word == "WHERE":
            end = block(tokens, index + 1)
            parts.where, index = span(index + 1, end), end
        else:
            return None
    return parts


def _template_blocks(template: str) -> list[tuple[str | None, str]]:
    """A quad template as (graph term or None, triples text) blocks."""
    inner = template.strip()[1:-1]
    tokens = tokens_of(inner)
    blocks: list[tuple[str | None, str]] = []
    rest: list[str] = []
    cursor, index = 0, 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind == "word" and token.text.upper() == "GRAPH" and index + 2 < len(tokens):
            end = block(tokens, index + 2)
            rest.append(inner[cursor : token.start])
            body = inner[tokens[index + 2].start + 1 : tokens[end - 1].start]
            blocks.append((tokens[index + 1].text, body))
            cursor = tokens[end - 1].end
            index = end
            continue
        index += 1
    rest.append(inner[cursor:])
    default = " ".join(part.strip() for part in rest).strip().strip(".").strip()
    if default:
        blocks.insert(0, (None, default))
    return blocks


def _modify(evaluate: Evaluate, op: Operation, net: _Net) -> bool:
    parts = _parts(op)
    if parts is None:
        return False
    dataset: dict[str, object] = {}
    if parts.using or parts.using_named:
        dataset["default_graph"] = [_resolve(op, iri) for iri in parts.using]
        dataset["named_graphs"] = [_resolve(op, iri) for iri in parts.using_named]
    elif parts.with_graph:
        dataset["default_graph"] = [_resolve(op, parts.with_graph)]
    if any(graph is None for graphs in dataset.values() for graph in graphs):  # type: ignore[attr-defined]
        return False
    target = _resolve(op, parts.with_graph) if parts.with_graph else ox.DefaultGraph()
    if target is None:
        return False
    removed = _instances(evaluate, op, parts.delete, parts.where, dataset, target)
    added = _instances(evaluate, op, parts.insert, parts.where, dataset, target)
    net.delete(removed - added)
    net.insert(added)
    return True


def _instances(
    evaluate: Evaluate,
    op: Operation,
    template: str | None,
    where: str,
    dataset: dict[str, object],
    target: ox.NamedNode | ox.DefaultGraph,
) -> set[ox.Quad]:
    """The quads a template yields over the solutions of the WHERE clause."""
    if template is None:
        return set()
    quads: set[ox.Quad] = set()
    for graph_term, triples in _template_blocks(template):
        if graph_term is None:
            graphs: list[ox.NamedNode | ox.DefaultGraph] = [target]
            bindings = [""]
        elif graph_term.startswith(("?", "$")):
            rows = evaluate(f"{op.prologue}\nSELECT DISTINCT {graph_term} WHERE {where}", **dataset)
            values = [row[graph_term[1:]] for row in rows]  # type: ignore[index]
            graphs = [value for value in values if isinstance(value, ox.NamedNode)]
            bindings = [f" VALUES {graph_term} {{ {value} }}" for value in graphs]
        else:
            named = _resolve(op, graph_term)
            if named is None:
                raise UpdateFailedError(f"cannot resolve the graph {graph_term} of the template")
            graphs, bindings = [named], [""]
        for graph, binding in zip(graphs, bindings, strict=True):
            sparql = f"{op.prologue}\nCONSTRUCT {{ {triples} }} WHERE {{ {where}{binding} }}"
            for triple in evaluate(sparql, **dataset):
                quads.add(ox.Quad(triple.subject, triple.predicate, triple.object, graph))
    return quads
