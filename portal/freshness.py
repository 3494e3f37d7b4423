"""Pages and PDFs kept per catalog version: built once, served from memory until the catalog
changes (an import, an office upload, a rollback all bump `catalog_meta.version`).

The version is read at most every PORTAL_REFRESH_SECONDS (default 2 s), so a change shows
within seconds with no restart, and a cached page costs no database query at all.
A build is done once even when many visitors ask for it at the same time (one lock per key).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from catalog.status import catalog_version

T = TypeVar("T")


class VersionedCache:
    def __init__(self, refresh_seconds: float, max_items: int = 2000):
        self.refresh_seconds = refresh_seconds
        self.max_items = max_items
        self._version: int | None = None
        self._checked = 0.0
        self._items: dict[tuple, object] = {}
        self._lock = threading.Lock()
        self._building: dict[tuple, threading.Lock] = {}

    def version(self) -> int:
        """The catalog version, read again when the last reading is older than the refresh interval;
        a new version empties the cache."""
        now = time.monotonic()
        if self._version is None or now - self._checked >= self.refresh_seconds:
            version = catalog_version()
            with self._lock:
                if version != self._version:
                    self._items.clear()
                    self._building.clear()
                self._version, self._checked = version, now
        return self._version

    def peek(self, key: tuple):
        """The value for `key` when it is cached and the version was read recently, else None:
        the fast path a cached page takes without leaving the event loop."""
        if self._version is None or time.monotonic() - self._checked >= self.refresh_seconds:
            return None
        return self._items.get((self._version, *key))

    def get(self, key: tuple, build: Callable[[], T]) -> T:
        """The value for `key` at the current catalog version, built (once) when missing."""
        version = self.version()
        full = (version, *key)
        found = self._items.get(full)
        if found is not None:
            return found  # type: ignore[return-value]
        with self._lock:
            building = self._building.setdefault(full, threading.Lock())
        with building:
            found = self._items.get(full)
            if found is not None:
                return found  # type: ignore[return-value]
            value = build()
            with self._lock:
                if self._version == version:
                    if len(self._items) >= self.max_items:
                        self._items.clear()
                    self._items[full] = value
                self._building.pop(full, None)
            return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._version = None
