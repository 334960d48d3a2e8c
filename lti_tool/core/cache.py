"""Short-lived, per-process caches for values a hot path reads on every request.

A value cached here may be up to ``ttl`` seconds stale in *other* worker processes: use it only
for data that changes rarely and where that delay is acceptable (each use says why). Caches live
in ``app.extensions``, so every app (and every test) starts empty.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from flask import current_app

V = TypeVar("V")


class TtlCache(Generic[V]):
    """Values by key, each kept for ``ttl`` seconds. ``None`` is never cached (misses re-read)."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._values: dict[Hashable, tuple[float, V]] = {}

    def get(self, key: Hashable, load: Callable[[], V | None]) -> V | None:
        now = time.monotonic()
        with self._lock:
            found = self._values.get(key)
        if found is not None and now - found[0] < self.ttl:
            return found[1]
        value = load()
        if value is not None:
            with self._lock:
                self._values[key] = (now, value)
        return value

    def discard(self, key: Hashable) -> None:
        with self._lock:
            self._values.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def app_cache(name: str, ttl: float) -> TtlCache:  # type: ignore[type-arg]
    """The current app's cache called ``name`` (created on first use)."""
    caches = current_app.extensions.setdefault("learnloop.caches", {})
    cache = caches.get(name)
    if cache is None:
        cache = caches.setdefault(name, TtlCache(ttl))
    return cache
