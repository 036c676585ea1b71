"""Views derived from the store, built once in the background and then kept in step with each write.

A view (the name index, the dataset statistics) is built by `build()` at start-up and then
updated by `apply(view, changes)` from each committed write's StoreChanges, which the writer hands
to `observe` under its write lock, after the store holds the new state and before the write returns,
so a client reads its own writes. `observe(None)` means anything may have changed (a bulk load): the
view is built again.

Writes that come while a build runs:
- a *replayable* view (`apply` re-reads from the store what the change touched, so applying a change
  the build already saw does no harm) gets them applied to the build's result; `None` during a build
  builds again. While it rebuilds after `None`, the old view keeps serving, with each write applied.
- any other view is built again at once, inside `observe`: the caller holds the write lock, so the
  store cannot change under that build.
Reads wait for the first build up to `wait_seconds`, then fail with ViewNotReadyError (HTTP 503).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from kg.errors import UnavailableError, ViewNotReadyError
from kg.store.interface import StoreChanges

V = TypeVar("V")
R = TypeVar("R")

log = logging.getLogger(__name__)


class LiveView(Generic[V]):
    """One view of the store: built in a background thread, updated by each write's changes."""

    def __init__(
        self,
        name: str,
        build: Callable[[], V],
        apply: Callable[[V, StoreChanges], None],
        *,
        replayable: bool,
        wait_seconds: float = 30.0,
    ) -> None:
        self.name = name
        self._build = build
        self._apply = apply
        self.replayable = replayable
        self.wait_seconds = wait_seconds
        self._lock = threading.Condition(threading.RLock())
        self._view: V | None = None
        self._building = False
        self._pending: list[StoreChanges | None] = []
        self._failure: BaseException | None = None

    # ------------------------------------------------------------ life cycle

    def start(self) -> None:
        """Build the view in a background thread (reads wait for it)."""
        with self._lock:
            if not self._building:
                self._building = True
                threading.Thread(target=self._build_loop, name=f"build {self.name}", daemon=True).start()

    def build_now(self) -> None:
        """Build the view in this thread and serve it (reads meanwhile get the old one)."""
        view = self._build()
        with self._lock:
            self._view, self._failure = view, None
            self._lock.notify_all()

    @property
    def ready(self) -> bool:
        return self._view is not None

    def _build_loop(self) -> None:
        while True:
            try:
                view = self._build()
            except Exception as error:  # noqa: BLE001 - kept and reported to every read
                log.exception("building the %s failed", self.name)
                with self._lock:
                    self._failure, self._building, self._pending = error, False, []
                    self._lock.notify_all()
                return
            with self._lock:
                pending, self._pending = self._pending, []
                if None in pending or (pending and not self.replayable):
                    continue
                for changes in pending:
                    assert changes is not None
                    self._apply(view, changes)
                self._view, self._failure, self._building = view, None, False
                self._lock.notify_all()
                return

    # ------------------------------------------------------------ the writer's observer

    def observe(self, changes: StoreChanges | None) -> None:
        """Take one committed write into account (the writer calls this under its write lock)."""
        with self._lock:
            if self.replayable:
                if self._building:
                    self._pending.append(changes)
                    if changes is not None and self._view is not None:
                        self._apply(self._view, changes)  # the old view, still serving: read your writes
                elif changes is None or self._view is None:
                    self._building = True
                    threading.Thread(target=self._build_loop, name=f"build {self.name}", daemon=True).start()
                else:
                    self._apply(self._view, changes)
                return
            overlapped = self._building  # what that build saw of this write is unknown
            self._lock.wait_for(lambda: not self._building)
            if changes is not None and self._view is not None and not overlapped:
                self._apply(self._view, changes)
                return
        self.build_now()

    # ------------------------------------------------------------ reads

    def read(self, use: Callable[[V], R], wait_seconds: float | None = None) -> R:
        """`use(view)` with no write applied meanwhile; waits for the first build (ViewNotReadyError)."""
        budget = self.wait_seconds if wait_seconds is None else wait_seconds
        with self._lock:
            if self._view is None and not self._building:
                self.start()
            if self._view is None and not self._lock.wait_for(
                lambda: self._view is not None or (self._failure is not None and not self._building),
                timeout=budget,
            ):
                raise ViewNotReadyError(
                    f"the {self.name} is still being built (waited {budget:g} s); try again shortly"
                )
            if self._view is None:
                raise UnavailableError(f"the {self.name} could not be built: {self._failure}")
            return use(self._view)
