"""Exact allocation with sibling families by CP-SAT: fewest blocking coalitions, then most children.

Used only when the fast path (`kyodo.hoiku.engine.joint`) leaves blocking coalitions. The model covers
the units in those coalitions and the units holding places they could take; all other units keep
their places from the fast result, and their stability is still enforced wherever the free part
changes who sits where. With `focus=None` it covers everyone. Warm-started from the fast result, always under a time limit; the
status is checked, and the caller keeps the fast result unless the checked outcome is better.

Places shared across age classes (Facility.shared_capacity) add, per group in play, a capacity
constraint over all its seats and prefix sums in the group's order (Priority.group_order): a
member fits only if it fits at its seat and in its group, where the group count includes the
family's own members of the combination ranked above it (a member staying at its own seat too)
and leaves out those the members displace at another age class of the group (they leave it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kyodo.hoiku.engine.deferred_acceptance import group_capacities
from kyodo.hoiku.engine.joint import Unit
from kyodo.hoiku.model.instance import Instance
from kyodo.hoiku.model.result import Group, Priority, Seat

if TYPE_CHECKING:
    from ortools.sat.python import cp_model


@dataclass(frozen=True, slots=True)
class ExactOutcome:
    assignment: dict[str, str | None]
    blocking: int  # blocking coalitions left, by the solver's own count
    free_units: int
    optimal: bool
    status: str
    seconds: float


def solve_exact(
    instance: Instance,
    priority: Priority,
    units: list[Unit],
    capacity: Mapping[Seat, int],
    *,
    hint: Mapping[str, str | None],
    group_capacity: Mapping[Group, int] | None = None,
    focus: Collection[str] | None = None,
    max_free_units: int | None = None,  # give up (None) rather than build a model larger than this
    time_limit: float = 30.0,
    workers: int = 2,
) -> ExactOutcome | None:
    # --- data ---
    age = {cid: c.age_class for cid, c in instance.children.items()}
    unit_of = {cid: u for u in units for cid in u.children}
    group_cap = group_capacities(instance) if group_capacity is None else group_capacity
    group_of: dict[Seat, Group] = {(g[0], a): g for g in group_cap for a in g[1]}
    group_pos = {g: {cid: i for i, cid in enumerate(priority.group_order.get(g, ()))} for g in group_cap}
    # The seat of each child in a group's order (by the seats' own orders: fixed children included).
    seat_in_group = {
        g: {c: (g[0], a) for a in g[1] for c in priority.order.get((g[0], a), ())} for g in group_cap
    }

    def near(seat: Seat) -> list[Seat]:
        """The seat, or every seat of its shared group (a place there may be taken via the group)."""
        group = group_of.get(seat)
        return [seat] if group is None else [(group[0], a) for a in group[1]]

    def group_need(u: Unit, j: int) -> dict[Group, list[tuple[str, bool]]]:
        """Members of option j in each shared group, with whether each is new there (not staying)."""
        out: dict[Group, list[tuple[str, bool]]] = {}
        for cid, f in zip(u.children, u.options[j], strict=True):
            if f is not None and (f, age[cid]) in group_of:
                new = f != instance.children[cid].current_facility
                out.setdefault(group_of[(f, age[cid])], []).append((cid, new))
        return out

    def need(u: Unit, j: int) -> dict[Seat, list[str]]:
        out: dict[Seat, list[str]] = {}
        for cid, f in zip(u.children, u.options[j], strict=True):
            if f is not None and f != instance.children[cid].current_facility:
                out.setdefault((f, age[cid]), []).append(cid)
        return out

    def chosen(u: Unit) -> int | None:
        got = tuple(hint.get(c) for c in u.children)
        return next((j for j, combo in enumerate(u.options) if combo == got), None)

    current = {u.id: chosen(u) for u in units}
    holders_at: dict[Seat, list[str]] = {}
    for cid, f in hint.items():
        if f is not None:
            holders_at.setdefault((f, age[cid]), []).append(cid)
    if focus is None:
        free = {u.id for u in units}
    else:
        # The units in the coalitions, and whoever holds a place they could take.
        start = {unit_of[c].id for c in focus if c in unit_of}
        free = set(start)
        for u in units:
            if u.id in start:
                for j in range(len(u.options)):
                    for seat in need(u, j):
                        for s in near(seat):
                            free |= {unit_of[c].id for c in holders_at.get(s, ()) if c in unit_of}
    free_units = [u for u in units if u.id in free]
    if max_free_units is not None and len(free_units) > max_free_units:
        return None
    from ortools.sat.python import cp_model  # loaded only when a model is built (about 1 s)
    region = {seat for u in free_units for j in range(len(u.options)) for seat in need(u, j)}
    occupants: dict[Seat, set[str]] = {}
    for cid, f in hint.items():
        if f is not None:
            occupants.setdefault((f, age[cid]), set()).add(cid)

    model = cp_model.CpModel()

    # --- variables ---
    z = {(u.id, j): model.new_bool_var(f"z[{u.id},{j}]") for u in free_units for j in range(len(u.options))}
    at_seat: dict[Seat, dict[str, list[cp_model.IntVar]]] = {}
    for u in free_units:
        for j, combo in enumerate(u.options):
            for cid, f in zip(u.children, combo, strict=True):
                if f is not None:
                    at_seat.setdefault((f, age[cid]), {}).setdefault(cid, []).append(z[u.id, j])

    def x(cid: str, seat: Seat) -> cp_model.LinearExpr | int:
        owner = unit_of.get(cid)  # None for a child fixed by a staff decision
        if owner is not None and owner.id in free:
            return cp_model.LinearExpr.sum(at_seat.get(seat, {}).get(cid, []))
        return 1 if cid in occupants.get(seat, ()) else 0

    # --- constraints ---
    for u in free_units:
        picked = cp_model.LinearExpr.sum([z[u.id, j] for j in range(len(u.options))])
        model.add(picked == 1) if u.must_place else model.add(picked <= 1)
    seats_used = set(at_seat) | region
    prefix: dict[Seat, dict[str, cp_model.LinearExpr | int]] = {}
    totals: dict[Seat, cp_model.LinearExpr | int] = {}
    for seat in seats_used:
        order = priority.order.get(seat, ())
        model.add(cp_model.LinearExpr.sum([x(c, seat) for c in order]) <= capacity.get(seat, 0))
        running: cp_model.LinearExpr | int = 0
        before: dict[str, cp_model.LinearExpr | int] = {}
        for k, c in enumerate(order):
            before[c] = running
            var = model.new_int_var(0, k + 1, f"P[{seat},{k}]")
            model.add(var == running + x(c, seat))
            running = var
        prefix[seat] = before
        totals[seat] = running
    groups_used = {group_of[seat] for seat in seats_used if seat in group_of}
    group_prefix: dict[Group, dict[str, cp_model.LinearExpr | int]] = {}
    for group in sorted(groups_used):
        order = priority.group_order.get(group, ())
        where = seat_in_group[group]
        model.add(cp_model.LinearExpr.sum([x(c, where[c]) for c in order]) <= group_cap.get(group, 0))
        running = 0
        before = {}
        for k, c in enumerate(order):
            before[c] = running
            var = model.new_int_var(0, k + 1, f"G[{group},{k}]")
            model.add(var == running + x(c, where[c]))
            running = var
        group_prefix[group] = before

    def rank_ahead(seat: Seat, cid: str) -> cp_model.LinearExpr | int:
        """How many placed children at the seat rank above cid (0 when cid never applied there)."""
        table = prefix.get(seat, {})
        if cid in table:
            return table[cid]
        order = priority.order.get(seat, ())
        mine = order.index(cid) if cid in order else len(order)
        return sum(1 for o in occupants.get(seat, ()) if order.index(o) < mine)

    def group_ahead(group: Group, cid: str) -> cp_model.LinearExpr | int:
        """How many placed children in the group rank above cid in the group's order."""
        table = group_prefix.get(group, {})
        if cid in table:
            return table[cid]
        order = group_pos[group]
        mine = order.get(cid, len(order))
        return sum(
            1 for s in near((group[0], group[1][0])) for o in occupants.get(s, ()) if order.get(o, -1) < mine
        )

    def seat_ahead(seat: Seat, group: Group, cid: str) -> cp_model.LinearExpr | int:
        """How many placed children at a seat of the group rank above cid in the group's order."""
        order = group_pos[group]
        mine = order[cid]
        table = prefix.get(seat)
        if table is None:
            return sum(1 for o in occupants.get(seat, ()) if order.get(o, -1) < mine)
        boundary = next((c for c in priority.order.get(seat, ()) if order.get(c, -1) > mine), None)
        return table[boundary] if boundary is not None else totals[seat]

    blocking: list[cp_model.IntVar] = []
    for u in units:
        is_free = u.id in free
        held = current[u.id]
        limit = len(u.options) if is_free else (len(u.options) if held is None else held)
        own = set(u.children)
        for j in range(limit):
            wanted = need(u, j)
            if not wanted or (
                not is_free
                and not any(seat in seats_used or group_of.get(seat) in groups_used for seat in wanted)
            ):
                continue
            fits: list[cp_model.IntVar] = []
            possible = True
            # Members the option keeps at their own seat hold that place; a sibling joining them needs another.
            kept = Counter(
                (f, age[c])
                for c, f in zip(u.children, u.options[j], strict=True)
                if f is not None and f == instance.children[c].current_facility
            )
            for seat, members in wanted.items():
                ordered = sorted(members, key=lambda m: _pos(priority, seat, m))
                for n, m in enumerate(ordered):
                    ahead = rank_ahead(seat, m)
                    mine = cp_model.LinearExpr.sum(
                        [x(o, seat) for o in own if _pos(priority, seat, o) < _pos(priority, seat, m)]
                    )
                    room = capacity.get(seat, 0) - kept[seat] - n - 1
                    if isinstance(ahead, int) and all(unit_of[o].id not in free for o in own):
                        constant = ahead - sum(
                            1
                            for o in own
                            if o in occupants.get(seat, ())
                            and _pos(priority, seat, o) < _pos(priority, seat, m)
                        )
                        if constant > room:
                            possible = False
                        continue
                    fit = model.new_bool_var(f"fit[{u.id},{j},{m}]")
                    model.add(ahead - mine > room).only_enforce_if(fit.Not())
                    fits.append(fit)
            for group, members_in in group_need(u, j).items():
                gorder = group_pos[group]
                where = seat_in_group[group]
                if any(m not in gorder for m, _ in members_in):
                    possible = False
                    continue
                ranked = sorted(members_in, key=lambda item: gorder[item[0]])
                at_seats = Counter(where[m] for m, _ in members_in)
                for n, (m, new) in enumerate(ranked):
                    if not new:
                        continue  # its own seat, guaranteed (it ranks first in the group)
                    above = [o for o in own if gorder.get(o, len(gorder)) < gorder[m]]
                    # Others above m that the members displace at another age class leave the group.
                    excess: list[cp_model.LinearExpr | int] = []
                    for s, count in at_seats.items():
                        if s == where[m]:
                            continue
                        others = seat_ahead(s, group, m)
                        own_here = [x(o, s) for o in above if where[o] == s]
                        if own_here:
                            others = others - cp_model.LinearExpr.sum(own_here)
                        keep = max(0, capacity.get(s, 0) - count)
                        if isinstance(others, int):
                            excess.append(max(0, others - keep))
                        else:
                            e = model.new_int_var(0, len(priority.order.get(s, ())), f"E[{u.id},{j},{m},{s}]")
                            model.add_max_equality(e, [0, others - keep])
                            excess.append(e)
                    ahead = group_ahead(group, m)
                    room = group_cap.get(group, 0) - n - 1
                    fixed_own = all(unit_of[o].id not in free for o in own)
                    if isinstance(ahead, int) and fixed_own and all(isinstance(e, int) for e in excess):
                        constant = ahead - sum(1 for o in above if o in occupants.get(where[o], ()))
                        if constant - sum(e for e in excess if isinstance(e, int)) > room:
                            possible = False
                        continue
                    mine = cp_model.LinearExpr.sum([x(o, where[o]) for o in above])
                    fit = model.new_bool_var(f"gfit[{u.id},{j},{m}]")
                    model.add(ahead - mine - cp_model.LinearExpr.sum(excess) > room).only_enforce_if(
                        fit.Not()
                    )
                    fits.append(fit)
            if not possible:
                continue
            b = model.new_bool_var(f"b[{u.id},{j}]")
            blocking.append(b)
            better: cp_model.LinearExpr | int = (
                1 - cp_model.LinearExpr.sum([z[u.id, k] for k in range(j + 1)]) if is_free else 1
            )
            model.add(b >= better + cp_model.LinearExpr.sum(fits) - len(fits))

    # --- objective: fewest blocking coalitions first, then most children placed ---
    placed = cp_model.LinearExpr.sum(
        [
            z[u.id, j] * sum(1 for f in u.options[j] if f is not None)
            for u in free_units
            for j in range(len(u.options))
        ]
    )
    weight = sum(len(u.children) for u in free_units) + 1
    model.minimize(weight * cp_model.LinearExpr.sum(blocking) - placed)
    for u in free_units:
        for j in range(len(u.options)):
            model.add_hint(z[u.id, j], 1 if current[u.id] == j else 0)

    # --- solve ---
    # First complete the fast result into values for every variable (z fixed to the hint), then
    # search from that full hint: CP-SAT keeps a complete feasible hint, a partial one it may lose.
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.max_time_in_seconds = max(1.0, time_limit / 4)
    first = solver.solve(model)
    if first in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        model.clear_hints()  # type: ignore[no-untyped-call]
        for var in _all_variables(model):
            model.add_hint(var, solver.value(var))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None

    # --- read out ---
    assignment = dict(hint)
    for u in free_units:
        for cid in u.children:
            assignment[cid] = None
        for j, combo in enumerate(u.options):
            if solver.value(z[u.id, j]):
                assignment.update(zip(u.children, combo, strict=True))
    return ExactOutcome(
        assignment=assignment,
        blocking=sum(solver.value(b) for b in blocking),
        free_units=len(free_units),
        optimal=status == cp_model.OPTIMAL,
        status=solver.status_name(status),
        seconds=solver.wall_time,
    )


def _all_variables(model: cp_model.CpModel) -> list[cp_model.IntVar]:
    return [model.get_int_var_from_proto_index(i) for i in range(len(model.proto.variables))]


def _pos(priority: Priority, seat: Seat, cid: str) -> int:
    order = priority.order.get(seat, ())
    return order.index(cid) if cid in order else len(order)
