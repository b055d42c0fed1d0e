"""jinzai — the "human cloud" (人間のクラウド): Tokyo's shared digital specialists matched to municipal requests.

Plain Python, no Django. Read (`readers.read_instance`) → `Instance` → `match` (CP-SAT `optimize.solve`, or the
`greedy.solve` baseline) → `Plan` (assignments, and a reason for each unmatched request) → check
(`check.violations`, independent of both matchers) → fairness figures (`fairness.measure`), joint projects
(`aggregate.joint_projects`) and outputs (`report.plan_json`, `report.plan_sheets`).
"""

from __future__ import annotations

from collections.abc import Mapping

from kyodo.jinzai.model import Instance, Mode, Plan, Request, Specialist, Unit, Urgency
from kyodo.jinzai.policy import Policy, load_policy

METHODS = ("cpsat", "greedy")


def match(
    instance: Instance,
    *,
    method: str = "cpsat",
    confirmed: Mapping[str, str] | None = None,
    time_limit_s: float = 8.0,
    workers: int = 2,
) -> Plan:
    """Match all open requests. `confirmed` (request id → specialist id) is kept; release one by leaving it out.

    Raises ValueError for an unknown method, `errors.PlanError` (Japanese) when a confirmed pair no longer fits.
    """
    if method == "cpsat":
        from kyodo.jinzai import optimize

        return optimize.solve(instance, confirmed=confirmed, time_limit_s=time_limit_s, workers=workers)
    if method == "greedy":
        from kyodo.jinzai import greedy

        return greedy.solve(instance, confirmed=confirmed)
    raise ValueError(f"unknown matching method {method!r}; expected one of {METHODS}")


__all__ = [
    "METHODS",
    "Instance",
    "Mode",
    "Plan",
    "Policy",
    "Request",
    "Specialist",
    "Unit",
    "Urgency",
    "load_policy",
    "match",
]
