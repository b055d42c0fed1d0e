"""Small instances for tests: plain constructors and a Hypothesis strategy."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from kyodo.jinzai.model import Instance, Mode, Request, Specialist, Unit, Urgency

MONDAY = date(2026, 4, 6)
BOTH = frozenset({Mode.ONSITE, Mode.REMOTE})
SMALL_TOWN = "133035"  # 瑞穂町
BIG_WARD = "131121"  # 世田谷区
ISLAND = "134210"  # 小笠原村
SKILLS = ("cloud_infrastructure", "project_management", "security_management")


def specialist(sid: str, skills: dict[str, int], hours: int = 10, **kw: object) -> Specialist:
    kw.setdefault("modes", BOTH)
    kw.setdefault("home_area", "区部")
    return Specialist(id=sid, name=f"人材{sid}", skills=skills, hours_per_week=hours, **kw)  # type: ignore[arg-type]


def request(rid: str, skills: dict[str, int], hours: int = 4, weeks: int = 1, **kw: object) -> Request:
    kw.setdefault("municipality", BIG_WARD)
    kw.setdefault("mode", Mode.REMOTE)
    kw.setdefault("start", MONDAY)
    start = kw["start"]
    assert isinstance(start, date)
    return Request(
        id=rid,
        skills=skills,
        amount=hours,
        unit=Unit.HOURS,
        end=start + timedelta(days=7 * weeks - 3),
        **kw,  # type: ignore[arg-type]
    )


@st.composite
def instances(draw: st.DrawFn, max_specialists: int = 4, max_requests: int = 7) -> Instance:
    munis = (SMALL_TOWN, BIG_WARD, ISLAND, "132152")
    n_s = draw(st.integers(1, max_specialists))
    specialists = []
    for i in range(n_s):
        skills = {k: draw(st.integers(2, 4)) for k in draw(st.sets(st.sampled_from(SKILLS), min_size=2))}
        absent_week = draw(st.none() | st.integers(0, 2))
        absences = (
            ()
            if absent_week is None
            else ((MONDAY + timedelta(7 * absent_week), MONDAY + timedelta(7 * absent_week + 2)),)
        )
        specialists.append(
            specialist(
                f"S{i}",
                skills,
                hours=draw(st.integers(6, 24)),
                current_load_hours=draw(st.integers(0, 2)),
                modes=draw(st.sampled_from([BOTH, BOTH, frozenset({Mode.REMOTE}), frozenset({Mode.ONSITE})])),
                home_area=draw(st.sampled_from(["区部", "多摩", "島しょ"])),
                conflicts=frozenset(draw(st.sets(st.sampled_from(munis), max_size=1))),
                history=frozenset(draw(st.sets(st.sampled_from(munis), max_size=1))),
                max_cases=draw(st.none() | st.none() | st.integers(0, 3)),
                absences=absences,
            )
        )
    requests = []
    for j in range(draw(st.integers(1, max_requests))):
        skills = {k: draw(st.integers(1, 3)) for k in draw(st.sets(st.sampled_from(SKILLS), min_size=1, max_size=2))}
        mode = draw(st.sampled_from([Mode.ONSITE, Mode.REMOTE]))
        weeks = draw(st.integers(1, 3))
        start = MONDAY + timedelta(days=7 * draw(st.integers(0, 2)))
        if mode is Mode.ONSITE:
            amount, unit = draw(st.integers(1, 3)), Unit.DAYS
        else:
            amount, unit = draw(st.integers(1, 10)), Unit.HOURS
        requests.append(
            Request(
                id=f"R{j}",
                municipality=draw(st.sampled_from(munis)),
                skills=skills,
                mode=mode,
                amount=amount,
                unit=unit,
                start=start,
                end=start + timedelta(days=7 * weeks - 3),
                urgency=draw(st.sampled_from(list(Urgency))),
                preferred=draw(st.none() | st.sampled_from([s.id for s in specialists])),
                excluded=frozenset(draw(st.sets(st.sampled_from([s.id for s in specialists]), max_size=1))),
            )
        )
    return Instance(tuple(specialists), tuple(requests))


@st.composite
def contended_instances(draw: st.DrawFn, max_specialists: int = 3, max_requests: int = 6) -> Instance:
    """Everyone could serve almost everything, but there is not enough time: the choice of who gets what matters."""
    munis = (SMALL_TOWN, BIG_WARD, ISLAND, "132152")
    specialists = tuple(
        specialist(
            f"S{i}",
            {k: draw(st.integers(2, 4)) for k in SKILLS},
            hours=draw(st.integers(3, 10)),
            home_area=draw(st.sampled_from(["区部", "多摩", "島しょ"])),
            history=frozenset(draw(st.sets(st.sampled_from(munis), max_size=1))),
            max_cases=draw(st.none() | st.integers(1, 2)),
        )
        for i in range(draw(st.integers(1, max_specialists)))
    )
    requests = []
    for j in range(draw(st.integers(2, max_requests))):
        onsite = draw(st.booleans())
        start = MONDAY + timedelta(days=7 * draw(st.integers(0, 1)))
        requests.append(
            Request(
                id=f"R{j}",
                municipality=draw(st.sampled_from(munis)),
                skills={draw(st.sampled_from(SKILLS)): draw(st.integers(1, 4))},
                mode=Mode.ONSITE if onsite else Mode.REMOTE,
                amount=1 if onsite else draw(st.integers(2, 10)),
                unit=Unit.DAYS if onsite else Unit.HOURS,
                start=start,
                end=start + timedelta(days=7 * draw(st.integers(1, 2)) - 3),
                urgency=draw(st.sampled_from(list(Urgency))),
                preferred=draw(st.none() | st.sampled_from([s.id for s in specialists])),
                excluded=frozenset(draw(st.sets(st.sampled_from([s.id for s in specialists]), max_size=1))),
            )
        )
    return Instance(specialists, tuple(requests))
