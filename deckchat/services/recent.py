"""A map that forgets its entries after a few seconds, for answers that are too costly to look up on
every request and may be a moment out of date (who may see an image: see AccessCache.image_decks)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Recent(Generic[K, V]):
    def __init__(self, ttl_s: float, max_items: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl_s, self._max_items, self._clock = ttl_s, max_items, clock
        self._items: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()  # filled from worker threads, read on the event loop
        self._generation = 0

    def get(self, key: K) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            if self._clock() - found[0] >= self._ttl_s:
                del self._items[key]
                return None
            return found[1]

    @property
    def generation(self) -> int:
        """Changes with every ``clear``: read it before looking a value up, and pass it to ``put``."""
        return self._generation

    def put(self, key: K, value: V, generation: int | None = None) -> None:
        """Remember a value; not if ``clear`` was called since ``generation`` was read, as the value
        may have been looked up before the change that cleared the map."""
        if self._ttl_s <= 0:
            return
        with self._lock:
            if generation is not None and generation != self._generation:
                return
            self._items[key] = (self._clock(), value)
            self._items.move_to_end(key)
            while len(self._items) > self._max_items:  # the oldest go first
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._generation += 1

    def __len__(self) -> int:
        return len(self._items)
