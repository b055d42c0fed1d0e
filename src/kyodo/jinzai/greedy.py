"""The greedy baseline: what a secretariat does by hand, for comparison with the optimiser.

1. Keep the confirmed assignments.
2. Take requests most urgent first, then earliest start, then in order of arrival (id).
3. Give each to the qualifying specialist (skills, mode, no conflict, not excluded from it) with room who scores best on the same pair value the optimiser uses
   (preferred, continuity, travel), ties to the one with most room left; skip it if nobody has room.
It never revisits a choice, which is why it serves fewer requests when specialists are scarce.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from kyodo.jinzai.feasibility import analyse, place_confirmed
from kyodo.jinzai.model import Assignment, Instance, Plan, Urgency
from kyodo.jinzai.reasons import explain
from kyodo.jinzai.scoring import objective, pair_value

_URGENCY_ORDER = {Urgency.URGENT: 0, Urgency.HIGH: 1, Urgency.NORMAL: 2}


def solve(instance: Instance, *, confirmed: Mapping[str, str] | None = None) -> Plan:
    started = time.perf_counter()
    confirmed = dict(confirmed or {})
    analysis = analyse(instance)
    ledger = place_confirmed(instance, analysis, confirmed)
    chosen = dict(confirmed)
    order = sorted(
        (r for r in instance.requests if r.id not in chosen),
        key=lambda r: (_URGENCY_ORDER[r.urgency], r.start, r.id),
    )
    for r in order:
        room = [s for s in analysis.candidates[r.id] if ledger.fits(r.id, s)]
        if not room:
            continue
        best = max(
            room,
            key=lambda s: (
                pair_value(instance, r.id, s),
                sum(ledger.remaining[s, w] for w in analysis.needs[r.id].weeks),
                s,
            ),
        )
        ledger.add(r.id, best)
        chosen[r.id] = best
    assignments = tuple(
        Assignment(r.id, chosen[r.id], r.id in confirmed) for r in instance.requests if r.id in chosen
    )
    return Plan(
        method="greedy",
        status="GREEDY",
        assignments=assignments,
        unmatched=explain(instance, analysis, chosen),
        objective=objective(instance, chosen),
        solve_seconds=time.perf_counter() - started,
    )
