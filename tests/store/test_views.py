"""A live view: built once in the background, reads wait for it (503 past their budget), writes follow."""

from __future__ import annotations

import threading

import pyoxigraph as ox
import pytest

from kg.errors import ViewNotReadyError
from kg.store.interface import StoreChanges
from kg.store.views import LiveView


class Counter:
    """A view whose build waits for a signal: how many builds ran, and the changes applied to it."""

    def __init__(self, release: threading.Event, builds: list[int]) -> None:
        release.wait(10)
        builds.append(len(builds) + 1)
        self.build = len(builds)
        self.applied: list[StoreChanges] = []


def views(replayable: bool) -> tuple[LiveView[Counter], threading.Event, list[int]]:
    release, builds = threading.Event(), []
    live: LiveView[Counter] = LiveView(
        "test view",
        lambda: Counter(release, builds),
        lambda view, changes: view.applied.append(changes),
        replayable=replayable,
        wait_seconds=0.05,
    )
    return live, release, builds


def test_reads_wait_for_the_first_build_then_get_a_clear_503() -> None:
    live, release, _ = views(replayable=True)
    live.start()
    with pytest.raises(ViewNotReadyError, match="still being built"):
        live.read(lambda view: view)
    release.set()
    assert live.read(lambda view: view.build, wait_seconds=10) == 1


def test_writes_during_the_build_are_applied_to_its_result() -> None:
    live, release, builds = views(replayable=True)
    live.start()
    change = StoreChanges(created={ox.NamedNode("urn:g")})
    live.observe(change)
    release.set()
    assert live.read(lambda view: view.applied, wait_seconds=10) == [change]
    assert builds == [1]
    live.observe(None)  # a bulk load: built again in the background, the old view serving meanwhile
    assert live.read(lambda view: view.build) in (1, 2)


def test_a_view_that_cannot_replay_is_built_again_after_a_write_during_its_build() -> None:
    live, release, builds = views(replayable=False)
    live.start()
    threading.Timer(0.1, release.set).start()
    live.observe(StoreChanges())  # waits for the running build, then builds again: the store is still
    assert builds == [1, 2]
    assert live.read(lambda view: (view.build, view.applied)) == (2, [])
