"""The plain data of the engine: a plan per municipality × system, and what the report says about it.

Dates are `Day`s (ordinals, `catalog.to_day`), yen are ints. A pair's steps are given apart from its plan (as in
`steps.csv`): `Steps` maps (municipality code, system id) → step number → the day the step was completed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from kyodo.hyojunka.catalog import Day

PairKey = tuple[str, str]  # (municipality code, system id)
Steps = Mapping[PairKey, Mapping[int, Day]]


class MigrationForm(StrEnum):
    SOLE = "単独"
    SHARED = "共同利用"


class RiskKind(StrEnum):
    COMPLETE = "完了"
    ON_TRACK = "順調"
    STALLED = "停滞"
    LATE = "遅延見込み"


@dataclass(frozen=True, slots=True)
class Plan:
    """One municipality's plan for one of the 20 systems."""

    municipality: str  # 6-digit code
    system: str  # system id (catalog)
    deadline: Day
    tokutei: bool = False  # 特定移行支援システム
    reason: str | None = None  # reason category id, only when tokutei
    vendor: str = ""
    product: str = ""
    platform: str = ""  # 現行基盤 (オンプレミス, メインフレーム, データセンター, ガバメントクラウド …)
    form: MigrationForm = MigrationForm.SOLE
    cost_before: int | None = None  # 運用経費 before migration, yen per year (the FY2018 baseline)
    cost_after: int | None = None  # 運用経費 after migration, yen per year

    @property
    def key(self) -> PairKey:
        return (self.municipality, self.system)


@dataclass(frozen=True, slots=True)
class PairStatus:
    """Where one pair stands at the as-of date, and why it is at risk if it is."""

    municipality: str
    municipality_name: str
    system: str
    system_name: str
    completed: int  # steps completed by the as-of date
    progress: float  # percent, 2.5 per step
    recent: int  # steps completed in the window up to the as-of date
    kind: RiskKind
    at_risk: bool
    projected_completion: Day | None  # the completion day when complete; None when the pace is zero
    deadline: Day
    last_completed: Day | None
    next_step: int | None  # the lowest step not yet completed
    reason: str  # Japanese; empty when not at risk
    tokutei: bool
    reason_category: str | None


@dataclass(frozen=True, slots=True)
class GroupSummary:
    """Pairs of one system, one municipality or one reason category."""

    key: str
    name: str
    pairs: int
    complete: int
    at_risk: int
    stalled: int
    late: int
    tokutei: int
    progress: float  # mean percent, one decimal


@dataclass(frozen=True, slots=True)
class CostLine:
    """Operating cost before and after, over the migrated pairs of a group that report both."""

    key: str
    name: str
    pairs: int
    before: int
    after: int
    change_percent: float | None  # (after − before) / before × 100, one decimal; None when before is 0
    meets_target: bool  # reduced by at least the target (30%)
    pairs_meeting: int  # pairs that each reduced by at least the target


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    day: Day
    progress: float  # mean percent over all pairs
    complete: int
    at_risk: int


@dataclass(frozen=True, slots=True)
class Report:
    as_of: Day
    pairs: tuple[PairStatus, ...]
    by_system: tuple[GroupSummary, ...]
    by_municipality: tuple[GroupSummary, ...]
    tokutei_by_reason: tuple[GroupSummary, ...]
    risk_counts: Mapping[RiskKind, int]
    cost_by_system: tuple[CostLine, ...]
    cost_by_municipality: tuple[CostLine, ...]
    cost_total: CostLine
    cost_target_percent: int
    window_days: int

    @property
    def at_risk(self) -> tuple[PairStatus, ...]:
        return tuple(p for p in self.pairs if p.at_risk)
