"""Plain results of a run: scores, priorities, the assignment, flags, the check and the run record."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kyodo.hoiku.model.instance import Instance


@dataclass(frozen=True, slots=True)
class ScoreItem:
    """One line of a points breakdown (e.g. 保護者1 就労 20点, ひとり親 +6点)."""

    id: str
    label: str
    points: int
    reference: str | None = None  # the public document this value comes from
    needs_confirmation: bool = False  # value taken from a third-party summary


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


class FlagKind:
    """Kinds of review flag (要確認). Plain strings so that JSON and the web store them as they are."""

    LOTTERY_TIE = "lottery_tie"
    BLOCKING = "blocking"
    SUSPECT_DATA = "suspect_data"
    CHOICES_OVER_LIMIT = "choices_over_limit"


@dataclass(frozen=True, slots=True)
class Flag:
    """Something staff should look at, with why (in Japanese)."""

    child_id: str
    kind: str
    message: str


@dataclass(frozen=True, slots=True)
class Violation:
    """One problem the independent check found. `kind` is one of CHECK_KINDS."""

    kind: str
    message: str
    child_id: str | None = None
    facility_id: str | None = None
    age_class: int | None = None
    other_child_id: str | None = None


CHECK_KINDS: Mapping[str, str] = {
    "capacity": "定員超過",
    "outside_choices": "希望外の施設への割当",
    "transfer_worse": "転園希望者が在園施設より悪い結果",
    "justified_envy": "指数の低い児童が先に内定(正当な不満)",
    "wasted_seat": "空きがあるのに希望者が保留",
    "age_mismatch": "年齢クラスの不一致",
    "blocking_coalition": "きょうだい世帯のブロッキング提携",
    "family_split": "きょうだい世帯が受け入れない組み合わせ",
}


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
