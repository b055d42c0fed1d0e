"""One allocation round from an Instance: decisions → score → priority → allocate → check → flags.

`run_round` is what the CLI and the web app call. It is deterministic for the same instance,
rules file, seed and decisions, and records what is needed to reproduce it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

import kyodo
from kyodo.hoiku.checks.check import blocking_pairs, check_allocation
from kyodo.hoiku.checks.coalitions import check_families
from kyodo.hoiku.engine.deferred_acceptance import group_capacities, seat_capacities
from kyodo.hoiku.engine.family import Family, families
from kyodo.hoiku.engine.joint import Unit, build_units, joint_deferred_acceptance
from kyodo.hoiku.engine.priority import build_priority
from kyodo.hoiku.engine.scoring import score_instance
from kyodo.hoiku.model.decision import DECISION_KINDS, Decision, DecisionKind
from kyodo.hoiku.model.errors import InputError, Problem, RuleError
from kyodo.hoiku.model.instance import Instance, restricted
from kyodo.hoiku.model.result import (
    Flag,
    FlagKind,
    Group,
    Priority,
    Result,
    RunRecord,
    Seat,
    Violation,
)
from kyodo.hoiku.rules import Rules, load_rules

# The search for a stable allocation that places more children (only when families are left out)
# is bounded: it runs on at most this many units around them, for at most this long.
IMPROVE_MAX_UNITS = 100
IMPROVE_TIME_LIMIT = 5.0
__all__ = ["DECISION_KINDS", "Decision", "DecisionKind", "run_round"]


def run_round(
    instance: Instance,
    *,
    rules: str | Rules | None,
    fiscal_year: int | None,
    seed: int,
    decisions: Iterable[Decision] = (),
    inputs_sha256: Mapping[str, str] | None = None,
    exact_time_limit: float = 30.0,
) -> Result:
    """Steps: apply staff decisions, score, order applicants per seat, allocate (sibling-aware
    deferred acceptance), check independently, and only if blocking remains solve exactly.

    Shared places across age classes (Facility.shared_capacity, e.g. ages 1-2 share 10) are a
    limit on top of each age class's own places: a child needs a place in both, with one order
    across the group's ages (see `kyodo.hoiku.engine.joint`). Groups of one facility may not overlap.
    A child fixed by staff at a seat of a group takes one of the group's places too."""
    loaded = load_rules(rules) if isinstance(rules, str) else rules
    fiscal_year = fiscal_year if fiscal_year is not None else instance.fiscal_year
    _check_shared_capacity(instance)
    decisions = tuple(decisions)
    working, fixed = _apply_decisions(instance, decisions)

    scores = score_instance(working, loaded, fiscal_year)
    priority = build_priority(working, scores, loaded, seed, fiscal_year)
    capacity = seat_capacities(working)
    group_capacity = group_capacities(working)
    group_of = {(g[0], a): g for g in group_capacity for a in g[1]}
    for cid, facility_id in fixed.items():
        seat = (facility_id, working.children[cid].age_class)
        capacity[seat] = capacity.get(seat, 0) - 1
        if seat in group_of:
            group_capacity[group_of[seat]] -= 1
    # Fixed children hold their seats by a staff decision and take no part in the allocation.
    free_view = restricted(working, {k: v for k, v in working.children.items() if k not in fixed})
    try:
        fams = families(free_view)
    except ValueError as exc:
        raise InputError([Problem(str(exc))]) from exc
    units = build_units(free_view, fams)
    outcome = joint_deferred_acceptance(
        free_view, priority, units, capacity=capacity, group_capacity=group_capacity
    )
    assignment = {**outcome.assignment, **fixed}
    method = "deferred_acceptance" if not fams else "sibling_deferred_acceptance"
    violations = _check(working, priority, assignment, fams, fixed)

    if fams:
        assignment, violations, method = _search_exactly(
            working, free_view, priority, units, (capacity, group_capacity), outcome.assignment,
            fams, fixed, (assignment, violations, method), exact_time_limit,
        )  # fmt: skip

    flags = _flags(working, loaded, fiscal_year, priority, assignment)
    flags += [
        Flag(v.child_id, FlagKind.BLOCKING, f"安定でない可能性: {v.message}")
        for v in blocking_pairs(violations)
        if v.child_id is not None
    ]
    run = RunRecord(
        engine_version=kyodo.__version__,
        seed=seed,
        fiscal_year=fiscal_year,
        rules_name=loaded.name if loaded else None,
        rules_sha256=loaded.sha256 if loaded else None,
        inputs_sha256=dict(inputs_sha256 or {}),
        method=method,
        decisions=tuple(d.as_dict() for d in decisions),
    )
    return Result(
        instance=working,
        scores=scores,
        priority=priority,
        assignment=assignment,
        violations=tuple(violations),
        flags=tuple(flags),
        run=run,
    )


def _search_exactly(
    working: Instance,
    free_view: Instance,
    priority: Priority,
    units: list[Unit],
    capacities: tuple[dict[Seat, int], dict[Group, int]],
    hint: Mapping[str, str | None],
    fams: Mapping[str, Family],
    fixed: Mapping[str, str],
    found: tuple[dict[str, str | None], list[Violation], str],
    exact_time_limit: float,
) -> tuple[dict[str, str | None], list[Violation], str]:
    """Only with families can the fast path leave blocking coalitions, or a stable result that places
    fewer children than another stable one. Then search the neighbourhood concerned exactly: the
    coalitions' (under the full time limit), or that of the family members left out (bounded).
    The exact result is kept only when it is better by the independent check."""
    assignment, violations, method = found
    capacity, group_capacity = capacities
    blocking = blocking_pairs(violations)
    focus = {c for v in blocking for c in (v.child_id, v.other_child_id) if c} or {
        c for fam in fams.values() for c in fam.children if assignment.get(c) is None
    }
    if not focus:
        return found
    from kyodo.hoiku.engine.exact import solve_exact  # OR-Tools loads only when needed

    exact = solve_exact(
        free_view,
        priority,
        units,
        capacity,
        hint=hint,
        group_capacity=group_capacity,
        focus=focus,
        time_limit=exact_time_limit if blocking else min(exact_time_limit, IMPROVE_TIME_LIMIT),
        max_free_units=None if blocking else IMPROVE_MAX_UNITS,
    )
    if exact is None:
        return found
    candidate = {**exact.assignment, **fixed}
    checked = _check(working, priority, candidate, fams, fixed)
    if (len(blocking_pairs(checked)), -_placed(candidate)) < (len(blocking), -_placed(assignment)):
        method = f"cp_sat({exact.status})" if blocking else f"{method}+cp_sat({exact.status})"
        return candidate, checked, method
    return found


def _check_shared_capacity(instance: Instance) -> None:
    """Shared places (共有枠) must name age classes of one facility that no other group of it names:
    a child then counts against its age class and at most one shared limit."""
    problems: list[Problem] = []
    for f in instance.facilities.values():
        seen: set[int] = set()
        for ages, places in f.shared_capacity.items():
            label = "・".join(str(a) for a in ages)
            if places < 0:
                problems.append(Problem(f"{f.name}({f.id})の共有枠 {label}歳 の人数が負です: {places}"))
            if seen & set(ages):
                problems.append(
                    Problem(f"{f.name}({f.id})の共有枠 {label}歳 が別の共有枠と年齢が重なっています")
                )
            seen |= set(ages)
    if problems:
        raise InputError(problems)


def _placed(assignment: Mapping[str, str | None]) -> int:
    return sum(1 for f in assignment.values() if f is not None)


def _check(
    working: Instance,
    priority: Priority,
    assignment: Mapping[str, str | None],
    fams: Mapping[str, Family],
    fixed: Mapping[str, str],
) -> list[Violation]:
    members = frozenset(c for fam in fams.values() for c in fam.children)
    # A fixed child sits where staff put it: not a defect of the allocation, and no one can take its place.
    held = frozenset(fixed)
    violations = check_allocation(working, priority, assignment, joint=members, held=held)
    return violations + check_families(working, priority, assignment, fams, held)


def _apply_decisions(instance: Instance, decisions: tuple[Decision, ...]) -> tuple[Instance, dict[str, str]]:
    children = dict(instance.children)
    fixed: dict[str, str] = {}
    for d in decisions:
        child = children.get(d.child_id)
        if child is None:
            raise RuleError(f"職員判断の対象の児童{d.child_id}は申込にありません")
        if d.facility_id is not None and d.facility_id not in instance.facilities:
            raise RuleError(f"職員判断の施設{d.facility_id}は施設一覧にありません(児童{d.child_id})")
        if d.kind == DecisionKind.WITHDRAW:
            del children[d.child_id]
            fixed.pop(d.child_id, None)
        elif d.kind == DecisionKind.FORBID:
            children[d.child_id] = replace(
                child, choices=tuple(f for f in child.choices if f != d.facility_id)
            )
            if fixed.get(d.child_id) == d.facility_id:
                del fixed[d.child_id]
        elif d.facility_id is not None:
            fixed[d.child_id] = d.facility_id
    return restricted(instance, children), fixed


def _flags(
    instance: Instance,
    rules: Rules | None,
    fiscal_year: int | None,
    priority: Priority,
    assignment: Mapping[str, str | None],
) -> list[Flag]:
    """Review flags (要確認) other than blocking; see `kyodo.hoiku.checks.review`."""
    from kyodo.hoiku.checks.review import review_flags

    limit = rules.choice_limit.at(fiscal_year) if rules and rules.choice_limit and fiscal_year else None
    return review_flags(instance, priority, assignment, choice_limit=limit, fiscal_year=fiscal_year)
