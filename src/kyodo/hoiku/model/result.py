"""Plain results of a run: scores, priorities, the assignment, flags, the check and the run record."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from kyodo.hoiku.model.instance import Child, Instance


@dataclass(frozen=True, slots=True)
class ScoreItem:
    """One line of a points breakdown (e.g. 保護者1 就労 20点, ひとり親 +6点)."""

    id: str
    label: str
    points: int
    reference: str | None = None  # for staff: the source this value comes from (title, address, section)
    needs_confirmation: bool = False  # the value is not 確認済み (staff have not checked it against the document)
    citation: str | None = None  # for residents' letters: the ward's document and section only
    value: str | None = None  # which rules value decided it (Rules.values() key, e.g. base.employment.table[0])


@dataclass(frozen=True, slots=True)
class Score:
    """A child's points. `total` counts at every facility; `facility_items` only at their facility."""

    child_id: str
    base: int
    adjustment: int
    items: tuple[ScoreItem, ...] = ()
    facility_items: Mapping[str, tuple[ScoreItem, ...]] = field(default_factory=dict)
    lower_guardian: int = 0

    @property
    def total(self) -> int:
        return self.base + self.adjustment

    def at(self, facility_id: str) -> int:
        """Points at one facility: the total plus that facility's own items."""
        return self.total + sum(i.points for i in self.facility_items.get(facility_id, ()))


Seat = tuple[str, int]  # (facility id, age class)
Group = tuple[str, tuple[int, ...]]  # (facility id, age classes sharing places), see Facility.shared_capacity


@dataclass(frozen=True, slots=True)
class Priority:
    """Strict order of applicants at each facility and age class, best first.

    `decided_by[(seat, child)]` names what put the child behind the one just above it
    ("points", a tie-break key, or "lottery"); the first child of a seat has no entry.
    `guaranteed` holds the transfer applicants whose current seat is kept for them.
    `group_order[(facility, ages)]` is one order across the age classes that share places at a
    facility (Facility.shared_capacity): every applicant at any of those seats, by the same keys as
    the seats' own orders, so it agrees with each seat's order.
    """

    order: Mapping[Seat, tuple[str, ...]]
    decided_by: Mapping[tuple[Seat, str], str] = field(default_factory=dict)
    lottery_ties: frozenset[str] = frozenset()  # children in a tie that only the lottery broke
    guaranteed: frozenset[tuple[Seat, str]] = frozenset()
    group_order: Mapping[Group, tuple[str, ...]] = field(default_factory=dict)

    def rank(self, seat: Seat, child_id: str) -> int | None:
        """0-based position of the child at that seat, or None when it did not apply there."""
        try:
            return self.order[seat].index(child_id)
        except (KeyError, ValueError):
            return None


class FlagKind(StrEnum):
    """Kinds of review flag (要確認). A StrEnum: JSON and the web store the value as it is."""

    LOTTERY_TIE = "lottery_tie"
    BLOCKING = "blocking"
    SUSPECT_DATA = "suspect_data"
    CHOICES_OVER_LIMIT = "choices_over_limit"

    @property
    def label(self) -> str:
        return FLAG_LABELS[self]


FLAG_LABELS: Mapping[FlagKind, str] = MappingProxyType(
    {
        FlagKind.LOTTERY_TIE: "抽選で内定が分かれた",
        FlagKind.BLOCKING: "きょうだいの組み合わせの不安定",
        FlagKind.SUSPECT_DATA: "入力の確認",
        FlagKind.CHOICES_OVER_LIMIT: "希望数の上限超過",
    }
)


@dataclass(frozen=True, slots=True)
class Flag:
    """Something staff should look at, with why (in Japanese). A plain string kind becomes a FlagKind."""

    child_id: str
    kind: FlagKind
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", FlagKind(self.kind))


class CheckKind(StrEnum):
    """What the independent check found (`kyodo.hoiku.checks.check`)."""

    CAPACITY = "capacity"
    OUTSIDE_CHOICES = "outside_choices"
    TRANSFER_WORSE = "transfer_worse"
    JUSTIFIED_ENVY = "justified_envy"
    WASTED_SEAT = "wasted_seat"
    AGE_MISMATCH = "age_mismatch"
    BLOCKING_COALITION = "blocking_coalition"
    FAMILY_SPLIT = "family_split"

    @property
    def label(self) -> str:
        return CHECK_KINDS[self]

    @property
    def blocking(self) -> bool:
        """The kinds that make an allocation unstable (for single children and for families)."""
        return self in BLOCKING_KINDS


CHECK_KINDS: Mapping[CheckKind, str] = MappingProxyType(
    {
        CheckKind.CAPACITY: "定員超過",
        CheckKind.OUTSIDE_CHOICES: "希望外の施設への割当",
        CheckKind.TRANSFER_WORSE: "転園希望者が在園施設より悪い結果",
        CheckKind.JUSTIFIED_ENVY: "指数の低い児童が先に内定(正当な不満)",
        CheckKind.WASTED_SEAT: "空きがあるのに希望者が保留",
        CheckKind.AGE_MISMATCH: "年齢クラスの不一致",
        CheckKind.BLOCKING_COALITION: "きょうだい世帯のブロッキング提携",
        CheckKind.FAMILY_SPLIT: "きょうだい世帯が受け入れない組み合わせ",
    }
)
BLOCKING_KINDS: frozenset[CheckKind] = frozenset(
    {CheckKind.WASTED_SEAT, CheckKind.JUSTIFIED_ENVY, CheckKind.BLOCKING_COALITION}
)


@dataclass(frozen=True, slots=True)
class Violation:
    """One problem the independent check found. A plain string kind becomes a CheckKind."""

    kind: CheckKind
    message: str
    child_id: str | None = None
    facility_id: str | None = None
    age_class: int | None = None
    other_child_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", CheckKind(self.kind))


class Status(StrEnum):
    """What happened to one applicant: the four categories every count and every output uses."""

    OFFERED = "offered"  # 内定: a new child offered a seat
    TRANSFERRED = "transferred"  # 転園内定: a transfer applicant offered a seat at another facility
    STAYS = "stays"  # 在園継続: a transfer applicant who keeps its current seat
    WAITLISTED = "waitlisted"  # 保留: no seat

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def new_seat(self) -> bool:
        """A seat the child does not hold now (内定 or 転園内定): what vacancies are spent on."""
        return self in (Status.OFFERED, Status.TRANSFERRED)


STATUS_LABELS: Mapping[Status, str] = MappingProxyType(
    {
        Status.OFFERED: "内定",
        Status.TRANSFERRED: "転園内定",
        Status.STAYS: "在園継続",
        Status.WAITLISTED: "保留",
    }
)


def status_of(child: Child, assigned: str | None) -> Status:
    """The category of one child given where it was placed (None: nowhere)."""
    if assigned is None:
        return Status.WAITLISTED
    if child.current_facility is None:
        return Status.OFFERED
    return Status.STAYS if assigned == child.current_facility else Status.TRANSFERRED


@dataclass(frozen=True, slots=True)
class RunRecord:
    """What reproduces a run: inputs' hashes, rules and their version, the seed, the engine version."""

    engine_version: str
    seed: int
    fiscal_year: int | None
    rules_name: str | None
    rules_sha256: str | None
    inputs_sha256: Mapping[str, str] = field(default_factory=dict)  # file name → sha256
    method: str = ""  # which algorithm produced the allocation (deferred acceptance, CP-SAT, …)
    # Staff decisions applied, in order: {"kind", "child_id", "facility_id", "reason", "by"} each.
    decisions: tuple[Mapping[str, str | None], ...] = ()


@dataclass(frozen=True, slots=True)
class Result:
    instance: Instance
    scores: Mapping[str, Score]
    priority: Priority
    assignment: Mapping[str, str | None]  # child id → facility id, or None (保留)
    violations: tuple[Violation, ...] = ()
    flags: tuple[Flag, ...] = ()
    run: RunRecord | None = None

    def waitlist_ranks(self) -> dict[tuple[str, str], int]:
        """(child id, facility id) → 1-based place among the children not offered a seat there.

        Covers every choice of every child that was not offered that facility.
        """
        ranks: dict[tuple[str, str], int] = {}
        for (facility_id, _age), order in self.priority.order.items():
            place = 0
            for child_id in order:
                if self.assignment.get(child_id) != facility_id:
                    place += 1
                    ranks[(child_id, facility_id)] = place
        return ranks
