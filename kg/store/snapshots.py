"""Snapshots of the store for the query workers: N-Quads files in the data folder, one per generation."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from kg.store.interface import KnowledgeStore
from kg.store.oxigraph import OxigraphStore

SNAPSHOT_PREFIX = "query-snapshot-"


@dataclass(frozen=True)
class Snapshot:
    """One state of the store as N-Quads (see OxigraphStore.dump_snapshot), in a file of the folder."""

    generation: int
    path: Path

    def load(self) -> KnowledgeStore:
        """An in-memory store with the snapshot's quads and named graphs (empty ones too)."""
        store = OxigraphStore(None)
        store.load_snapshot(self.path)
        return store


class Snapshots:
    """The snapshot files of a store in a folder; a file goes once it is neither current nor in use."""

    def __init__(self, store: KnowledgeStore, folder: Path) -> None:
        self.store, self.folder = store, folder
        self._lock = threading.Lock()
        self._users: Counter[int] = Counter()
        self._generation = 0
        folder.mkdir(parents=True, exist_ok=True)
        self.remove_all()
        self.current = self._dump()

    def write(self) -> Snapshot:
        """Dump the store as the next generation (after every committed write) and make it current."""
        snapshot = self._dump()
        with self._lock:
            previous, self.current = self.current, max(self.current, snapshot, key=_generation)
            self._prune(min(previous, snapshot, key=_generation))
        return snapshot

    def _dump(self) -> Snapshot:
        """Write the store, empty named graphs first, to a new file (complete once it has its name)."""
        with self._lock:
            self._generation += 1
            snapshot = Snapshot(self._generation, self.folder / f"{SNAPSHOT_PREFIX}{self._generation}.nq")
        partial = snapshot.path.with_suffix(".partial")
        with partial.open("wb") as output:
            self.store.dump_snapshot(output)
        partial.replace(snapshot.path)
        return snapshot

    def acquire(self) -> Snapshot:
        """The current snapshot, kept on disk until released."""
        with self._lock:
            self._users[self.current.generation] += 1
            return self.current

    def release(self, snapshot: Snapshot) -> None:
        with self._lock:
            self._users[snapshot.generation] -= 1
            self._prune(snapshot)

    def _prune(self, snapshot: Snapshot) -> None:
        if snapshot != self.current and self._users[snapshot.generation] <= 0:
            del self._users[snapshot.generation]
            snapshot.path.unlink(missing_ok=True)

    def remove_all(self) -> None:
        """Remove every snapshot file in the folder (stale ones too)."""
        for path in self.folder.glob(f"{SNAPSHOT_PREFIX}*"):
            path.unlink(missing_ok=True)


def _generation(snapshot: Snapshot) -> int:
    return snapshot.generation
