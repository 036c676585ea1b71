"""A change to the on-disk store is all or nothing: a journal written first is replayed after a crash."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.store.interface import StoreChanges
from kg.store.journal import Journal
from kg.store.oxigraph import OxigraphStore

EX = "http://example.org/"
G = ox.NamedNode(f"{EX}g")


def quad(i: int) -> ox.Quad:
    return ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}p"), ox.Literal(str(i)), G)


def test_a_change_interrupted_after_its_journal_is_finished_when_the_store_opens(tmp_path: Path) -> None:
    path = tmp_path / "store"
    with OxigraphStore(path) as store:
        store.apply(StoreChanges(added={quad(1), quad(2)}))
    default = ox.Quad(quad(4).subject, quad(4).predicate, quad(4).object, ox.DefaultGraph())
    change = StoreChanges(removed={quad(1)}, added={quad(3), default}, created={ox.NamedNode(f"{EX}new")})
    Journal(path).write(change)  # the crash: the journal is written, the change never applied
    with OxigraphStore(path) as store:
        assert set(store.quads()) == {quad(2), quad(3), default}
        assert store.has_graph(f"{EX}new")
    assert not Journal(path).path.exists()


def test_a_half_written_journal_is_dropped_and_nothing_applied(tmp_path: Path) -> None:
    path = tmp_path / "store"
    with OxigraphStore(path) as store:
        store.apply(StoreChanges(added={quad(1)}))
    journal = Journal(path)
    journal.partial.write_text(str(quad(9)) + " .\n")
    with OxigraphStore(path) as store:
        assert set(store.quads()) == {quad(1)}
    assert not journal.partial.exists()


def test_a_committed_change_leaves_no_journal(tmp_path: Path) -> None:
    path = tmp_path / "store"
    with OxigraphStore(path) as store:
        store.apply(StoreChanges(added={quad(1)}, created={G}))
        assert not Journal(path).path.exists()
        assert store.has_graph(G.value)
