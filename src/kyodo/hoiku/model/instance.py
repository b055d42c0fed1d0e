"""Plain data for one allocation round: facilities, households, children.

Everything here is a frozen dataclass built from plain values. Readers (`kyodo.hoiku.io`) build
these from files; the generator builds them from a seed; engines never mutate them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from enum import StrEnum
from types import MappingProxyType

AGE_CLASSES: tuple[int, ...] = (0, 1, 2, 3, 4, 5)

FactValue = bool | int | str | None


class Reason(StrEnum):
    """Why a guardian cannot care for the child (保育の必要性の事由)."""

    EMPLOYMENT = "employment"  # 就労(居宅外)
    EMPLOYMENT_HOME = "employment_home"  # 就労(居宅内)
    PIECEWORK = "piecework"  # 就労(内職)
    EMPLOYMENT_OFFER = "employment_offer"  # 就労内定(採用が決まっている)
    ILLNESS = "illness"  # 疾病・負傷
    DISABILITY = "disability"  # 障害
    CARE = "care"  # 介護・看護
    STUDY = "study"  # 就学・職業訓練
    JOB_SEEKING = "job_seeking"  # 求職活動
    BIRTH = "birth"  # 妊娠・出産
    DISASTER = "disaster"  # 災害復旧
    NONE = "none"  # 保育可能(事由なし)


REASON_LABELS: Mapping[Reason, str] = MappingProxyType(
    {
        Reason.EMPLOYMENT: "就労(居宅外)",
        Reason.EMPLOYMENT_HOME: "就労(居宅内)",
        Reason.PIECEWORK: "就労(内職)",
        Reason.EMPLOYMENT_OFFER: "就労内定",
        Reason.ILLNESS: "疾病・負傷",
        Reason.DISABILITY: "障害",
        Reason.CARE: "介護・看護",
        Reason.STUDY: "就学・職業訓練",
        Reason.JOB_SEEKING: "求職活動",
        Reason.BIRTH: "妊娠・出産",
        Reason.DISASTER: "災害復旧",
        Reason.NONE: "事由なし",
    }
)

# Facts that rules may refer to, with the Japanese label readers and messages use.
# Household facts describe the family; child facts the applying child.
# A bool fact left blank in a file is False; a number left blank is missing (None), and a rule
# that needs it raises an error naming the child and the fact.
HOUSEHOLD_FACTS: Mapping[str, str] = MappingProxyType(
    {
        "single_parent": "ひとり親世帯",
        "welfare": "生活保護世帯",
        "municipal_tax": "住民税所得割額(円)",
        "unlicensed_care": "認可外保育施設等を利用中",
        "return_from_leave": "育児休業からの復帰",
        "nursery_worker": "保護者が保育士等として就労",
        "grandparent_can_care": "同居の祖父母等が保育可能",
        "lives_with_grandparent": "同居の祖父母等がいる",
        "has_grandparent": "同居または近くに住む祖父母等がいる",
        "grandparent_distance_m": "祖父母等の住まいまでの距離(m、同居は0)",
        "grandparent_age": "祖父母等の年齢",
        "grandparent_unemployed": "祖父母等が無職・求職中",
        "waiting_months": "待機期間(月)",
        "children_under_school_age": "就学前の子の人数",
    }
)
CHILD_FACTS: Mapping[str, str] = MappingProxyType(
    {
        "twins": "多胎児",
        "disability": "障害児",
        "small_scale_graduate": "小規模保育等の卒園児",
        "allergy": "アレルギー疾患(医師の診断あり)",
        "readmission_after_leave": "育児休業のため退園した児童の再入園",
        "born_during_leave": "育児休業の対象の子(退園したきょうだいと同時申込)",
    }
)


# Facts that are yes/no; the others are numbers. A blank bool fact means "no".
BOOL_FACTS: frozenset[str] = frozenset(
    {
        "single_parent",
        "welfare",
        "unlicensed_care",
        "return_from_leave",
        "nursery_worker",
        "grandparent_can_care",
        "lives_with_grandparent",
        "has_grandparent",
        "grandparent_unemployed",
        "twins",
        "disability",
        "small_scale_graduate",
        "allergy",
        "readmission_after_leave",
        "born_during_leave",
    }
)


@dataclass(frozen=True, slots=True)
class Facility:
    """A nursery and its vacancies (募集人数) for this round, per age class."""

    id: str
    name: str
    kind: str = "認可保育所"
    vacancies: Mapping[int, int] = field(default_factory=dict)
    latitude: float | None = None
    longitude: float | None = None
    # Optional seats shared by several age classes (e.g. ages 1-2 share 10): {(1, 2): 10}.
    shared_capacity: Mapping[tuple[int, ...], int] = field(default_factory=dict)

    def vacancy(self, age_class: int) -> int:
        return self.vacancies.get(age_class, 0)


@dataclass(frozen=True, slots=True)
class Guardian:
    """One guardian's reason and, for work or study, its amount."""

    reason: Reason
    days_per_month: int | None = None
    hours_per_day: float | None = None
    days_per_week: int | None = None
    hours_per_week: float | None = None
    # Severity for illness, disability or care (e.g. 入院, 1級, 常時介護); matched against the rules' grades.
    grade: str | None = None

    @property
    def hours_per_month(self) -> float | None:
        if self.days_per_month is None or self.hours_per_day is None:
            return None
        return self.days_per_month * self.hours_per_day

    @property
    def weekly_hours(self) -> float | None:
        if self.hours_per_week is not None:
            return self.hours_per_week
        if self.days_per_week is not None and self.hours_per_day is not None:
            return self.days_per_week * self.hours_per_day
        return None


@dataclass(frozen=True, slots=True)
class Household:
    """A family (世帯). `facts` keys are those of HOUSEHOLD_FACTS (single_parent is also a field)."""

    id: str
    guardians: tuple[Guardian, ...] = ()
    single_parent: bool = False
    facts: Mapping[str, FactValue] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Child:
    """One application (申込). `choices` are facility ids, most wanted first."""

    id: str
    household_id: str
    age_class: int
    choices: tuple[str, ...]
    birth_date: date | None = None
    current_facility: str | None = None  # set for a transfer (転園) application
    sibling_facilities: tuple[str, ...] = ()  # facilities where a sibling is enrolled now
    # Of those, where the enrolled sibling leaves this March (卒園予定児): some wards give no sibling points there.
    sibling_graduating: tuple[str, ...] = ()
    # ChilmAI's numbering (1-7) of how siblings applying together want to be placed; 7 = independently.
    sibling_pattern: int = 7
    facts: Mapping[str, FactValue] = field(default_factory=dict)
    # Points given in the input instead of facts (ChilmAI format); per facility where they differ.
    given_points: int | None = None
    given_points_at: Mapping[str, int] = field(default_factory=dict)
    name: str | None = None  # 児童氏名, for notices only; never used in decisions
    guardian_name: str | None = None  # 保護者氏名, the notice's addressee; never used in decisions

    @property
    def is_transfer(self) -> bool:
        return self.current_facility is not None


@dataclass(frozen=True, slots=True)
class Instance:
    """Everything one allocation round needs, as read from the input files."""

    facilities: Mapping[str, Facility]
    households: Mapping[str, Household]
    children: Mapping[str, Child]
    fiscal_year: int | None = None
    source: Mapping[str, str] = field(default_factory=dict)  # role → file name, for messages and run records
    # Families that ranked explicit combinations (combination file: ファミリーコード, 総当たり順位, …):
    # household id → combinations best first, each a facility id (or None) per child of family_children.
    family_combinations: Mapping[str, tuple[tuple[str | None, ...], ...]] = field(default_factory=dict)
    family_children: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Checks itself: unknown facility in a choice, duplicate child, choice listed twice, age class
        outside 0-5 or outside a chosen facility's, unknown household … Raises kyodo.problems.InputError."""
        from kyodo.hoiku.model.validation import validate_instance

        validate_instance(self)

    @property
    def points_given(self) -> bool:
        """True when the input carries points (ChilmAI format) rather than facts to score."""
        return any(c.given_points is not None for c in self.children.values())


def restricted(instance: Instance, children: Mapping[str, Child]) -> Instance:
    """`instance` with only `children`: some of its children left out, or with fewer of their choices (what staff
    decisions and the allocation's view without the children fixed by staff need).

    Not checked again: leaving children or choices out cannot add an unknown facility, a duplicate, a choice
    listed twice or an age class a facility does not take, and the whole was checked when `instance` was built.
    It can leave a family's explicit combinations naming a child that is no longer there; `families` then
    falls back to the sibling pattern for that household. Anything else is refused (ValueError).
    """
    for cid, child in children.items():
        before = instance.children.get(cid)
        if child is before:
            continue
        if (
            before is None
            or replace(before, choices=child.choices) != child
            or not set(child.choices) <= set(before.choices)
        ):
            raise ValueError(
                f"restricted: child {cid} is not one of the instance's children with fewer choices"
            )
    derived = object.__new__(Instance)
    for f in fields(Instance):
        object.__setattr__(derived, f.name, children if f.name == "children" else getattr(instance, f.name))
    return derived


def age_class_on(birth_date: date, fiscal_year: int) -> int:
    """Age class (年齢クラス): the child's age in full years on April 1 of the fiscal year.

    So a class runs from April 2 to April 1: a child born on April 1 is the youngest of the
    older class, one born on April 2 the oldest of the younger class.
    """
    april_first = date(fiscal_year, 4, 1)
    years = april_first.year - birth_date.year
    if (april_first.month, april_first.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years
