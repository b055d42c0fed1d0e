"""kenshu — joint training (研修の共同化): fair seats for Tokyo and the 62 municipalities, waitlists, promotion.

Plain Python, no Django. Read (`readers.read_instance`) → `Instance` → `allocate` (`fair.solve`, the default, or the
`fcfs.solve` baseline) → `Plan` (seats, waitlists, a reason for every nominee without a seat, fairness figures)
→ outputs (`report.plan_json`, `report.plan_sheets`). `promote` handles a cancellation.
"""

from __future__ import annotations

from kyodo.kenshu.model import (
    Assignment,
    Course,
    Fairness,
    Format,
    Instance,
    MunicipalShare,
    Nomination,
    Plan,
    Reason,
    Session,
    Standard,
    Unseated,
)
from kyodo.kenshu.promote import Promotion, promote

METHODS = ("fair", "fcfs")


def allocate(instance: Instance, *, method: str = "fair", seed: int = 0) -> Plan:
    """Seat nominees in sessions. Same instance, method and seed → the same plan. ValueError for an unknown method."""
    if method == "fair":
        from kyodo.kenshu import fair

        return fair.solve(instance, seed)
    if method == "fcfs":
        from kyodo.kenshu import fcfs

        return fcfs.solve(instance, seed)
    raise ValueError(f"unknown allocation method {method!r}; expected one of {METHODS}")


__all__ = [
    "METHODS", "Assignment", "Course", "Fairness", "Format", "Instance", "MunicipalShare", "Nomination", "Plan",
    "Promotion", "Reason", "Session", "Standard", "Unseated", "allocate", "promote",
]
