"""Small helpers to build hoiku instances by hand in tests."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from kyodo.hoiku.model.instance import Child, Facility, Guardian, Household, Instance, Reason

FULL_TIME = Guardian(Reason.EMPLOYMENT, days_per_month=20, hours_per_day=8)


def facility(fid: str, **vacancies: int) -> Facility:
    """facility("A", age1=2, age2=1)"""
    return Facility(
        fid, f"{fid}保育園", vacancies={int(k.removeprefix("age")): v for k, v in vacancies.items()}
    )


def child(
    cid: str,
    choices: Iterable[str],
    *,
    age: int = 1,
    points: int | None = None,
    household: str | None = None,
    current: str | None = None,
    **kwargs: object,
) -> Child:
    return Child(
        id=cid,
        household_id=household or f"H{cid}",
        age_class=age,
        choices=tuple(choices),
        given_points=points,
        current_facility=current,
        **kwargs,  # type: ignore[arg-type]
    )


def instance(
    facilities: Iterable[Facility],
    children: Iterable[Child],
    households: Mapping[str, Household] | None = None,
    fiscal_year: int | None = 2026,
) -> Instance:
    children = list(children)
    homes = dict(households or {})
    for c in children:
        homes.setdefault(c.household_id, Household(c.household_id, (FULL_TIME, FULL_TIME)))
    return Instance(
        facilities={f.id: f for f in facilities},
        households=homes,
        children={c.id: c for c in children},
        fiscal_year=fiscal_year,
    )
