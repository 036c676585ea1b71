"""Snapshots of the store for the query workers, one per generation, in the data folder.

In memory mode a snapshot is an N-Quads dump that each worker loads into an in-memory store (fast
queries, a whole copy per worker, a dump per write). In disk mode it is a RocksDB checkpoint of the
store (hard links: milliseconds, whatever the size) that each worker opens read-only: the data stays
on disk, in the operating system's page cache shared by all workers. Opening the live store read-only
while the server writes it is undefined behaviour, so workers only ever open checkpoints.
"""

from __future__ import annotations

import shutil
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from kg.store.interface import KnowledgeStore
from kg.store.oxigraph import OxigraphStore

SNAPSHOT_PREFIX = "query-snapshot-"
STORE_MODES = ("memory", "disk")


@dataclass(frozen=True)
class Snapshot:
    """One state of the store: an N-Quads file (see OxigraphStore.dump_snapshot) or a checkpoint folder."""

    generation: int
    path: Path
    checkpoint: bool = False

    def load(self) -> KnowledgeStore:
        """The snapshot as a store: the checkpoint opened read-only, or the N-Quads loaded in memory."""
        if self.checkpoint:
            return OxigraphStore(self.path, read_only=True)
        store = OxigraphStore(None)
        store.load_snapshot(self.path)
        return store

    def remove(self) -> None:
        if self.checkpoint:
            shutil.rmtree(self.path, ignore_errors=True)
        else:
            self.path.unlink(missing_ok=True)


class Snapshots:
    """The snapshot files of a store in a folder; a file goes once it is neither current nor in use."""

    def __init__(self, store: KnowledgeStore, folder: Path, mode: str = "memory") -> None:
        if mode not in STORE_MODES:
            raise ValueError(f"the store mode must be one of {', '.join(STORE_MODES)}, not {mode!r}")
        self.store, self.folder, self.checkpoints = store, folder, mode == "disk"
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
            name = f"{SNAPSHOT_PREFIX}{self._generation}"
            snapshot = Snapshot(self._generation, self.folder / (name + ("" if self.checkpoints else ".nq")),
                                self.checkpoints)
        if self.checkpoints:
            self.store.backup(snapshot.path)
            return snapshot
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

    def hold(self, snapshot: Snapshot) -> None:
        """Keep a snapshot on disk (a worker has it open) until released."""
        with self._lock:
            self._users[snapshot.generation] += 1

    def release(self, snapshot: Snapshot) -> None:
        with self._lock:
            self._users[snapshot.generation] -= 1
            self._prune(snapshot)

    def _prune(self, snapshot: Snapshot) -> None:
        if snapshot != self.current and self._users[snapshot.generation] <= 0:
            del self._users[snapshot.generation]
            snapshot.remove()

    def remove_all(self) -> None:
        """Remove every snapshot file in the folder (stale ones too)."""
        for path in self.folder.glob(f"{SNAPSHOT_PREFIX}*"):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def _generation(snapshot: Snapshot) -> int:
    return snapshot.generation
