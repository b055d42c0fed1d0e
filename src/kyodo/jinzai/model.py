"""Plain data: specialists, requests, an instance to match, and the plan that comes out.

Everything is a frozen dataclass of plain values. Readers and the generator build these; engines never mutate them.
Municipalities are referred to by their 6-digit code (`kyodo.municipalities`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from kyodo.jinzai.policy import Policy, load_policy


class Mode(StrEnum):
    """How a request is served (支援形態)."""

    ONSITE = "現地"
    REMOTE = "リモート"


class Unit(StrEnum):
    DAYS = "日"
    HOURS = "時間"


class Urgency(StrEnum):
    NORMAL = "通常"
    HIGH = "高"
    URGENT = "緊急"


# What a specialist can do (対応形態) → the request modes it covers.
SPECIALIST_MODES: Mapping[str, frozenset[Mode]] = {
    "現地・リモート": frozenset({Mode.ONSITE, Mode.REMOTE}),
    "リモートのみ": frozenset({Mode.REMOTE}),
    "現地のみ": frozenset({Mode.ONSITE}),
}


@dataclass(frozen=True, slots=True)
class Specialist:
    """A registered specialist (専門人材)."""

    id: str
    name: str
    skills: Mapping[str, int]  # skill id → level (1..4)
    hours_per_week: int  # hours a week the specialist offers to the pool
    modes: frozenset[Mode]
    home_area: str  # 区部 / 多摩 / 島しょ
    current_load_hours: int = 0  # hours a week already committed (earlier engagements outside this plan)
    absences: tuple[tuple[date, date], ...] = ()  # inclusive date ranges with no work
    conflicts: frozenset[str] = frozenset()  # municipality codes the specialist must not serve (利益相反)
    history: frozenset[str] = frozenset()  # municipality codes served before (continuity)
    max_cases: int | None = None  # at most this many requests in one plan
    role_type: str | None = None  # DSS-P role type id, informational


@dataclass(frozen=True, slots=True)
class Request:
    """A municipality's request for help (依頼), from the requirement template."""

    id: str
    municipality: str  # 6-digit code
    skills: Mapping[str, int]  # skill id → minimum level
    mode: Mode
    amount: int  # in `unit`
    unit: Unit
    start: date
    end: date  # inclusive
    urgency: Urgency = Urgency.NORMAL
    category: str = ""  # 相談分野, used to group similar requests
    purpose: str = ""
    deliverable: str = ""
    preferred: str | None = None  # a specialist id the municipality named
    # Specialist ids never to be given this request (a coordinator declined the pair, or the file says so). Unlike
    # `Specialist.conflicts`, which bars a whole municipality, this bars one pair; it outweighs `preferred`.
    excluded: frozenset[str] = frozenset()

    def hours(self, policy: Policy) -> int:
        return self.amount * policy.hours_per_day if self.unit is Unit.DAYS else self.amount


@dataclass(frozen=True, slots=True)
class Instance:
    specialists: tuple[Specialist, ...]
    requests: tuple[Request, ...]
    policy: Policy = field(default_factory=load_policy)

    _specialist_index: dict[str, Specialist] = field(init=False, repr=False, compare=False)
    _request_index: dict[str, Request] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Frozen, so the lookup tables are set once here.
        object.__setattr__(self, "_specialist_index", {s.id: s for s in self.specialists})
        object.__setattr__(self, "_request_index", {r.id: r for r in self.requests})

    def specialist(self, specialist_id: str) -> Specialist:
        return self._specialist_index[specialist_id]

    def request(self, request_id: str) -> Request:
        return self._request_index[request_id]

    def has_specialist(self, specialist_id: str) -> bool:
        return specialist_id in self._specialist_index


class ReasonCode(StrEnum):
    """Why a request stayed unmatched, from the most basic cause to the least."""

    NO_SKILL = "no_skill"  # nobody in the pool has the skills at the levels
    NO_MODE = "no_mode"  # those with the skills cannot work in the requested mode
    CONFLICT = "conflict"  # all who could have a conflict of interest with the municipality
    EXCLUDED = "excluded"  # all who are left were declined or excluded for this very request
    NOT_AVAILABLE = "not_available"  # none of them has time in that period, even before other assignments
    ALL_FULL = "all_full"  # those who could are all taken by other requests in this plan


@dataclass(frozen=True, slots=True)
class Assignment:
    request_id: str
    specialist_id: str
    confirmed: bool = False  # kept from an earlier plan


@dataclass(frozen=True, slots=True)
class Unmatched:
    request_id: str
    reason: ReasonCode
    message: str  # Japanese, for the coordinator and the municipality
    candidates: tuple[str, ...] = ()  # for ALL_FULL: the specialists who would qualify but are full


@dataclass(frozen=True, slots=True)
class Plan:
    method: str  # "cpsat" or "greedy"
    status: str  # OPTIMAL / FEASIBLE for CP-SAT, GREEDY for the baseline
    assignments: tuple[Assignment, ...]
    unmatched: tuple[Unmatched, ...]
    objective: int  # the policy objective of this plan (`scoring.objective`), comparable across methods
    solve_seconds: float

    def by_request(self) -> dict[str, str]:
        return {a.request_id: a.specialist_id for a in self.assignments}
