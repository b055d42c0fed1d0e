"""The matching policy (program caps, objective weights, fairness bands, travel, joint-project costs) as data.

Loaded from `data/policy.yaml`; a test or a caller may build a `Policy` by hand. All values are integers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

import yaml


@dataclass(frozen=True, slots=True)
class Policy:
    onsite_days_cap: int
    remote_hours_cap: int
    hours_per_day: int
    serve: int
    urgency: Mapping[str, int]  # Urgency value → bonus
    preferred: int
    continuity: int
    coverage: int
    fairness_band: Mapping[str, int]  # band name → bonus
    size_bands: tuple[tuple[str, int], ...]  # (name, min population), largest first
    travel: Mapping[str, Mapping[str, int]]  # home area → municipality area → penalty per on-site day
    base_cost_yen: int
    hourly_rate_yen: int

    def band(self, population: int) -> str:
        for name, minimum in self.size_bands:
            if population >= minimum:
                return name
        raise ValueError(f"no size band for population {population}")

    @property
    def band_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.size_bands)


def policy_from_dict(raw: Mapping[str, Any]) -> Policy:
    weights = raw["weights"]
    bands = sorted(((b["name"], int(b["min_population"])) for b in raw["size_bands"]), key=lambda b: -b[1])
    return Policy(
        onsite_days_cap=int(raw["program_caps"]["onsite_days"]),
        remote_hours_cap=int(raw["program_caps"]["remote_hours"]),
        hours_per_day=int(raw["hours_per_day"]),
        serve=int(weights["serve"]),
        urgency=MappingProxyType({str(k): int(v) for k, v in weights["urgency"].items()}),
        preferred=int(weights["preferred"]),
        continuity=int(weights["continuity"]),
        coverage=int(weights["coverage"]),
        fairness_band=MappingProxyType({str(k): int(v) for k, v in weights["fairness_band"].items()}),
        size_bands=tuple(bands),
        travel=MappingProxyType(
            {str(a): MappingProxyType({str(b): int(v) for b, v in row.items()}) for a, row in raw["travel"].items()}
        ),
        base_cost_yen=int(raw["joint_project"]["base_cost_yen"]),
        hourly_rate_yen=int(raw["joint_project"]["hourly_rate_yen"]),
    )


@cache
def load_policy() -> Policy:
    text = resources.files("kyodo.jinzai").joinpath("data/policy.yaml").read_text(encoding="utf-8")
    return policy_from_dict(yaml.safe_load(text))
