"""Matching as one CP-SAT optimisation over all open requests and specialists.

Sections in the OR-Tools order: data → variables → constraints → objective → solve → read out.

- x[r, s] = 1 when request r goes to specialist s; only pairs that pass skills, mode, conflicts, the request's
  exclusions (`Request.excluded`) and the period's base capacity exist at all (`feasibility.analyse`), so those hard constraints hold by construction.
- Hard: each request at most once; per specialist and week, planned minutes ≤ capacity; per specialist, cases ≤ limit;
  confirmed assignments fixed to 1. Program caps are enforced when a request is accepted (`readers`, `check`).
- Objective (maximise): Σ pair_value(r, s)·x[r, s] + coverage·Σ cover[m], where cover[m] ≤ Σ x of m's requests —
  every municipality that asked gets something before any gets a lot. Weights: `data/policy.yaml`.
- After the solve, a fill pass places any request that still fits somewhere (only possible when the time limit cut
  the search short); every pair value is positive, so this never lowers the objective, and it makes the
  "all who qualify are full" reason true by construction.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping

from kyodo.jinzai import greedy
from kyodo.jinzai.errors import PlanError
from kyodo.jinzai.feasibility import analyse, place_confirmed
from kyodo.jinzai.model import Assignment, Instance, Plan
from kyodo.jinzai.reasons import explain
from kyodo.jinzai.scoring import objective, pair_value


def solve(
    instance: Instance,
    *,
    confirmed: Mapping[str, str] | None = None,
    time_limit_s: float = 8.0,
    workers: int = 2,
    seed: int = 0,
    log: bool = False,
) -> Plan:
    """Match every open request at once. `confirmed` (request id → specialist id) is kept as it is."""
    from ortools.sat.python import cp_model

    started = time.perf_counter()
    confirmed = dict(confirmed or {})

    # --- data
    analysis = analyse(instance)
    ledger = place_confirmed(instance, analysis, confirmed)  # raises PlanError when a confirmed pair no longer fits
    start_plan = greedy.solve(instance, confirmed=confirmed).by_request()  # where the search starts
    value = {(r, s): pair_value(instance, r, s) for r, cands in analysis.candidates.items() for s in cands}

    # --- variables
    model = cp_model.CpModel()
    x = {(r, s): model.new_bool_var(f"x[{r},{s}]") for (r, s) in value}
    municipalities = sorted({r.municipality for r in instance.requests})
    cover = {m: model.new_bool_var(f"cover[{m}]") for m in municipalities}

    # --- constraints
    by_request: dict[str, list[str]] = defaultdict(list)
    by_specialist: dict[str, list[str]] = defaultdict(list)
    for r, s in x:
        by_request[r].append(s)
        by_specialist[s].append(r)
    for r, specialists in by_request.items():
        model.add_at_most_one(x[r, s] for s in specialists)
    for s, requests in by_specialist.items():
        weekly: dict[int, list[str]] = defaultdict(list)
        for r in requests:
            for w in analysis.needs[r].weeks:
                weekly[w].append(r)
        for w, rs in weekly.items():
            minutes = [analysis.needs[r].minutes_per_week for r in rs]
            if sum(minutes) > analysis.capacity[s, w]:  # otherwise it cannot bind
                model.add(sum(m * x[r, s] for m, r in zip(minutes, rs, strict=True)) <= analysis.capacity[s, w])
        limit = instance.specialist(s).max_cases
        if limit is not None and len(requests) > limit:
            model.add(sum(x[r, s] for r in requests) <= limit)
    for m in municipalities:
        mine = [x[r.id, s] for r in instance.requests if r.municipality == m for s in by_request.get(r.id, [])]
        if mine:
            model.add(cover[m] <= sum(mine))
        else:
            model.add(cover[m] == 0)
    for r, s in confirmed.items():
        model.add(x[r, s] == 1)

    # --- objective
    model.maximize(
        sum(v * x[key] for key, v in value.items()) + instance.policy.coverage * sum(cover.values())
    )
    for (r, s), var in x.items():
        model.add_hint(var, start_plan.get(r) == s)
    hinted = {instance.request(r).municipality for r in start_plan}
    for m, var in cover.items():
        model.add_hint(var, m in hinted)

    # --- solve
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.log_search_progress = log
    status = solver.solve(model)
    if status == cp_model.UNKNOWN:
        raise PlanError(f"制限時間({time_limit_s:g}秒)内に割当計画が見つかりませんでした。制限時間を延ばしてください。")
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # Every constraint is satisfied by assigning nothing beyond the confirmed pairs, which were checked above.
        raise PlanError(f"最適化で解が得られませんでした(状態: {solver.status_name(status)})。")

    # --- read out
    chosen = {r: s for (r, s), var in x.items() if solver.boolean_value(var)}
    for r, s in chosen.items():
        if r not in confirmed:
            ledger.add(r, s)
    for r in sorted(set(by_request) - set(chosen), key=lambda r: -max(value[r, s] for s in by_request[r])):
        room = sorted((s for s in by_request[r] if ledger.fits(r, s)), key=lambda s: -value[r, s])
        if room:
            ledger.add(r, room[0])
            chosen[r] = room[0]
    assignments = tuple(
        Assignment(r.id, chosen[r.id], r.id in confirmed) for r in instance.requests if r.id in chosen
    )
    return Plan(
        method="cpsat",
        status=solver.status_name(status),
        assignments=assignments,
        unmatched=explain(instance, analysis, chosen),
        objective=objective(instance, chosen),
        solve_seconds=time.perf_counter() - started,
    )
