"""Exact allocation with sibling families by CP-SAT: fewest blocking coalitions, then most children.

Used only when the fast path (`kyodo.hoiku.joint`) leaves blocking coalitions. Warm-started from
the fast result, always under a time limit; the status is checked and the caller keeps the fast
result when the solver finds nothing better.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ortools.sat.python import cp_model

from kyodo.hoiku.joint import Unit
from kyodo.hoiku.model import Instance
from kyodo.hoiku.result import Priority, Seat


@dataclass(frozen=True, slots=True)
class ExactOutcome:
    assignment: dict[str, str | None]
    blocking: int  # blocking coalitions left in the solver's own count
    matched: int
    optimal: bool
    status: str
    seconds: float


def solve_exact(
    instance: Instance,
    priority: Priority,
    units: list[Unit],
    capacity: Mapping[Seat, int],
    *,
    hint: Mapping[str, str | None] | None = None,
    time_limit: float = 30.0,
    workers: int = 2,
) -> ExactOutcome | None:
    # --- data ---
    age = {cid: c.age_class for cid, c in instance.children.items()}

    def need(u: Unit, j: int) -> dict[Seat, list[str]]:
        out: dict[Seat, list[str]] = {}
        for cid, f in zip(u.children, u.options[j], strict=True):
            if f is not None:
                out.setdefault((f, age[cid]), []).append(cid)
        return out

    model = cp_model.CpModel()

    # --- variables ---
    z: dict[tuple[str, int], cp_model.IntVar] = {}
    at_seat: dict[Seat, dict[str, list[cp_model.IntVar]]] = {}
    for u in units:
        for j in range(len(u.options)):
            z[u.id, j] = model.new_bool_var(f"z[{u.id},{j}]")
            for seat, members in need(u, j).items():
                for m in members:
                    at_seat.setdefault(seat, {}).setdefault(m, []).append(z[u.id, j])

    def x(cid: str, seat: Seat) -> cp_model.LinearExpr:
        return cp_model.LinearExpr.sum(at_seat.get(seat, {}).get(cid, []))

    # --- constraints ---
    for u in units:
        chosen = sum(z[u.id, j] for j in range(len(u.options)))
        if u.must_place:
            model.add(chosen == 1)
        else:
            model.add(chosen <= 1)
    prefix: dict[Seat, list[cp_model.IntVar]] = {}
    for seat, holders in at_seat.items():
        places = capacity.get(seat, 0)
        model.add(cp_model.LinearExpr.sum([x(cid, seat) for cid in holders]) <= places)
        order = [cid for cid in priority.order.get(seat, ()) if cid in holders]
        running = [model.new_int_var(0, 0, f"P[{seat},0]")]
        for k, cid in enumerate(order, start=1):
            var = model.new_int_var(0, min(k, len(order)), f"P[{seat},{k}]")
            model.add(var == running[-1] + x(cid, seat))
            running.append(var)
        prefix[seat] = running
    rank_in = {
        seat: {
            cid: k
            for k, cid in enumerate(cid for cid in priority.order.get(seat, ()) if cid in at_seat[seat])
        }
        for seat in at_seat
    }

    blocking_terms: list[cp_model.IntVar] = []
    for u in units:
        current = tuple(instance.children[c].current_facility for c in u.children)
        own = set(u.children)
        for j, combo in enumerate(u.options):
            wanted = {
                seat: members
                for seat, members in need(u, j).items()
                if not all(instance.children[m].current_facility == seat[0] for m in members)
            }
            if not wanted or combo == current:
                continue
            better = 1 - sum(z[u.id, k] for k in range(j + 1))
            b = model.new_bool_var(f"b[{u.id},{j}]")
            blocking_terms.append(b)
            places_of = {seat: capacity.get(seat, 0) for seat in wanted}
            if len(u.children) == 1:
                ((seat, (m,)),) = wanted.items()
                ahead = prefix[seat][rank_in[seat][m]]
                # Stable unless the seat is full of children ahead of m: P >= cap * (better - b).
                model.add(ahead >= places_of[seat] * (better - b))
                continue
            fits = []
            for seat, members in wanted.items():
                ordered = sorted(members, key=lambda m: rank_in[seat][m])
                for n, m in enumerate(ordered):
                    ahead = prefix[seat][rank_in[seat][m]]
                    mine_ahead = cp_model.LinearExpr.sum(
                        [
                            x(o, seat)
                            for o in own
                            if o in rank_in[seat] and rank_in[seat][o] < rank_in[seat][m]
                        ]
                    )
                    fit = model.new_bool_var(f"fit[{u.id},{j},{m}]")
                    model.add(ahead - mine_ahead + n + 1 > places_of[seat]).only_enforce_if(fit.Not())
                    fits.append(fit)
            model.add(b >= better + sum(fits) - len(fits))

    # --- objective: fewest blocking coalitions first, then most children placed ---
    matched = sum(
        z[u.id, j] * sum(1 for f in u.options[j] if f is not None)
        for u in units
        for j in range(len(u.options))
    )
    weight = sum(len(u.children) for u in units) + 1
    model.minimize(weight * sum(blocking_terms) - matched)

    if hint:
        for u in units:
            got = tuple(hint.get(c) for c in u.children)
            for j, combo in enumerate(u.options):
                model.add_hint(z[u.id, j], 1 if combo == got else 0)

    # --- solve ---
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None

    # --- read out ---
    assignment: dict[str, str | None] = dict.fromkeys(instance.children)
    for u in units:
        for j, combo in enumerate(u.options):
            if solver.value(z[u.id, j]):
                for cid, f in zip(u.children, combo, strict=True):
                    assignment[cid] = f
    return ExactOutcome(
        assignment=assignment,
        blocking=sum(solver.value(b) for b in blocking_terms),
        matched=sum(1 for f in assignment.values() if f is not None),
        optimal=status == cp_model.OPTIMAL,
        status=solver.status_name(status),
        seconds=solver.wall_time,
    )
