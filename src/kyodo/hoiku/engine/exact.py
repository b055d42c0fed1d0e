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
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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
    """Sections as in the OR-Tools samples: data → variables → constraints → objective → solve → read out."""
    exact = _ExactModel(instance, priority, units, capacity, hint, group_capacity, focus)
    if max_free_units is not None and len(exact.free_units) > max_free_units:
        return None
    exact.add_variables()
    exact.add_capacity_constraints()
    blocking = exact.add_blocking_constraints()
    exact.set_objective(blocking)
    solved = exact.solve(time_limit, workers)
    return None if solved is None else exact.read_out(solved, blocking)


class _ExactModel:
    """The CP-SAT model of one exact search, built section by section."""

    # --- data ---
    def __init__(
        self,
        instance: Instance,
        priority: Priority,
        units: list[Unit],
        capacity: Mapping[Seat, int],
        hint: Mapping[str, str | None],
        group_capacity: Mapping[Group, int] | None,
        focus: Collection[str] | None,
    ) -> None:
        self.instance, self.priority, self.units, self.capacity, self.hint = (
            instance,
            priority,
            units,
            capacity,
            hint,
        )
        self.age = {cid: c.age_class for cid, c in instance.children.items()}
        self.unit_of = {cid: u for u in units for cid in u.children}
        group_cap = group_capacities(instance) if group_capacity is None else group_capacity
        self.group_cap = group_cap
        self.group_of: dict[Seat, Group] = {(g[0], a): g for g in group_cap for a in g[1]}
        self.group_pos = {
            g: {cid: i for i, cid in enumerate(priority.group_order.get(g, ()))} for g in group_cap
        }
        # The seat of each child in a group's order (by the seats' own orders: fixed children included).
        self.seat_in_group = {
            g: {c: (g[0], a) for a in g[1] for c in priority.order.get((g[0], a), ())} for g in group_cap
        }
        self.current = {u.id: self.chosen(u) for u in units}
        self.occupants: dict[Seat, set[str]] = {}
        for cid, f in hint.items():
            if f is not None:
                self.occupants.setdefault((f, self.age[cid]), set()).add(cid)
        self.free = self._free_units(focus)
        self.free_units = [u for u in units if u.id in self.free]
        self.region = {
            seat for u in self.free_units for j in range(len(u.options)) for seat in self.need(u, j)
        }

    def _free_units(self, focus: Collection[str] | None) -> set[str]:
        """The units in the coalitions, and whoever holds a place they could take (everyone without focus)."""
        if focus is None:
            return {u.id for u in self.units}
        start = {self.unit_of[c].id for c in focus if c in self.unit_of}
        free = set(start)
        for u in self.units:
            if u.id in start:
                for j in range(len(u.options)):
                    for seat in self.need(u, j):
                        for s in self.near(seat):
                            free |= {
                                self.unit_of[c].id for c in self.occupants.get(s, ()) if c in self.unit_of
                            }
        return free

    def near(self, seat: Seat) -> list[Seat]:
        """The seat, or every seat of its shared group (a place there may be taken via the group)."""
        group = self.group_of.get(seat)
        return [seat] if group is None else [(group[0], a) for a in group[1]]

    def group_need(self, u: Unit, j: int) -> dict[Group, list[tuple[str, bool]]]:
        """Members of option j in each shared group, with whether each is new there (not staying)."""
        out: dict[Group, list[tuple[str, bool]]] = {}
        for cid, f in zip(u.children, u.options[j], strict=True):
            if f is not None and (f, self.age[cid]) in self.group_of:
                new = f != self.instance.children[cid].current_facility
                out.setdefault(self.group_of[(f, self.age[cid])], []).append((cid, new))
        return out

    def need(self, u: Unit, j: int) -> dict[Seat, list[str]]:
        out: dict[Seat, list[str]] = {}
        for cid, f in zip(u.children, u.options[j], strict=True):
            if f is not None and f != self.instance.children[cid].current_facility:
                out.setdefault((f, self.age[cid]), []).append(cid)
        return out

    def chosen(self, u: Unit) -> int | None:
        got = tuple(self.hint.get(c) for c in u.children)
        return next((j for j, combo in enumerate(u.options) if combo == got), None)

    # --- variables ---
    def add_variables(self) -> None:
        from ortools.sat.python import cp_model  # loaded only when a model is built (about 1 s)

        self.model = model = cp_model.CpModel()
        self.z = {
            (u.id, j): model.new_bool_var(f"z[{u.id},{j}]")
            for u in self.free_units
            for j in range(len(u.options))
        }
        self.at_seat: dict[Seat, dict[str, list[cp_model.IntVar]]] = {}
        for u in self.free_units:
            for j, combo in enumerate(u.options):
                for cid, f in zip(u.children, combo, strict=True):
                    if f is not None:
                        self.at_seat.setdefault((f, self.age[cid]), {}).setdefault(cid, []).append(
                            self.z[u.id, j]
                        )

    def x(self, cid: str, seat: Seat) -> cp_model.LinearExpr | int:
        from ortools.sat.python import cp_model

        owner = self.unit_of.get(cid)  # None for a child fixed by a staff decision
        if owner is not None and owner.id in self.free:
            return cp_model.LinearExpr.sum(self.at_seat.get(seat, {}).get(cid, []))
        return 1 if cid in self.occupants.get(seat, ()) else 0

    # --- constraints ---
    def add_capacity_constraints(self) -> None:
        """One option per unit; capacity per seat and per shared group, with prefix sums in priority order."""
        from ortools.sat.python import cp_model

        model, x = self.model, self.x
        for u in self.free_units:
            picked = cp_model.LinearExpr.sum([self.z[u.id, j] for j in range(len(u.options))])
            model.add(picked == 1) if u.must_place else model.add(picked <= 1)
        self.seats_used = set(self.at_seat) | self.region
        self.prefix: dict[Seat, dict[str, cp_model.LinearExpr | int]] = {}
        self.totals: dict[Seat, cp_model.LinearExpr | int] = {}
        for seat in self.seats_used:
            order = self.priority.order.get(seat, ())
            model.add(cp_model.LinearExpr.sum([x(c, seat) for c in order]) <= self.capacity.get(seat, 0))
            self.prefix[seat], self.totals[seat] = self._prefix_sums(
                order, [x(c, seat) for c in order], f"P[{seat}"
            )
        self.groups_used = {self.group_of[seat] for seat in self.seats_used if seat in self.group_of}
        self.group_prefix: dict[Group, dict[str, cp_model.LinearExpr | int]] = {}
        for group in sorted(self.groups_used):
            order = self.priority.group_order.get(group, ())
            where = self.seat_in_group[group]
            model.add(
                cp_model.LinearExpr.sum([x(c, where[c]) for c in order]) <= self.group_cap.get(group, 0)
            )
            self.group_prefix[group], _ = self._prefix_sums(
                order, [x(c, where[c]) for c in order], f"G[{group}"
            )

    def _prefix_sums(
        self, order: Sequence[str], placed: Sequence[cp_model.LinearExpr | int], name: str
    ) -> tuple[dict[str, cp_model.LinearExpr | int], cp_model.LinearExpr | int]:
        """child → how many ranked above it are placed (`placed[k]`: is order[k] placed); and the total."""
        running: cp_model.LinearExpr | int = 0
        before: dict[str, cp_model.LinearExpr | int] = {}
        for k, c in enumerate(order):
            before[c] = running
            var = self.model.new_int_var(0, k + 1, f"{name},{k}]")
            self.model.add(var == running + placed[k])
            running = var
        return before, running

    def rank_ahead(self, seat: Seat, cid: str) -> cp_model.LinearExpr | int:
        """How many placed children at the seat rank above cid (0 when cid never applied there)."""
        table = self.prefix.get(seat, {})
        if cid in table:
            return table[cid]
        order = self.priority.order.get(seat, ())
        mine = order.index(cid) if cid in order else len(order)
        return sum(1 for o in self.occupants.get(seat, ()) if order.index(o) < mine)

    def group_ahead(self, group: Group, cid: str) -> cp_model.LinearExpr | int:
        """How many placed children in the group rank above cid in the group's order."""
        table = self.group_prefix.get(group, {})
        if cid in table:
            return table[cid]
        order = self.group_pos[group]
        mine = order.get(cid, len(order))
        return sum(
            1
            for s in self.near((group[0], group[1][0]))
            for o in self.occupants.get(s, ())
            if order.get(o, -1) < mine
        )

    def seat_ahead(self, seat: Seat, group: Group, cid: str) -> cp_model.LinearExpr | int:
        """How many placed children at a seat of the group rank above cid in the group's order."""
        order = self.group_pos[group]
        mine = order[cid]
        table = self.prefix.get(seat)
        if table is None:
            return sum(1 for o in self.occupants.get(seat, ()) if order.get(o, -1) < mine)
        boundary = next((c for c in self.priority.order.get(seat, ()) if order.get(c, -1) > mine), None)
        return table[boundary] if boundary is not None else self.totals[seat]

    def add_blocking_constraints(self) -> list[cp_model.IntVar]:
        """b[u, j] is 1 when unit u would rather have option j and every member of it fits (a blocking coalition)."""
        from ortools.sat.python import cp_model

        blocking: list[cp_model.IntVar] = []
        for u in self.units:
            is_free = u.id in self.free
            held = self.current[u.id]
            limit = len(u.options) if is_free else (len(u.options) if held is None else held)
            for j in range(limit):
                wanted = self.need(u, j)
                if not wanted or (
                    not is_free
                    and not any(
                        seat in self.seats_used or self.group_of.get(seat) in self.groups_used
                        for seat in wanted
                    )
                ):
                    continue
                fits: list[cp_model.IntVar] = []
                if not (self._seat_fits(u, j, wanted, fits) and self._group_fits(u, j, fits)):
                    continue
                b = self.model.new_bool_var(f"b[{u.id},{j}]")
                blocking.append(b)
                better: cp_model.LinearExpr | int = (
                    1 - cp_model.LinearExpr.sum([self.z[u.id, k] for k in range(j + 1)]) if is_free else 1
                )
                self.model.add(b >= better + cp_model.LinearExpr.sum(fits) - len(fits))
        return blocking

    def _seat_fits(self, u: Unit, j: int, wanted: dict[Seat, list[str]], fits: list[cp_model.IntVar]) -> bool:
        """Adds a fit variable per member and seat of option j; False when a member can never fit."""
        from ortools.sat.python import cp_model

        priority, own, x = self.priority, set(u.children), self.x
        possible = True
        # Members the option keeps at their own seat hold that place; a sibling joining them needs another.
        kept = Counter(
            (f, self.age[c])
            for c, f in zip(u.children, u.options[j], strict=True)
            if f is not None and f == self.instance.children[c].current_facility
        )
        for seat, members in wanted.items():
            ordered = sorted(members, key=lambda m: _pos(priority, seat, m))
            for n, m in enumerate(ordered):
                ahead = self.rank_ahead(seat, m)
                mine = cp_model.LinearExpr.sum(
                    [x(o, seat) for o in own if _pos(priority, seat, o) < _pos(priority, seat, m)]
                )
                room = self.capacity.get(seat, 0) - kept[seat] - n - 1
                if isinstance(ahead, int) and all(self.unit_of[o].id not in self.free for o in own):
                    constant = ahead - sum(
                        1
                        for o in own
                        if o in self.occupants.get(seat, ())
                        and _pos(priority, seat, o) < _pos(priority, seat, m)
                    )
                    if constant > room:
                        possible = False
                    continue
                fit = self.model.new_bool_var(f"fit[{u.id},{j},{m}]")
                self.model.add(ahead - mine > room).only_enforce_if(fit.Not())
                fits.append(fit)
        return possible

    def _group_fits(self, u: Unit, j: int, fits: list[cp_model.IntVar]) -> bool:
        """The same for the shared groups option j needs places in; False when a member can never fit."""
        from ortools.sat.python import cp_model

        own, x, possible = set(u.children), self.x, True
        for group, members_in in self.group_need(u, j).items():
            gorder = self.group_pos[group]
            where = self.seat_in_group[group]
            if any(m not in gorder for m, _ in members_in):
                possible = False
                continue
            ranked = sorted(members_in, key=lambda item: gorder[item[0]])
            at_seats = Counter(where[m] for m, _ in members_in)
            for n, (m, new) in enumerate(ranked):
                if not new:
                    continue  # its own seat, guaranteed (it ranks first in the group)
                above = [o for o in own if gorder.get(o, len(gorder)) < gorder[m]]
                excess = self._displaced(u, j, m, group, where, at_seats, above)
                ahead = self.group_ahead(group, m)
                room = self.group_cap.get(group, 0) - n - 1
                fixed_own = all(self.unit_of[o].id not in self.free for o in own)
                if isinstance(ahead, int) and fixed_own and all(isinstance(e, int) for e in excess):
                    constant = ahead - sum(1 for o in above if o in self.occupants.get(where[o], ()))
                    if constant - sum(e for e in excess if isinstance(e, int)) > room:
                        possible = False
                    continue
                mine = cp_model.LinearExpr.sum([x(o, where[o]) for o in above])
                fit = self.model.new_bool_var(f"gfit[{u.id},{j},{m}]")
                self.model.add(ahead - mine - cp_model.LinearExpr.sum(excess) > room).only_enforce_if(
                    fit.Not()
                )
                fits.append(fit)
        return possible

    def _displaced(
        self,
        u: Unit,
        j: int,
        m: str,
        group: Group,
        where: Mapping[str, Seat],
        at_seats: Counter[Seat],
        above: list[str],
    ) -> list[cp_model.LinearExpr | int]:
        """Others above m that the members displace at another age class of the group: they leave it."""
        from ortools.sat.python import cp_model

        excess: list[cp_model.LinearExpr | int] = []
        for s, count in at_seats.items():
            if s == where[m]:
                continue
            others = self.seat_ahead(s, group, m)
            own_here = [self.x(o, s) for o in above if where[o] == s]
            if own_here:
                others = others - cp_model.LinearExpr.sum(own_here)
            keep = max(0, self.capacity.get(s, 0) - count)
            if isinstance(others, int):
                excess.append(max(0, others - keep))
            else:
                e = self.model.new_int_var(0, len(self.priority.order.get(s, ())), f"E[{u.id},{j},{m},{s}]")
                self.model.add_max_equality(e, [0, others - keep])
                excess.append(e)
        return excess

    # --- objective: fewest blocking coalitions first, then most children placed ---
    def set_objective(self, blocking: list[cp_model.IntVar]) -> None:
        from ortools.sat.python import cp_model

        z = self.z
        placed = cp_model.LinearExpr.sum(
            [
                z[u.id, j] * sum(1 for f in u.options[j] if f is not None)
                for u in self.free_units
                for j in range(len(u.options))
            ]
        )
        weight = sum(len(u.children) for u in self.free_units) + 1
        self.model.minimize(weight * cp_model.LinearExpr.sum(blocking) - placed)
        for u in self.free_units:
            for j in range(len(u.options)):
                self.model.add_hint(z[u.id, j], 1 if self.current[u.id] == j else 0)

    # --- solve ---
    def solve(self, time_limit: float, workers: int) -> tuple[cp_model.CpSolver, Any] | None:
        """First complete the fast result into values for every variable (z fixed to the hint), then
        search from that full hint: CP-SAT keeps a complete feasible hint, a partial one it may lose."""
        from ortools.sat.python import cp_model

        model = self.model
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
        return solver, status

    # --- read out ---
    def read_out(
        self, solved: tuple[cp_model.CpSolver, Any], blocking: list[cp_model.IntVar]
    ) -> ExactOutcome:
        from ortools.sat.python import cp_model

        solver, status = solved
        assignment = dict(self.hint)
        for u in self.free_units:
            for cid in u.children:
                assignment[cid] = None
            for j, combo in enumerate(u.options):
                if solver.value(self.z[u.id, j]):
                    assignment.update(zip(u.children, combo, strict=True))
        return ExactOutcome(
            assignment=assignment,
            blocking=sum(solver.value(b) for b in blocking),
            free_units=len(self.free_units),
            optimal=status == cp_model.OPTIMAL,
            status=solver.status_name(status),
            seconds=solver.wall_time,
        )


def _all_variables(model: cp_model.CpModel) -> list[cp_model.IntVar]:
    return [model.get_int_var_from_proto_index(i) for i in range(len(model.proto.variables))]


def _pos(priority: Priority, seat: Seat, cid: str) -> int:
    order = priority.order.get(seat, ())
    return order.index(cid) if cid in order else len(order)
