"""Snapshots of the store for the query workers, one per generation, in the data folder.

In memory mode a snapshot is an N-Quads dump that each worker loads into an in-memory store (fast
queries, a whole copy per worker), followed by the changes committed since (deltas, kept in the main
process and sent to a worker with its next query): a write costs what it changed, and the store is
dumped again only after MAX_DELTAS writes, MAX_DELTA_BYTES of changes, or a write that does not say
what it changed (a bulk load). In disk mode it is a RocksDB checkpoint of the
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

from kg.store.interface import KnowledgeStore, StoreChanges
from kg.store.journal import decode_changes, encode_changes
from kg.store.oxigraph import OxigraphStore

SNAPSHOT_PREFIX = "query-snapshot-"
STORE_MODES = ("memory", "disk")
MAX_DELTAS = 256
MAX_DELTA_BYTES = 32_000_000


@dataclass(frozen=True)
class Snapshot:
    """One state of the store: an N-Quads file (see OxigraphStore.dump_snapshot) or a checkpoint folder."""

    generation: int
    path: Path
    checkpoint: bool = False
    depth: int = 0  # how many deltas follow the dump at `path`

    def load(self, deltas: tuple[bytes, ...] = ()) -> KnowledgeStore:
        """The snapshot as a store: the checkpoint opened read-only, or the N-Quads and deltas in memory."""
        if self.checkpoint:
            return OxigraphStore(self.path, read_only=True)
        store = OxigraphStore(None)
        store.load_snapshot(self.path)
        for delta in deltas:
            store.apply(decode_changes(delta))
        return store

    def follows(self, loaded: Snapshot | None) -> bool:
        """Whether a store holding `loaded` becomes this snapshot by applying deltas."""
        return (
            loaded is not None
            and not self.checkpoint
            and loaded.path == self.path
            and loaded.depth <= self.depth
        )

    def advance(self, store: KnowledgeStore, loaded: Snapshot, deltas: tuple[bytes, ...]) -> KnowledgeStore:
        """The store holding `loaded` brought to this snapshot: deltas applied, or opened anew."""
        if self.follows(loaded):
            for delta in deltas:
                store.apply(decode_changes(delta))
            return store
        store.close()  # free the old copy (or close the old checkpoint) before opening the new one
        return self.load(deltas)

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
        self._in_use: dict[int, Snapshot] = {}
        self._chains: dict[Path, list[bytes]] = {}
        self._generation = 0
        folder.mkdir(parents=True, exist_ok=True)
        self.remove_all()
        self.current = self._dump()

    def write(self, changes: StoreChanges | None = None) -> Snapshot:
        """The next generation after a committed write, made current: the change as a delta on the
        current dump (memory mode, while the chain is short), else a new dump or checkpoint."""
        snapshot = self._delta(changes) if changes is not None and not self.checkpoints else None
        if snapshot is None:
            snapshot = self._dump()
        with self._lock:
            previous, self.current = self.current, max(self.current, snapshot, key=_generation)
            self._prune(min(previous, snapshot, key=_generation))
        return snapshot

    def _delta(self, changes: StoreChanges) -> Snapshot | None:
        delta = encode_changes(changes)
        with self._lock:
            chain = self._chains.setdefault(self.current.path, [])
            if len(chain) >= MAX_DELTAS or sum(map(len, chain)) + len(delta) > MAX_DELTA_BYTES:
                return None
            chain.append(delta)
            self._generation += 1
            return Snapshot(self._generation, self.current.path, False, len(chain))

    def deltas_for(self, loaded: Snapshot | None, target: Snapshot) -> tuple[bytes, ...]:
        """What a worker holding `loaded` applies to reach `target` (all its deltas if it loads anew)."""
        with self._lock:
            chain = self._chains.get(target.path, [])
            start = loaded.depth if target.follows(loaded) else 0  # type: ignore[union-attr]
            return tuple(chain[start : target.depth])

    def _dump(self) -> Snapshot:
        """Write the store, empty named graphs first, to a new file (complete once it has its name)."""
        with self._lock:
            self._generation += 1
            name = f"{SNAPSHOT_PREFIX}{self._generation}"
            snapshot = Snapshot(
                self._generation, self.folder / (name + ("" if self.checkpoints else ".nq")), self.checkpoints
            )
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
            self._in_use[self.current.generation] = self.current
            return self.current

    def hold(self, snapshot: Snapshot) -> None:
        """Keep a snapshot on disk (a worker has it open) until released."""
        with self._lock:
            self._users[snapshot.generation] += 1
            self._in_use[snapshot.generation] = snapshot

    def release(self, snapshot: Snapshot) -> None:
        with self._lock:
            self._users[snapshot.generation] -= 1
            self._prune(snapshot)

    def _prune(self, snapshot: Snapshot) -> None:
        """Forget a snapshot no one uses; its file goes once no snapshot in use or current shares it."""
        if snapshot == self.current or self._users[snapshot.generation] > 0:
            return
        del self._users[snapshot.generation]
        self._in_use.pop(snapshot.generation, None)
        shared = {s.path for s in self._in_use.values()} | {self.current.path}
        if snapshot.path not in shared:
            self._chains.pop(snapshot.path, None)
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
