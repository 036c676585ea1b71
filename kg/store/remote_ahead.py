"""Reading a remote store ahead for the SHACL-gated writer: what kg.quality asks of a store that batches.

The writer's checks (kg.quality.effects, kg.quality.neighbourhood, kg.quality.writer) read single patterns.
Over a remote store they read a RemoteSlice (kg.store.remote_slice), a `Prefetching` store: `prefetch`
says, before a step, which patterns the step will read, so that one request fetches them all. Over the
embedded store `prefetch` does nothing and the steps read as they always did. `ViewReads` gives the
derived views (name index, statistics) the same, for the change they are told of.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import pyoxigraph as ox

from kg.store.remote_reads import RemoteReads

if TYPE_CHECKING:
    from kg.store.remote_slice import RemoteSlice

Resource = ox.NamedNode | ox.BlankNode
Pair = tuple[Resource, ox.NamedNode]
Pattern = tuple[object, object, object]  # subject, predicate, object; None matches anything
SLICED = frozenset({"quads_matching", "contains", "has_graph", "has_graph_or_default"})


@runtime_checkable
class Prefetching(Protocol):
    """A store that reads patterns ahead in batches (a RemoteSlice); the embedded store is not one."""

    def prefetch(
        self,
        subjects: Iterable[object] = (),
        incoming: Iterable[object] = (),
        graphs: Iterable[ox.NamedNode | ox.DefaultGraph] = (),
        typed: tuple[Iterable[object], Iterable[ox.NamedNode]] | None = None,
        probes: Mapping[Pattern, int] | None = None,
    ) -> None: ...

    def witnesses(
        self,
        nodes: Iterable[Resource],
        predicates: Iterable[ox.NamedNode],
        skip_graphs: Iterable[ox.NamedNode],
        skip: Iterable[ox.Quad],
    ) -> dict[Pair, ox.Triple]: ...


def prefetch(store: object, **patterns: object) -> None:
    """Read the patterns ahead when the store is a Prefetching one; nothing for the embedded store."""
    if isinstance(store, Prefetching):
        store.prefetch(**patterns)  # type: ignore[arg-type]


def ends(quads: Iterable[ox.Quad]) -> set[Resource]:
    """The subjects and the IRI or blank node objects of the quads."""
    found: set[Resource] = set()
    for quad in quads:
        found.add(quad.subject)  # type: ignore[arg-type]
        if isinstance(quad.object, ox.NamedNode | ox.BlankNode):
            found.add(quad.object)
    return found


class ViewReads:
    """A RemoteStore as the derived views (name index, statistics) read it: while the writer tells them of
    a committed change (in its thread, under its lock), their pattern reads go through a RemoteSlice read
    ahead for that change; any other read, in any other thread, goes to the store as it is."""

    def __init__(self, store: RemoteReads) -> None:
        self.store = store
        self._current = threading.local()

    @contextmanager
    def reading(self, through: RemoteSlice) -> Iterator[None]:
        self._current.slice = through
        try:
            yield
        finally:
            self._current.slice = None

    def __getattr__(self, name: str) -> object:
        if name in ("store", "_current"):  # not set yet (copy, pickle): no recursion
            raise AttributeError(name)
        through = getattr(self._current, "slice", None)
        return getattr(through if through is not None and name in SLICED else self.store, name)


def view_probes(changes: Iterable[ox.Quad]) -> dict[Pattern, int]:
    """The patterns a view checks the presence of for a change (kg.describe.statistics: each property,
    each object, each property and object it touched), each with how far to read it: past the quads the
    change added, so that a quad it did not add is seen if there is one."""
    counts: dict[Pattern, int] = {}
    for quad in changes:
        p, o = quad.predicate, quad.object
        for pattern in ((None, p, None), (None, None, o), (None, p, o)):
            counts[pattern] = counts.get(pattern, 2) + 1
    return counts
