"""The rules as typed, immutable objects: base points (基準指数), adjustments (調整指数), tie-breaks (同点時の優先順位),
each value with its provenance (source, section, status, who confirmed it and when). `loader` builds them from a
rules file; nothing here reads a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kyodo.hoiku.model.errors import RuleError
from kyodo.hoiku.model.instance import CHILD_FACTS, HOUSEHOLD_FACTS, Reason

TABLE_CONDITIONS: Mapping[str, str] = {
    "min_days_per_month": "月の就労日数",
    "min_hours_per_day": "1日の就労時間",
    "min_hours_per_month": "月の就労時間",
    "min_days_per_week": "週の就労日数",
    "min_hours_per_week": "週の就労時間",
}
DERIVED_KEYS: Mapping[str, str] = {
    "age_class": "年齢クラス",
    "is_transfer": "転園申込",
    "reasons": "保護者の事由",
    "siblings_applying": "きょうだい同時申込",
    "sibling_enrolled_here": "きょうだいがその施設に在園",
    "sibling_graduating_here": "その施設に在園のきょうだいが卒園予定",
}
FACILITY_KEYS = frozenset({"sibling_enrolled_here", "sibling_graduating_here"})  # only with scope: facility
CONDITION_KEYS: frozenset[str] = frozenset(HOUSEHOLD_FACTS) | frozenset(CHILD_FACTS) | frozenset(DERIVED_KEYS)
TIE_BREAK_KEYS: frozenset[str] = (
    frozenset({"base_points", "adjustment_points", "lower_guardian_points", "choice_rank", "birth_date"})
    | frozenset(HOUSEHOLD_FACTS)
    | frozenset(CHILD_FACTS)
)
COMBINE_MODES = ("sum", "lower_doubled", "lower")
OPERATORS = ("min", "max", "in", "contains")
PROVENANCE_KEYS = ("source", "section", "status", "confirmed_by", "confirmed_on", "note")
TRIAL_STAMP = "試行・未確定"


@dataclass(frozen=True, slots=True)
class Source:
    key: str
    title: str
    url: str | None = None
    confirm: bool = False  # from a third-party summary: the municipality must confirm it


class Status(StrEnum):
    """Whether the ward's staff checked a value against the ward's own current document."""

    CONFIRMED = "確認済み"
    TO_CONFIRM = "要確認"


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where one value comes from and who checked it. `note` is for staff only, never for letters."""

    source: Source | None = None
    section: str = ""  # e.g. 「別表1 2(1)」
    status: Status = Status.TO_CONFIRM
    confirmed_by: str = ""
    confirmed_on: str = ""  # ISO date
    note: str = ""

    @property
    def confirmed(self) -> bool:
        return self.status == Status.CONFIRMED


@dataclass(frozen=True, slots=True)
class Dated:
    """An integer that changes by fiscal year: ((from_year, value), …) in ascending order."""

    values: tuple[tuple[int, int], ...]
    where: str = field(compare=False)  # e.g. "koto.yaml: base.employment.table[0].points", for messages

    def at(self, fiscal_year: int) -> int:
        found: int | None = None
        for year, value in self.values:
            if year <= fiscal_year:
                found = value
        if found is None:
            raise RuleError(f"{self.where}: {fiscal_year}年度の値が定義されていません")
        return found

    @property
    def maximum(self) -> int:
        return max(value for _, value in self.values)


@dataclass(frozen=True, slots=True)
class TableRow:
    conditions: Mapping[str, float]  # key of TABLE_CONDITIONS → minimum
    points: Dated
    provenance: Provenance = Provenance()


@dataclass(frozen=True, slots=True)
class BaseRule:
    reason: Reason
    label: str
    source: Source | None
    table: tuple[TableRow, ...] = ()
    otherwise: Dated | None = None
    grades: Mapping[str, Dated] | None = None
    points: Dated | None = None
    provenance: Provenance = Provenance()  # of the item, and of `points`; rows and grades may differ
    grade_provenance: Mapping[str, Provenance] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Condition:
    """`key` compared with `value` by `op` ("eq", "min", "max", "in", "contains")."""

    key: str
    op: str
    value: Any


class Scope(StrEnum):
    """Where an adjustment counts: at every facility, or only at the facility it names."""

    HOUSEHOLD = "household"
    FACILITY = "facility"


@dataclass(frozen=True, slots=True)
class Adjustment:
    id: str
    label: str
    when: tuple[Condition, ...]
    points: Dated
    scope: Scope
    source: Source | None
    provenance: Provenance = Provenance()


@dataclass(frozen=True, slots=True)
class TieBreak:
    key: str
    direction: str  # "higher" or "lower"
    label: str
    provenance: Provenance = Provenance()


@dataclass(frozen=True, slots=True)
class Rules:
    name: str
    municipality: str
    code: str
    title: str
    sources: Mapping[str, Source]
    choice_limit: Dated | None
    combine: str
    missing_guardian: str | int  # "max" or a number of points
    base: Mapping[Reason, BaseRule]
    adjustments: tuple[Adjustment, ...]
    # The tie-break chain by fiscal year: ((from_year, chain), …) ascending; one chain for all years is (0, chain).
    tie_breaks: tuple[tuple[int, tuple[TieBreak, ...]], ...]
    sha256: str
    version: str
    # Provenance of the rules' top-level values: "household" (how guardians combine) and "choice_limit".
    provenance: Mapping[str, Provenance] = field(default_factory=dict)
    # The ward's own document as residents' letters cite it (e.g. 「江東区保育所等利用調整基準」); never a URL.
    document: str = ""

    @property
    def tie_break(self) -> tuple[TieBreak, ...]:
        """The latest chain (for a given fiscal year use `tie_break_at`)."""
        return self.tie_breaks[-1][1] if self.tie_breaks else ()

    def tie_break_at(self, fiscal_year: int | None) -> tuple[TieBreak, ...]:
        """The chain that applies in `fiscal_year` (the latest from-year not after it). None: the latest chain."""
        if fiscal_year is None:
            return self.tie_break
        found: tuple[TieBreak, ...] | None = None
        for year, chain in self.tie_breaks:
            if year <= fiscal_year:
                found = chain
        if found is None:
            raise RuleError(f"{self.name}: {fiscal_year}年度の同点時の優先順位が定義されていません")
        return found

    def tie_break_where(self, fiscal_year: int | None, index: int) -> str:
        """The values() key of criterion `index` of the chain of `fiscal_year`."""
        years = [y for y, _ in self.tie_breaks if fiscal_year is None or y <= fiscal_year]
        year = years[-1] if years else 0
        return f"tie_break[{index}]" if year == 0 else f"tie_break.{year}[{index}]"

    def citation(self, provenance: Provenance) -> str:
        """What a resident's letter cites for a value: the ward's document and the section, nothing else."""
        return f"{self.document} {provenance.section}".strip()

    def values(self) -> list[tuple[str, Provenance]]:
        """Every value a clerk confirms, with its provenance: (where, provenance), in file order."""
        return [(where, p) for where, _, p in self.described_values()]

    def described_values(self) -> list[tuple[str, str, Provenance]]:
        """(where, a Japanese description for staff, provenance) for every value, in file order."""
        found: list[tuple[str, str, Provenance]] = [
            (k, {"household": "指数の合算", "choice_limit": "希望数の上限"}.get(k, k), p)
            for k, p in self.provenance.items()
        ]
        for reason, rule in self.base.items():
            head = f"基準指数 {rule.label}"
            found += [
                (f"base.{reason.value}.table[{i}]", f"{head} 表の{i + 1}行目", row.provenance)
                for i, row in enumerate(rule.table)
            ]
            found += [
                (f"base.{reason.value}.grades.{g}", f"{head}({g})", p)
                for g, p in rule.grade_provenance.items()
            ]
            if rule.points is not None:
                found.append((f"base.{reason.value}.points", head, rule.provenance))
        found += [(f"adjustments.{a.id}", f"調整指数 {a.label}", a.provenance) for a in self.adjustments]
        for year, chain in self.tie_breaks:
            since = f"({year}年度から)" if year else ""
            found += [
                (self.tie_break_where(year, i), f"同点時の優先順位{since} {i + 1} {t.label}", t.provenance)
                for i, t in enumerate(chain)
            ]
        return found

    def status_counts(self) -> tuple[int, int]:
        """(confirmed, to confirm) over values()."""
        confirmed = sum(1 for _, p in self.values() if p.confirmed)
        return confirmed, len(self.values()) - confirmed

    def max_base_points(self) -> int:
        """The highest base points any row or grade can give (used for a missing guardian)."""
        best = 0
        for rule in self.base.values():
            candidates = [row.points for row in rule.table] + list((rule.grades or {}).values())
            candidates += [d for d in (rule.points, rule.otherwise) if d is not None]
            best = max([best, *(d.maximum for d in candidates)])
        return best
