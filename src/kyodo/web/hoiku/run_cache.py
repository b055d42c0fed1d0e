"""What the pages of a finished run read of it, computed once per process.

A finished run's rows and summary never change (they are written while the run computes, and a run that is
recomputed gets new rows before it is finished again). What a page needs of them (the parsed summary, every
facility's lists) can be computed on the first request and kept, as long as the key says which run it was: the id,
its creation time (ids are reused when a database is recreated) and when it finished. The caller has already
checked the run's organisation. A run that is not finished is computed every time.

Requests that need the same run's value at once wait for one computation instead of each doing it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from kyodo.web.hoiku.models import Run, RunStatus

T = TypeVar("T")


class FinishedRunCache(Generic[T]):
    def __init__(self, compute: Callable[[Run], T], size: int) -> None:
        self.compute, self.size = compute, size
        self.lock = threading.Lock()
        self.items: OrderedDict[tuple[Any, ...], T] = OrderedDict()
        self.computing: dict[tuple[Any, ...], threading.Lock] = {}

    def of(self, run: Run) -> T:
        if run.status != RunStatus.DONE:
            return self.compute(run)
        key = (run.pk, run.created_at, run.finished_at)
        found = self._get(key)
        if found is not None:
            return found
        with self.lock:
            once = self.computing.setdefault(key, threading.Lock())
        with once:
            found = self._get(key)  # computed by the request that held the lock
            if found is not None:
                return found
            value = self.compute(run)
            with self.lock:
                self.items[key] = value
                while len(self.items) > self.size:
                    self.items.popitem(last=False)
                self.computing.pop(key, None)
        return value

    def _get(self, key: tuple[Any, ...]) -> T | None:
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
            return found

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
