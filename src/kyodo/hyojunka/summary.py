"""From the pairs' statuses to the Tokyo-wide figures: by system, by municipality, 特定移行支援 by reason, cost.

Everything here counts what `risk.judge` already decided; nothing is judged twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from kyodo.hyojunka.catalog import Catalog
from kyodo.hyojunka.model import CostLine, GroupSummary, PairStatus, Plan, RiskKind


def group(
    pairs: Iterable[PairStatus], key: Callable[[PairStatus], str], names: dict[str, str]
) -> tuple[GroupSummary, ...]:
    """One summary per key of `names`, in that order (a key with no pairs gets zeros)."""
    buckets: dict[str, list[PairStatus]] = {k: [] for k in names}
    for p in pairs:
        k = key(p)
        if k in buckets:
            buckets[k].append(p)
    return tuple(_summary(k, names[k], rows) for k, rows in buckets.items())


def _summary(key: str, name: str, rows: Sequence[PairStatus]) -> GroupSummary:
    kinds = Counter(p.kind for p in rows)
    # Mean percent as the mean of the pairs' percents (each a multiple of 2.5), one decimal.
    progress = round(sum(p.progress for p in rows) / len(rows), 1) if rows else 0.0
    return GroupSummary(
        key=key, name=name, pairs=len(rows), complete=kinds[RiskKind.COMPLETE],
        at_risk=kinds[RiskKind.STALLED] + kinds[RiskKind.LATE], stalled=kinds[RiskKind.STALLED],
        late=kinds[RiskKind.LATE], tokutei=sum(1 for p in rows if p.tokutei), progress=progress,
    )


def cost_line(key: str, name: str, plans: Iterable[Plan], target_percent: int) -> CostLine:
    """Pairs that report both costs. The target is met when (before − after) ≥ target% of before."""
    both = [p for p in plans if p.cost_before is not None and p.cost_after is not None]
    before = sum(p.cost_before or 0 for p in both)
    after = sum(p.cost_after or 0 for p in both)
    change = round((after - before) * 100 / before, 1) if before else None
    return CostLine(key=key, name=name, pairs=len(both), before=before, after=after, change_percent=change,
                    meets_target=_meets(before, after, target_percent),
                    pairs_meeting=sum(1 for p in both if _meets(p.cost_before or 0, p.cost_after or 0, target_percent)))


def _meets(before: int, after: int, target_percent: int) -> bool:
    return before > 0 and (before - after) * 100 >= target_percent * before


def costs(
    plans: Sequence[Plan], completed: set[tuple[str, str]], cat: Catalog, municipality_names: dict[str, str]
) -> tuple[tuple[CostLine, ...], tuple[CostLine, ...], CostLine]:
    """Cost change of migrated (complete) pairs only: before migration the 'after' figure is an estimate."""
    migrated = [p for p in plans if p.key in completed]
    target = cat.policy.cost_target_percent
    by_system = tuple(
        cost_line(s.id, s.name, (p for p in migrated if p.system == s.id), target) for s in cat.systems
    )
    by_municipality = tuple(
        cost_line(code, name, (p for p in migrated if p.municipality == code), target)
        for code, name in municipality_names.items()
    )
    return by_system, by_municipality, cost_line("total", "合計", migrated, target)


def risk_counts(pairs: Iterable[PairStatus]) -> dict[RiskKind, int]:
    counts = Counter(p.kind for p in pairs)
    return {kind: counts[kind] for kind in RiskKind}
