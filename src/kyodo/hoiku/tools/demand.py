"""Applicants against places before a round is run (倍率): per age class and per facility and age class.

Computed once from the validated Instance; the web's round page and anything else only show it. Places are the
facilities' vacancies (募集人数) for the age class; seats shared by several age classes (共有枠) are counted
separately, since which class takes them is decided by the allocation.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from kyodo.hoiku.model.instance import AGE_CLASSES, Instance


def ratio_text(applicants: int, places: int) -> str:
    """「2.35倍」; 「―」 with no applicants; 「募集なし」 when someone applies where there is no place."""
    if applicants == 0:
        return "―"
    if places == 0:
        return "募集なし"
    return f"{applicants / places:.2f}倍"


@dataclass(frozen=True, slots=True)
class AgeDemand:
    age_class: int
    applicants: int  # children of the age class (each has one first choice)
    places: int
    transfers: int  # of them, transfer applications (転園)

    @property
    def ratio(self) -> str:
        return ratio_text(self.applicants, self.places)


@dataclass(frozen=True, slots=True)
class FacilityDemand:
    facility_id: str
    name: str
    age_class: int
    places: int
    first_choice: int  # children with this facility as 第1希望
    any_choice: int  # children with it anywhere among their choices

    @property
    def first_ratio(self) -> str:
        return ratio_text(self.first_choice, self.places)

    @property
    def any_ratio(self) -> str:
        return ratio_text(self.any_choice, self.places)


@dataclass(frozen=True, slots=True)
class Demand:
    by_age: tuple[AgeDemand, ...]
    by_facility: tuple[FacilityDemand, ...]  # facility order as in the file, then age class
    shared_places: int  # seats shared by age classes (共有枠), not in any age class's places

    @property
    def applicants(self) -> int:
        return sum(a.applicants for a in self.by_age)

    @property
    def places(self) -> int:
        return sum(a.places for a in self.by_age)

    @property
    def transfers(self) -> int:
        return sum(a.transfers for a in self.by_age)

    @property
    def ratio(self) -> str:
        return ratio_text(self.applicants, self.places)

    def as_dict(self) -> dict[str, Any]:
        """Plain values (for storing with the input files); `from_dict` reads them back."""
        return {
            "by_age": [[a.age_class, a.applicants, a.places, a.transfers] for a in self.by_age],
            "by_facility": [
                [f.facility_id, f.name, f.age_class, f.places, f.first_choice, f.any_choice] for f in self.by_facility
            ],
            "shared_places": self.shared_places,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Demand:
        return cls(
            by_age=tuple(AgeDemand(*row) for row in data["by_age"]),
            by_facility=tuple(FacilityDemand(*row) for row in data["by_facility"]),
            shared_places=int(data["shared_places"]),
        )


def demand(instance: Instance) -> Demand:
    """Applicants and places of every age class, and of every facility's age classes that have places or
    applicants (a class the facility does not take and nobody chose is left out)."""
    first: Counter[tuple[str, int]] = Counter()
    anywhere: Counter[tuple[str, int]] = Counter()
    applicants: Counter[int] = Counter()
    transfers: Counter[int] = Counter()
    for child in instance.children.values():
        applicants[child.age_class] += 1
        transfers[child.age_class] += child.is_transfer
        if child.choices:
            first[child.choices[0], child.age_class] += 1
        for facility_id in child.choices:
            anywhere[facility_id, child.age_class] += 1
    by_facility = []
    places: Counter[int] = Counter()
    for facility in instance.facilities.values():
        for age in AGE_CLASSES:
            key = (facility.id, age)
            places[age] += facility.vacancy(age)
            if age in facility.vacancies or anywhere[key]:
                by_facility.append(
                    FacilityDemand(facility.id, facility.name, age, facility.vacancy(age), first[key], anywhere[key])
                )
    shared = sum(n for f in instance.facilities.values() for n in f.shared_capacity.values())
    by_age = tuple(AgeDemand(age, applicants[age], places[age], transfers[age]) for age in AGE_CLASSES)
    return Demand(by_age, tuple(by_facility), shared)
