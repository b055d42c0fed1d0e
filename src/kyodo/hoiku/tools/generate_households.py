"""The households of a synthetic ward: guardians' situations, hours, grades, tax and the household facts.

Split from `generate.py`; `generate_ward` calls `draw_household` once per family, in the same order as before, so
a seed gives the same ward.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from itertools import accumulate
from typing import TypeVar

from kyodo.hoiku.model.instance import HOUSEHOLD_FACTS, FactValue, Guardian, Household
from kyodo.hoiku.tools.generate_calibration import (
    _FIRST,
    _REASON,
    _SECOND,
    _SINGLE,
    _SITUATIONS,
    _TAX,
    _TAX_OTHER,
    GRADES,
    SINGLE_PARENT_SHARE,
)

_T = TypeVar("_T")


def pick(rng: random.Random, population: Sequence[_T], cum_weights: Sequence[float]) -> _T:
    """rng.choices(population, cum_weights=cum_weights)[0] (the same draw) without its per-call overhead."""
    return population[bisect(cum_weights, rng.random() * (cum_weights[-1] + 0.0), 0, len(population) - 1)]


def _guardian(rng: random.Random, situation: str) -> Guardian:
    reason = _REASON[situation]
    if situation in ("full", "home"):
        week = 5 if rng.random() < 0.93 else 6
        hours = pick(rng, (7.5, 8.0, 8.5, 9.0, 10.0), (8, 63, 73, 91, 100))
        month = rng.choice((20, 21, 21, 22)) if week == 5 else 24
    elif situation == "short":
        week, hours, month = 5, rng.choice((5.0, 6.0, 6.0, 7.0)), rng.choice((20, 21))
    elif situation in ("part", "study"):
        week, hours = rng.choice((3, 4, 4, 5)), rng.choice((4.0, 5.0, 6.0))
        month = week * 4 + rng.randint(0, 2)
    elif reason in GRADES:
        grades = GRADES[reason]
        grade = pick(rng, [g for g, _ in grades], tuple(accumulate(w for _, w in grades)))
        return Guardian(reason, grade=grade)
    else:
        return Guardian(reason)
    return Guardian(
        reason, days_per_month=month, hours_per_day=hours, days_per_week=week, hours_per_week=week * hours
    )


def _tax(rng: random.Random, situation: str) -> int:
    none, median, spread = _TAX.get(situation, _TAX_OTHER)
    if rng.random() < none:
        return 0
    return int(median * rng.lognormvariate(0, spread)) // 100 * 100  # 所得割額 is in whole hundreds of yen


def draw_household(rng: random.Random, household_id: str, ages: list[int], enrolled: bool) -> Household:
    """The guardians and facts of one household whose children (of these ages) apply together; `enrolled`: one
    of them already has a sibling at a nursery, or applies to transfer."""
    single = rng.random() < SINGLE_PARENT_SHARE
    if single:
        situations = [pick(rng, _SITUATIONS, _SINGLE)]
    else:
        situations = [
            pick(rng, _SITUATIONS, _FIRST),
            pick(rng, _SITUATIONS, _SECOND),
        ]
    guardians = tuple(_guardian(rng, s) for s in situations)
    welfare = rng.random() < (0.10 if single else 0.005)
    youngest = min(ages)
    working = any(s in ("full", "short", "home") for s in situations)
    leave = working and rng.random() < (0.5, 0.45, 0.1, 0.02, 0.02, 0.02)[youngest]
    unlicensed = not leave and rng.random() < (0.05, 0.2, 0.25, 0.2, 0.1, 0.1)[youngest]
    waiting = rng.randint(1, 24 if youngest >= 2 else 12) if unlicensed and rng.random() < 0.6 else 0
    facts: dict[str, FactValue] = {
        "single_parent": single,
        "welfare": welfare,
        "municipal_tax": 0 if welfare else sum(_tax(rng, s) for s in situations),
        "unlicensed_care": unlicensed,
        "return_from_leave": leave,
        "nursery_worker": working and rng.random() < 0.03,
        "grandparent_can_care": not single and rng.random() < 0.03,
        "waiting_months": waiting,
        "children_under_school_age": len(ages)
        + int(enrolled and len(ages) == 1)
        + int(rng.random() < 0.08),
    }
    return Household(household_id, guardians, single, facts)


def with_later_facts(rng: random.Random, household: Household) -> Household:
    """The grandparent facts (added after the first facts; drawn from their own stream)."""
    facts = dict(household.facts)
    lives_with = bool(facts["grandparent_can_care"]) or rng.random() < 0.04
    nearby = lives_with or rng.random() < 0.15
    facts.update(
        {
            "lives_with_grandparent": lives_with,
            "has_grandparent": nearby,
            "grandparent_distance_m": (0 if lives_with else rng.randrange(100, 3000, 50)) if nearby else None,
            "grandparent_age": rng.randint(52, 78) if nearby else None,
            "grandparent_unemployed": nearby and rng.random() < 0.4,
        }
    )
    assert set(facts) == set(HOUSEHOLD_FACTS)
    return Household(household.id, household.guardians, household.single_parent, facts)
