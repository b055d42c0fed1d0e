"""What the pages of a finished run read of it, computed once per process.

A finished run's rows and summary never change (they are written while the run computes, and a run that is
recomputed gets new rows before it is finished again). What a page needs of them (the parsed summary, the results
CSV) can be computed on the first request and kept, as long as the key says which run it was: the id,
its creation time (ids are reused when a database is recreated) and when it finished. The caller has already
checked the run's organisation. A run that is not finished is computed every time.

Requests that need the same run's value at once wait for one computation instead of each doing it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from kyodo.web.hoiku.models import Run, RunStatus
from kyodo.web.lru import LRU

T = TypeVar("T")


class FinishedRunCache(Generic[T]):
    def __init__(self, compute: Callable[[Run], T], size: int) -> None:
        self.compute = compute
        self.values: LRU[tuple[Any, ...], T] = LRU(size)
        self.lock = threading.Lock()
        self.computing: dict[tuple[Any, ...], threading.Lock] = {}

    def of(self, run: Run) -> T:
        if run.status != RunStatus.DONE:
            return self.compute(run)
        key = (run.pk, run.created_at, run.finished_at)
        found = self.values.get(key)
        if found is not None:
            return found
        with self.lock:
            once = self.computing.setdefault(key, threading.Lock())
        with once:
            found = self.values.get(key)  # computed by the request that held the lock
            if found is not None:
                return found
            try:
                value = self.compute(run)
                self.values.put(key, value)
            finally:  # a failed computation leaves no lock behind; the next request tries again
                with self.lock:
                    self.computing.pop(key, None)
        return value

    def clear(self) -> None:
        self.values.clear()
