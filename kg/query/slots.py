"""Who gets the next free query worker: two lanes, and fairness between clients.

Workers are in one of two lanes. The general lane takes any query; the light lane only queries that
kg.query.lanes calls light, so a one-row SELECT never queues behind aggregates. A light query takes an
idle light worker first and an idle general worker otherwise. When a worker is free and several queries
wait for it, it goes to the waiting query whose client has the fewest queries running; among equals,
to the client served longest ago (then the oldest query), so a client that sends many queries at once
takes turns with the others instead of taking every slot. A client may have at most `max_queued`
queries waiting: one more is refused at once (ClientBusyError, 429) rather than queued for a slot it
would keep from the others.
Everything here runs on the event loop's thread: no locks.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from kg.errors import ClientBusyError, QueryCancelledError

ANONYMOUS = "anonymous"  # the client of a query that names none
POLL_SECONDS = 0.25  # how often a waiting query asks whether its client is still there

W = TypeVar("W")
Probe = Callable[[], Awaitable[bool]]


@dataclass(eq=False)
class _Waiter(Generic[W]):
    client: str
    light: bool
    order: int
    granted: asyncio.Future[W] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class Slots(Generic[W]):
    """The idle workers of each lane, the queries waiting for one, and the client each busy worker serves."""

    def __init__(self, max_queued: int | None = None) -> None:
        self.max_queued = max_queued  # per client; None: no cap
        self._idle: dict[bool, deque[W]] = {False: deque(), True: deque()}  # by lane: light or not
        self._light: set[W] = set()
        self._waiting: list[_Waiter[W]] = []
        self._holders: dict[W, str] = {}
        self._running: dict[str, int] = {}
        self._queued: dict[str, int] = {}
        self._served: dict[str, int] = {}  # when each client with queries running or waiting was last served
        self._order = itertools.count()

    def add(self, worker: W, *, light: bool) -> None:
        """A new worker of a lane is ready."""
        if light:
            self._light.add(worker)
        self._idle[light].append(worker)
        self._dispatch()

    def is_light(self, worker: W) -> bool:
        return worker in self._light

    def release(self, worker: W) -> None:
        """A worker finished its query: idle again, and given to the next waiting query."""
        self._unhold(worker)
        self._idle[worker in self._light].append(worker)
        self._dispatch()

    def remove(self, worker: W) -> bool:
        """A worker is gone (killed): forget it; whether it was a light worker."""
        self._unhold(worker)
        for idle in self._idle.values():
            if worker in idle:
                idle.remove(worker)
        light = worker in self._light
        self._light.discard(worker)
        return light

    def drain(self) -> Iterator[W]:
        """Take every idle worker away (the pool is closing)."""
        for idle in self._idle.values():
            while idle:
                yield idle.popleft()

    def running(self, client: str) -> int:
        """How many workers are busy with the queries of a client."""
        return self._running.get(client, 0)

    async def take(self, client: str, light: bool, abandoned: Probe | None = None, capped: bool = True) -> W:
        """A worker for a query of `client` (cancel the call to give up waiting).

        Raises ClientBusyError when the client already has `max_queued` queries waiting (a query that
        was admitted once, being run again, is not `capped`), and QueryCancelledError when `abandoned`
        says the client went away while its query waited.
        """
        waiter: _Waiter[W] = _Waiter(client, light, next(self._order))
        self._enqueue(waiter)
        self._dispatch()
        full = capped and self.max_queued is not None and self._queued.get(client, 0) > self.max_queued
        if full and not waiter.granted.done():
            self._dequeue(waiter)
            raise ClientBusyError(self.max_queued)  # type: ignore[arg-type]
        try:
            while not waiter.granted.done():
                await asyncio.wait({waiter.granted}, timeout=POLL_SECONDS)
                if not waiter.granted.done() and abandoned is not None and await abandoned():
                    raise QueryCancelledError("the client went away while its query waited for a worker")
            return waiter.granted.result()
        except BaseException:
            if waiter.granted.done():  # granted as the wait ended: the worker goes to the next query
                self.release(waiter.granted.result())
            else:
                self._dequeue(waiter)
                waiter.granted.cancel()
            raise

    def _dispatch(self) -> None:
        """Give idle workers to waiting queries: light workers to light queries first, then the rest."""
        while self._waiting:
            for light_lane in (True, False):
                if self._idle[light_lane]:
                    waiter = self._next(light_lane)
                    if waiter is not None:
                        self._grant(waiter, self._idle[light_lane].popleft())
                        break
            else:
                return

    def _next(self, light_lane: bool) -> _Waiter[W] | None:
        """The waiting query a worker of this lane goes to: its client has the fewest queries running."""
        candidates = (w for w in self._waiting if w.light or not light_lane)
        return min(candidates, key=self._rank, default=None)

    def _rank(self, waiter: _Waiter[W]) -> tuple[int, int, int]:
        return self.running(waiter.client), self._served.get(waiter.client, -1), waiter.order

    def _grant(self, waiter: _Waiter[W], worker: W) -> None:
        self._dequeue(waiter)
        self._holders[worker] = waiter.client
        self._running[waiter.client] = self.running(waiter.client) + 1
        self._served[waiter.client] = next(self._order)
        waiter.granted.set_result(worker)

    def _enqueue(self, waiter: _Waiter[W]) -> None:
        self._waiting.append(waiter)
        self._queued[waiter.client] = self._queued.get(waiter.client, 0) + 1

    def _dequeue(self, waiter: _Waiter[W]) -> None:
        self._waiting.remove(waiter)
        _decrement(self._queued, waiter.client)
        self._forget_if_idle(waiter.client)

    def _unhold(self, worker: W) -> None:
        client = self._holders.pop(worker, None)
        if client is not None:
            _decrement(self._running, client)
            self._forget_if_idle(client)

    def _forget_if_idle(self, client: str) -> None:
        """A client with nothing running or waiting is forgotten: the counts do not grow with clients."""
        if client not in self._running and client not in self._queued:
            self._served.pop(client, None)


def _decrement(counts: dict[str, int], key: str) -> None:
    count = counts[key] - 1
    if count:
        counts[key] = count
    else:
        del counts[key]
