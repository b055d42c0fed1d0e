"""hyojunka — standardisation of the 20 core systems (基幹業務システムの標準化) and their move to the government cloud.

Plain Python, no Django. Plans per municipality × system and the completion day of each of the 40 steps go in
(`io.read_plans`, `io.read_steps`, or built by the web app), `report` judges every pair at an as-of date by the
at-risk rule of `risk.py` and returns one `Report` (pairs, summaries by system and municipality, 特定移行支援 by
reason, cost change against the 30% target); `outputs` writes it as JSON and as the monthly survey workbook.
`history` gives the same judgement month by month; `fitgap` reads and summarises Fit & Gap answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from kyodo.hyojunka import risk, summary
from kyodo.hyojunka.catalog import Catalog, Day, catalog, to_date, to_day
from kyodo.hyojunka.model import (
    HistoryPoint,
    MigrationForm,
    PairKey,
    PairStatus,
    Plan,
    Report,
    RiskKind,
    Steps,
)
from kyodo.municipalities import BY_CODE, MUNICIPALITIES


def report(plans: Sequence[Plan], steps: Steps, as_of: Day) -> Report:
    """Judge every plan at `as_of` and summarise. `steps` may lack a pair (nothing done yet)."""
    cat = catalog()
    pairs = tuple(_status(plan, steps.get(plan.key, {}), as_of, cat) for plan in plans)
    codes = sorted({p.municipality for p in plans}, key=_municipality_order)
    municipality_names = {code: _municipality_name(code) for code in codes}
    system_names = {s.id: s.name for s in cat.systems}
    reason_names = {r.id: r.label for r in cat.reasons}
    completed = {(p.municipality, p.system) for p in pairs if p.kind == RiskKind.COMPLETE}
    cost_by_system, cost_by_municipality, cost_total = summary.costs(plans, completed, cat, municipality_names)
    return Report(
        as_of=as_of,
        pairs=pairs,
        by_system=summary.group(pairs, lambda p: p.system, system_names),
        by_municipality=summary.group(pairs, lambda p: p.municipality, municipality_names),
        tokutei_by_reason=summary.group(
            (p for p in pairs if p.tokutei), lambda p: p.reason_category or "other", reason_names
        ),
        risk_counts=summary.risk_counts(pairs),
        cost_by_system=cost_by_system,
        cost_by_municipality=cost_by_municipality,
        cost_total=cost_total,
        cost_target_percent=cat.policy.cost_target_percent,
        window_days=cat.policy.window_days,
    )


def history(plans: Sequence[Plan], steps: Steps, days: Iterable[Day]) -> list[HistoryPoint]:
    """Mean progress, complete and at-risk pairs at each day (e.g. each month's end), by the same rule."""
    cat = catalog()
    total, window = cat.step_count, cat.policy.window_days
    timelines = []
    for plan in plans:
        t = risk.Timeline.of(steps.get(plan.key, {}))
        # The day the pair became complete: from then on `judge` says COMPLETE without needing to be asked.
        timelines.append((plan.deadline, t, t.days[-1] if len(t.days) >= total else None))
    points = []
    for day in days:
        done_steps = complete = at_risk = 0
        for deadline, t, complete_on in timelines:
            if complete_on is not None and complete_on <= day:
                done_steps, complete = done_steps + total, complete + 1
                continue
            v = risk.judge(t, deadline, day, total=total, window=window)
            done_steps += v.completed
            at_risk += v.kind in (RiskKind.STALLED, RiskKind.LATE)
        points.append(HistoryPoint(
            day=day, progress=round(done_steps * 100 / (total * len(plans)), 1) if plans else 0.0,
            complete=complete, at_risk=at_risk,
        ))
    return points


def _status(plan: Plan, done: Mapping[int, Day], as_of: Day, cat: Catalog) -> PairStatus:
    timeline = risk.Timeline.of(done)
    v = risk.judge(timeline, plan.deadline, as_of, total=cat.step_count, window=cat.policy.window_days)
    system = cat.system(plan.system)
    return PairStatus(
        municipality=plan.municipality,
        municipality_name=_municipality_name(plan.municipality),
        system=plan.system,
        system_name=system.name if system else plan.system,
        completed=v.completed,
        progress=v.completed * 100 / cat.step_count,
        recent=v.recent,
        kind=v.kind,
        at_risk=v.kind in (RiskKind.STALLED, RiskKind.LATE),
        projected_completion=v.projected,
        deadline=plan.deadline,
        last_completed=timeline.days[v.last_index] if v.last_index >= 0 else None,
        next_step=risk.next_step(done, as_of, cat.step_count),
        reason=risk.reason_text(v, timeline, plan, cat, as_of),
        tokutei=plan.tokutei,
        reason_category=plan.reason,
    )


def _municipality_name(code: str) -> str:
    m = BY_CODE.get(code)
    return m.name if m else code


_ORDER = {m.code: i for i, m in enumerate(MUNICIPALITIES)}


def _municipality_order(code: str) -> tuple[int, str]:
    return (_ORDER.get(code, len(_ORDER)), code)


__all__ = [
    "Catalog",
    "Day",
    "HistoryPoint",
    "MigrationForm",
    "PairKey",
    "PairStatus",
    "Plan",
    "Report",
    "RiskKind",
    "Steps",
    "catalog",
    "history",
    "report",
    "to_date",
    "to_day",
]
