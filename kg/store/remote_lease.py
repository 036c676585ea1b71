"""One writing command at a time on a remote store: the write lease (kg.store.remote_bulk holds it).

The embedded store has RocksDB's lock: a second process cannot open it for writing. A SPARQL server has
no such lock, so two commands (`qcollab load` twice, a `build` and a `link`) would interleave their
batches and inference rounds. A writing command takes a lease instead: two triples in the store's state
graph (kg.store.remote_reads.STATE_GRAPH), who holds it and until when. It is taken by compare and swap,
so that it needs no clock but the client's: read the lease; if one is held and not expired, stop with
StoreLockedError naming its holder; else replace exactly what was read (DELETE/INSERT ... WHERE that
lease, or WHERE none) and read back whose it is, before the command's first write. A thread renews it
every third of its term while the command runs; it is dropped when the command ends. A command that
died leaves a lease that expires after QCOLLAB_SPARQL_LEASE_SECONDS. The service's writes check it too
(`held_by`): 503 while a command holds it. Advisory: two commands that take a free lease within the
same few milliseconds may both read it back as theirs on an engine without serializable updates.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyoxigraph as ox

from kg.errors import StoreLockedError
from kg.namespaces import QC
from kg.store.remote_reads import STATE_GRAPH, RemoteReads

_XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
_HOLDER, _UNTIL = f"<{QC['writeLeaseHolder']}>", f"<{QC['writeLeaseUntil']}>"


@dataclass(frozen=True)
class Lease:
    holder: str
    until: datetime

    def triples(self) -> str:
        until = ox.Literal(self.until.isoformat(timespec="seconds"), datatype=_XSD_DATETIME)
        return f"<{STATE_GRAPH}> {_HOLDER} {ox.Literal(self.holder)} ; {_UNTIL} {until} ."

    def describe(self) -> str:
        return f"{self.holder}, until {self.until:%Y-%m-%d %H:%M:%S} UTC"


def this_process() -> str:
    """Who takes a lease: the command line and the process, for the message of whoever finds it taken."""
    command = " ".join([Path(sys.argv[0]).name, *sys.argv[1:2]]) if sys.argv and sys.argv[0] else "python"
    return f"{command} (pid {os.getpid()} on {socket.gethostname()})"


def held_by(store: RemoteReads) -> Lease | None:
    """The lease on the store now, if one is held and not expired (by this machine's clock)."""
    lease = _read(store)
    return lease if lease is not None and lease.until > datetime.now(UTC) else None


class WriteLease:
    """The lease of one command over its store: `take` it, then `release` it (renewed meanwhile)."""

    def __init__(self, store: RemoteReads, seconds: float, holder: str | None = None) -> None:
        self.store, self.seconds = store, seconds
        self.holder = holder or this_process()
        self.lost: Lease | None = None  # who took it over, if a renewal found it gone
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None

    def take(self) -> None:
        """Hold the lease, or raise StoreLockedError naming who holds it."""
        current = _read(self.store)
        if current is not None and current.until > datetime.now(UTC) and current.holder != self.holder:
            raise StoreLockedError(current.describe())
        self._swap(current, self._fresh())
        mine = _read(self.store)
        if mine is None or mine.holder != self.holder:
            raise StoreLockedError(mine.describe() if mine else "another command that has just ended")
        self._renewer = threading.Thread(target=self._renew, name="qcollab-write-lease", daemon=True)
        self._renewer.start()

    def release(self) -> None:
        """Drop the lease (if it is still ours) and stop renewing it."""
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join()
            self._renewer = None
            mine = _read(self.store)
            if mine is not None and mine.holder == self.holder:
                self._swap(mine, None)

    def _fresh(self) -> Lease:
        return Lease(self.holder, datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=self.seconds))

    def _renew(self) -> None:
        while not self._stop.wait(self.seconds / 3):
            current = _read(self.store)
            if current is None or current.holder != self.holder:
                self.lost = current or Lease("nobody (it was dropped)", datetime.now(UTC))
                return
            self._swap(current, self._fresh())

    def _swap(self, before: Lease | None, after: Lease | None) -> None:
        """Replace exactly `before` (None: no lease) by `after` (None: none), in one update."""
        graph = f"<{STATE_GRAPH}>"
        if before is None:
            where = f"FILTER NOT EXISTS {{ GRAPH {graph} {{ <{STATE_GRAPH}> {_HOLDER} ?anyone }} }}"
        else:
            where = f"GRAPH {graph} {{ {before.triples()} }}"
        delete = f"DELETE {{ GRAPH {graph} {{ {before.triples()} }} }} " if before else ""
        insert = f"INSERT {{ GRAPH {graph} {{ {after.triples()} }} }} " if after else ""
        self.store.client.update(f"{delete}{insert}WHERE {{ {where} }}")  # not the store's: no lease on it


def _read(store: RemoteReads) -> Lease | None:
    query = (
        f"SELECT ?holder ?until WHERE {{ GRAPH <{STATE_GRAPH}> {{ <{STATE_GRAPH}> {_HOLDER} ?holder ; "
        f"{_UNTIL} ?until }} }}"
    )
    for row in store._rows(query):  # type: ignore[union-attr]
        try:
            until = datetime.fromisoformat(row["until"].value)  # type: ignore[index]
        except ValueError:
            until = datetime.min.replace(tzinfo=UTC)  # unreadable: expired
        if until.tzinfo is None:
            until = until.replace(tzinfo=UTC)
        return Lease(row["holder"].value, until)  # type: ignore[index]
    return None
