"""The graph operations of SPARQL 1.1 Update (CLEAR, DROP, CREATE, ADD, MOVE, COPY) as changes, not a copy.

Each reads only the graphs it names (SPARQL 1.1 Update §3.2): the cost follows those graphs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

import pyoxigraph as ox

from kg.errors import UpdateFailedError
from kg.store.interface import KnowledgeStore

Graph = ox.NamedNode | ox.DefaultGraph
GRAPH_OPERATIONS = {"CREATE", "ADD", "MOVE", "COPY"}


class Net(Protocol):
    """The running difference of a request (kg.quality.effects)."""

    graphs_created: set[ox.NamedNode]
    graphs_dropped: set[ox.NamedNode]

    def insert(self, quads: Iterable[ox.Quad]) -> None: ...

    def delete(self, quads: Iterable[ox.Quad]) -> None: ...


def split_silent(words: list[str]) -> tuple[bool, list[str]]:
    """Whether an operation's words start with SILENT, and the words after it."""
    silent = bool(words) and words[0].upper() == "SILENT"
    return silent, words[1:] if silent else words


def graph_operation(
    store: KnowledgeStore,
    kind: str,
    words: list[str],
    net: Net,
    resolve: Callable[[str], ox.NamedNode | None],
) -> bool:
    """Add the effect of CREATE/ADD/MOVE/COPY (`words`: the tokens after the keyword) to `net`.

    False when the operation is not understood here; UpdateFailedError as the engine would fail it.
    """
    silent, words = split_silent(words)
    if kind == "CREATE":
        if len(words) != 2 or words[0].upper() != "GRAPH" or (graph := resolve(words[1])) is None:
            return False
        if store.has_graph(graph.value):
            if not silent:
                raise UpdateFailedError(f"the update failed: the graph {graph} already exists")
            return True
        net.graphs_created.add(graph)
        return True
    parsed = _source_and_target(words, resolve)
    if parsed is None:
        return False
    source, target = parsed
    missing = isinstance(source, ox.NamedNode) and not store.has_graph(source.value)
    if missing and not silent:
        raise UpdateFailedError(f"the update failed: the graph {source} does not exist")
    if source == target:
        return True
    moved = (
        []
        if missing
        else [ox.Quad(q.subject, q.predicate, q.object, target) for q in store.quads_matching(graph=source)]
    )
    if kind in (
        "COPY",
        "MOVE",
    ):  # as the engine does: DROP SILENT the target, then add (a graph with quads exists)
        net.delete(store.quads_matching(graph=target))
        if not moved and isinstance(target, ox.NamedNode) and store.has_graph(target.value):
            net.graphs_dropped.add(target)
    net.insert(moved)
    if kind == "MOVE" and not missing:
        net.delete(store.quads_matching(graph=source))
        if isinstance(source, ox.NamedNode):
            net.graphs_dropped.add(source)
    return True


def graphs_named(words: list[str], resolve: Callable[[str], ox.NamedNode | None]) -> set[Graph] | None:
    """The graphs an operation's words name (CREATE: its graph; ADD/MOVE/COPY: source and target)."""
    if len(words) == 2 and words[0].upper() == "GRAPH":
        graph = resolve(words[1])
        return None if graph is None else {graph}
    parsed = _source_and_target(words, resolve)
    return None if parsed is None else set(parsed)


def _source_and_target(
    words: list[str], resolve: Callable[[str], ox.NamedNode | None]
) -> tuple[Graph, Graph] | None:
    """`GraphOrDefault TO GraphOrDefault`, where GraphOrDefault is DEFAULT or GRAPH? iri."""
    upper = [word.upper() for word in words]
    if "TO" not in upper:
        return None
    cut = upper.index("TO")
    source, target = _graph_or_default(words[:cut], resolve), _graph_or_default(words[cut + 1 :], resolve)
    return None if source is None or target is None else (source, target)


def _graph_or_default(words: list[str], resolve: Callable[[str], ox.NamedNode | None]) -> Graph | None:
    if [word.upper() for word in words] == ["DEFAULT"]:
        return ox.DefaultGraph()
    if len(words) == 2 and words[0].upper() == "GRAPH":
        words = words[1:]
    return resolve(words[0]) if len(words) == 1 else None


def clear_or_drop(
    store: KnowledgeStore,
    kind: str,
    words: list[str],
    net: Net,
    resolve: Callable[[str], ox.NamedNode | None],
) -> bool:
    """CLEAR or DROP [SILENT] (GRAPH iri | DEFAULT | NAMED | ALL): the quads of the graphs it empties."""
    silent, words = split_silent(words)
    if not words:
        return False
    target = words[0].upper()
    if target == "GRAPH" and len(words) > 1:
        graph = resolve(words[1])
        if graph is None:
            return False
        if not silent and not store.has_graph(graph.value):
            raise UpdateFailedError(f"the update failed: the graph {graph} does not exist")
        graphs: list[Graph] = [graph]
    elif target == "DEFAULT":
        graphs = [ox.DefaultGraph()]
    elif target in ("NAMED", "ALL"):
        graphs = [ox.NamedNode(g) for g in store.named_graphs()]
        if target == "ALL":
            graphs.append(ox.DefaultGraph())
    else:
        return False
    for graph in graphs:
        net.delete(store.quads_matching(graph=graph))
        if kind == "DROP" and isinstance(graph, ox.NamedNode) and store.has_graph(graph.value):
            net.graphs_dropped.add(graph)
    return True
