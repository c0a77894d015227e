"""Work done once and shared by every session: a process-wide cache of finished, read-only values.

A page's figures for a plan and an as-at month (its data, ratings, SPC, tables and figures) are the same for
everyone looking at that plan at that store data version, so they are computed once and handed to every
session as the same object, never copied per session (Streamlit's st.cache_data pickles a copy for every hit).
Callers must treat what they get as read-only (pandas' copy-on-write keeps a filtered or assigned frame apart
from the cached one).

Bounded by entries and by size (each value's pickled size, measured once when it is stored), least recently
used first out. When several sessions ask for the same missing value at once, one computes it and the others
wait for that result rather than repeat the work. Values of a version that has been superseded (the store's, or
one plan's) are dropped as soon as a newer one is seen (`keep_versions`), so memory does not grow with uploads.
"""
from __future__ import annotations

import os
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from concurrent.futures import Future
from typing import Any

MAX_ENTRIES = 1024
MAX_MB = float(os.environ.get("SCORECARD_CACHE_MB", "256"))  # the shared figures' memory budget


def footprint(value: Any) -> int:
    """Bytes a value takes, as its pickled size (numbers, text and frames alike; a fair proxy for memory)."""
    return len(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


class SharedCache:
    """Least-recently-used values by key, bounded by `max_entries` and `max_bytes`, one computation per key."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = int(MAX_MB * 1024 * 1024)):
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._lock = threading.Lock()
        self._values: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._pending: dict[Hashable, Future] = {}
        self.bytes = 0
        self.computed = 0  # how many values were made (misses), for tests and the benchmark

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """The value for `key`, made by `make()` if no session has made it yet (and waited for if one is)."""
        while True:
            with self._lock:
                if key in self._values:
                    self._values.move_to_end(key)
                    return self._values[key][0]
                waiting = self._pending.get(key)
                if waiting is None:
                    self._pending[key] = mine = Future()
            if waiting is None:
                return self._make(key, make, mine)
            try:
                return waiting.result()
            except Exception:
                raise  # the same failure would be ours (a bad query, a missing plan)
            except BaseException:  # the maker's script was stopped (a rerun): make it here instead
                continue

    def find(self, key: Hashable) -> tuple[bool, Any]:
        """(True, the value) when `key` is made, else (False, None): a look that never waits or makes."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return True, self._values[key][0]
        return False, None

    def _make(self, key: Hashable, make: Callable[[], Any], mine: Future) -> Any:
        try:
            value = make()
            size = footprint(value)
        except BaseException as exc:
            with self._lock:
                del self._pending[key]
            mine.set_exception(exc)
            raise
        with self._lock:
            del self._pending[key]
            self.computed += 1
            if size <= self.max_bytes:
                self._values[key] = (value, size)
                self.bytes += size
                while len(self._values) > self.max_entries or self.bytes > self.max_bytes:
                    self._evict(next(iter(self._values)))
        mine.set_result(value)
        return value

    def _evict(self, key: Hashable) -> None:
        self.bytes -= self._values.pop(key)[1]

    def keep_versions(self, store: Hashable, versions: Mapping[Hashable, int]) -> None:
        """Drop every value of `store` made at a version that is no longer current. A key is (store, (scope,
        version), ...): the scope None is the whole store, any other a part of it (a plan) whose current version
        `versions` gives (0 when absent)."""
        with self._lock:
            for key in [k for k in self._values if k[0] == store and versions.get(k[1][0], 0) != k[1][1]]:
                self._evict(key)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self.bytes = 0

    def __len__(self) -> int:
        return len(self._values)
