"""Applicants against places before running (tools.demand)."""

from __future__ import annotations

from kyodo.hoiku.tools.demand import Demand, demand, ratio_text

from .builders import child, facility, instance


def _ward():
    return instance(
        [facility("A", age1=2, age2=0), facility("B", age1=4)],
        [
            child("1", ["A", "B"], points=1),
            child("2", ["A"], points=1),
            child("3", ["B", "A"], points=1),
            child("4", ["A"], age=2, points=1),
            child("5", ["B"], points=1, current="A"),
        ],
    )


def test_per_age_class_applicants_places_and_transfers():
    d = demand(_ward())
    one = d.by_age[1]
    assert (one.applicants, one.places, one.transfers, one.ratio) == (4, 6, 1, "0.67倍")
    assert (d.by_age[2].applicants, d.by_age[2].places, d.by_age[2].ratio) == (1, 0, "募集なし")
    assert (d.applicants, d.places, d.ratio, d.transfers) == (5, 6, "0.83倍", 1)


def test_per_facility_first_choice_and_any_choice():
    rows = {(f.facility_id, f.age_class): f for f in demand(_ward()).by_facility}
    a1 = rows["A", 1]
    assert (a1.places, a1.first_choice, a1.any_choice, a1.first_ratio, a1.any_ratio) == (2, 2, 3, "1.00倍", "1.50倍")
    b1 = rows["B", 1]
    assert (b1.first_choice, b1.any_choice, b1.first_ratio) == (2, 3, "0.50倍")
    assert ("B", 0) not in rows  # a class the facility does not take and nobody chose


def test_it_round_trips_through_plain_values():
    d = demand(_ward())
    assert Demand.from_dict(d.as_dict()) == d


def test_ratio_text_says_when_there_is_nothing_to_divide():
    assert (ratio_text(0, 0), ratio_text(0, 3), ratio_text(3, 0), ratio_text(7, 2)) == ("―", "―", "募集なし", "3.50倍")
