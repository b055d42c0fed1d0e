"""Plain data: courses, sessions, nominations, the instance to allocate, and the plan that comes out.

Frozen dataclasses of plain values; readers, the generator and the web build them, the allocators never mutate them.
Municipalities are referred to by their 6-digit code (`kyodo.municipalities`); 東京都 itself is "130001".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cached_property


class Format(StrEnum):
    """How a session is held (形式)."""

    IN_PERSON = "集合"
    ONLINE = "オンライン"
    HYBRID = "ハイブリッド"

    @property
    def online_possible(self) -> bool:
        return self is not Format.IN_PERSON


class Standard(StrEnum):
    """Which of IPA's digital skill standards a course builds on."""

    LITERACY = "DSS-L"  # DX推進リテラシー標準: every member of staff
    PRACTITIONER = "DSS-P"  # DX推進スキル標準: the people who lead DX


class Reason(StrEnum):
    """Why a nominee has no seat (each unseated nominee gets exactly one)."""

    FULL = "希望した開催回が、優先順位の高い推薦者で満席です"
    MUNICIPAL_CAP = "希望した開催回で、団体あたりの上限に達しています"
    PREREQUISITES = "前提となる研修を修了していません"
    DUPLICATE = "同じ職員が同じ研修にすでに推薦されています"


@dataclass(frozen=True, slots=True)
class Course:
    id: str
    title: str
    standard: Standard = Standard.LITERACY
    skills: tuple[str, ...] = ()  # DSS-P skill ids (kyodo.jinzai.skills taxonomy)
    level: int = 1
    hours: int = 3
    prerequisites: tuple[str, ...] = ()  # course ids to have completed first


@dataclass(frozen=True, slots=True)
class Session:
    id: str
    course_id: str
    starts_at: datetime
    format: Format
    capacity: int
    municipal_cap: int | None = None  # seats one organisation may hold in this session (None: no cap)
    venue: str = ""


@dataclass(frozen=True, slots=True)
class Nomination:
    id: str
    staff_id: str
    name: str
    municipality: str  # code
    course_id: str
    sessions: tuple[str, ...]  # session ids wanted, in order
    rank: int  # the municipality's own order for this course, 1 = first
    submitted_at: datetime
    waitlisted_before: bool = False  # on a waitlist for this course last time: ahead within the municipality
    completed: frozenset[str] = frozenset()  # course ids the staff member has completed


@dataclass(frozen=True)
class Instance:
    courses: Mapping[str, Course]
    sessions: tuple[Session, ...]
    nominations: tuple[Nomination, ...]

    def __post_init__(self) -> None:
        session_ids = {s.id for s in self.sessions}
        if len(session_ids) != len(self.sessions):
            raise ValueError("session ids must be unique")
        if len({n.id for n in self.nominations}) != len(self.nominations):
            raise ValueError("nomination ids must be unique")
        for s in self.sessions:
            if s.course_id not in self.courses:
                raise ValueError(f"session {s.id}: unknown course {s.course_id}")
        by_id = {s.id: s for s in self.sessions}
        for n in self.nominations:
            for sid in n.sessions:
                if sid not in by_id or by_id[sid].course_id != n.course_id:
                    raise ValueError(f"nomination {n.id}: session {sid} is not a session of {n.course_id}")

    def session(self, session_id: str) -> Session:
        return self.session_map[session_id]

    @cached_property
    def session_map(self) -> Mapping[str, Session]:
        return {s.id: s for s in self.sessions}

    @cached_property
    def nomination_map(self) -> Mapping[str, Nomination]:
        return {n.id: n for n in self.nominations}


@dataclass(frozen=True, slots=True)
class Assignment:
    nomination: str
    session: str


@dataclass(frozen=True, slots=True)
class Unseated:
    nomination: str
    reason: Reason
    waitlist: tuple[tuple[str, int], ...]  # (session id, 1-based position) for each session the nominee listed


@dataclass(frozen=True, slots=True)
class MunicipalShare:
    municipality: str
    nominations: int  # eligible nominations (prerequisites met, one per staff member and course)
    seats: int

    @property
    def share(self) -> float:
        return self.seats / self.nominations if self.nominations else 1.0


@dataclass(frozen=True, slots=True)
class Fairness:
    shares: tuple[MunicipalShare, ...]  # by municipality code
    worst_share: float
    without_seat: tuple[str, ...]  # codes of municipalities with eligible nominations and no seat
    jain: float  # Jain's index of the shares, 1 = all equal


@dataclass(frozen=True, slots=True)
class Plan:
    method: str
    seed: int
    assignments: tuple[Assignment, ...]  # sorted by session, then nomination
    waitlists: Mapping[str, tuple[str, ...]]  # session id → unseated nomination ids in promotion order
    unseated: tuple[Unseated, ...]  # sorted by nomination id
    fairness: Fairness
    notes: tuple[str, ...] = field(default=())

    def seat_of(self) -> dict[str, str]:
        """nomination id → session id of every seated nominee."""
        return {a.nomination: a.session for a in self.assignments}
