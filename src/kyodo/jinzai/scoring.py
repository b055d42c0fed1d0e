"""The policy objective: what one assignment is worth, and what a whole plan is worth.

Shared by the CP-SAT model (as coefficients), the greedy baseline (to rank candidates) and the tests (brute force), so
the three speak of the same number. The weights live in `data/policy.yaml`, where each is explained.
"""

from __future__ import annotations

from collections.abc import Mapping

from kyodo.jinzai.model import Instance, Mode
from kyodo.municipalities import BY_CODE


def pair_value(instance: Instance, request_id: str, specialist_id: str) -> int:
    """The objective gained by serving this request with this specialist (coverage not included)."""
    p = instance.policy
    r = instance.request(request_id)
    s = instance.specialist(specialist_id)
    muni = BY_CODE[r.municipality]
    value = p.serve + p.urgency[r.urgency.value] + p.fairness_band[p.band(muni.population)]
    if r.preferred == s.id:
        value += p.preferred
    if r.municipality in s.history:
        value += p.continuity
    if r.mode is Mode.ONSITE:
        days = -(-r.hours(p) // p.hours_per_day)
        value -= p.travel[s.home_area][muni.area] * days
    return value


def objective(instance: Instance, assignment: Mapping[str, str]) -> int:
    """The objective of a plan given as request id → specialist id."""
    covered = {instance.request(r).municipality for r in assignment}
    return sum(pair_value(instance, r, s) for r, s in assignment.items()) + instance.policy.coverage * len(covered)
