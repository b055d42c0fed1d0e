"""Small random instances for the property tests (Hypothesis strategies) and hand-made ones."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import strategies as st

from kyodo.kenshu import Course, Format, Instance, Nomination, Session

MUNIS = ("131083", "131113", "133078", "134023")  # 江東区 大田区 檜原村 青ヶ島村
T0 = datetime(2026, 2, 2, 9, 0)


def course(cid: str, pre: tuple[str, ...] = ()) -> Course:
    return Course(cid, f"研修{cid}", prerequisites=pre)


def session(sid: str, cid: str, capacity: int, cap: int | None = None, fmt: Format = Format.IN_PERSON,
            day: datetime | None = None) -> Session:
    return Session(sid, cid, day or datetime(2026, 6, 1, 13, 30), fmt, capacity, cap)


def nom(nid: str, muni: str, cid: str, sessions: tuple[str, ...], rank: int, *, staff: str | None = None,
        minutes: int = 0, waited: bool = False, done: frozenset[str] = frozenset()) -> Nomination:
    return Nomination(nid, staff or f"{muni}-{nid}", f"職員{nid}", muni, cid, sessions, rank,
                      T0 + timedelta(minutes=minutes), waited, done)


@st.composite
def instances(draw: st.DrawFn, max_nominations: int = 10, max_per_group: int | None = None,
              unique_staff: bool = False) -> Instance:
    """1–2 courses (the second may need the first), 1–3 sessions each, up to 4 municipalities.

    `max_per_group` limits nominations per municipality and course (the brute-force tests use 2, where the
    two-seat rule cannot bind); `unique_staff` gives every nomination its own staff member (no duplicates, which
    the readers refuse and the engine settles by keeping the better-ordered nomination only)."""
    n_courses = draw(st.integers(1, 2))
    courses = {"K1": course("K1")}
    if n_courses == 2:
        courses["K2"] = course("K2", ("K1",) if draw(st.booleans()) else ())
    sessions: list[Session] = []
    for cid in courses:
        for _ in range(draw(st.integers(1, 2 if n_courses == 2 else 3))):
            cap = draw(st.sampled_from((None, None, 1, 2)))
            sessions.append(session(f"S{len(sessions) + 1}", cid, draw(st.integers(0, 3)), cap))
    munis = MUNIS[: draw(st.integers(1, 4))]
    noms: list[Nomination] = []
    groups: dict[tuple[str, str], int] = {}
    staff_pool = [f"{m}-{k}" for m in munis for k in range(3)]
    for _ in range(draw(st.integers(0, max_nominations))):
        m = draw(st.sampled_from(munis))
        cid = draw(st.sampled_from(sorted(courses)))
        if max_per_group is not None and groups.get((m, cid), 0) >= max_per_group:
            continue
        groups[(m, cid)] = groups.get((m, cid), 0) + 1
        options = [s.id for s in sessions if s.course_id == cid]
        listed = draw(st.permutations(options))[: draw(st.integers(1, len(options)))]
        staff = draw(st.sampled_from([s for s in staff_pool if s.startswith(m)]))
        nid = f"N{len(noms) + 1}"
        staff = f"{m}-{nid}" if unique_staff else staff
        noms.append(nom(nid, m, cid, tuple(listed), draw(st.integers(1, 4)), staff=staff,
                        minutes=draw(st.integers(0, 5)), waited=draw(st.booleans()),
                        done=frozenset({"K1"}) if draw(st.booleans()) else frozenset()))
    return Instance(courses, tuple(sessions), tuple(noms))
