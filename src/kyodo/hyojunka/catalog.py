"""The fixed facts of the programme, read from the data files beside this module: the 20 systems, the 40 steps with
their phases, the reason categories of 特定移行支援システム, and the dated values the rules use (`policy.yaml`).

Each file names its source (`reference`); where our wording is a paraphrase it says `confirm: true`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import yaml

Day = int  # a date as its proleptic Gregorian ordinal (date.toordinal()); arithmetic in whole days


@dataclass(frozen=True, slots=True)
class System:
    id: str
    name: str
    order: int


@dataclass(frozen=True, slots=True)
class Step:
    number: int
    phase: str
    name: str


@dataclass(frozen=True, slots=True)
class Reason:
    id: str
    label: str


@dataclass(frozen=True, slots=True)
class Policy:
    window_days: int
    default_deadline: Day
    tokutei_latest_deadline: Day
    cost_target_percent: int
    monthly_report_due_day: int


@dataclass(frozen=True, slots=True)
class Catalog:
    systems: tuple[System, ...]
    steps: tuple[Step, ...]
    phases: tuple[str, ...]
    reasons: tuple[Reason, ...]
    policy: Policy
    references: dict[str, str]

    @property
    def step_count(self) -> int:
        return len(self.steps)

    def system(self, text: str) -> System | None:
        """A system by id or by name (as a clerk writes it)."""
        key = text.strip()
        return next((s for s in self.systems if key in (s.id, s.name)), None)

    def reason(self, text: str) -> Reason | None:
        key = text.strip()
        return next((r for r in self.reasons if key in (r.id, r.label)), None)

    def step(self, number: int) -> Step:
        return self.steps[number - 1]


def _load(name: str) -> dict[str, Any]:
    text = resources.files("kyodo.hyojunka").joinpath("data", name).read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def _day(value: object) -> Day:
    if not isinstance(value, date):
        raise ValueError(f"expected a date in policy.yaml, got {value!r}")
    return value.toordinal()


@cache
def catalog() -> Catalog:
    systems_raw, steps_raw, policy_raw = _load("systems.yaml"), _load("steps.yaml"), _load("policy.yaml")
    systems = tuple(System(str(s["id"]), str(s["name"]), i) for i, s in enumerate(systems_raw["systems"]))
    steps = tuple(Step(int(s["number"]), str(s["phase"]), str(s["name"])) for s in steps_raw["steps"])
    if [s.number for s in steps] != list(range(1, len(steps) + 1)):
        raise ValueError("steps.yaml: step numbers must run 1, 2, … without gaps")
    phases = tuple(str(p) for p in steps_raw["phases"])
    if {s.phase for s in steps} - set(phases):
        raise ValueError("steps.yaml: a step names a phase not in `phases`")
    reasons = tuple(Reason(str(r["id"]), str(r["label"])) for r in policy_raw["reason_categories"]["values"])
    policy = Policy(
        window_days=int(policy_raw["window_days"]["value"]),
        default_deadline=_day(policy_raw["default_deadline"]["value"]),
        tokutei_latest_deadline=_day(policy_raw["tokutei_latest_deadline"]["value"]),
        cost_target_percent=int(policy_raw["cost_target_percent"]["value"]),
        monthly_report_due_day=int(policy_raw["monthly_report_due_day"]["value"]),
    )
    references = {
        "systems": str(systems_raw["reference"]),
        "steps": str(steps_raw["reference"]),
        "cost_target": str(policy_raw["cost_target_percent"]["reference"]),
        "window": str(policy_raw["window_days"]["reference"]),
    }
    return Catalog(systems, steps, phases, reasons, policy, references)


def to_day(d: date) -> Day:
    return d.toordinal()


def to_date(day: Day) -> date:
    return date.fromordinal(day)


def japanese_date(day: Day) -> str:
    d = date.fromordinal(day)
    return f"{d.year}年{d.month}月{d.day}日"
