"""The skill taxonomy (IPA's DX推進スキル標準, DSS-P), loaded from `data/dss_p.yaml`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

import yaml


@dataclass(frozen=True, slots=True)
class Skill:
    id: str
    name: str
    category: str
    subcategory: str


@dataclass(frozen=True, slots=True)
class Taxonomy:
    reference: str
    levels: Mapping[int, str]  # 1..4 → what the level means
    role_types: Mapping[str, str]  # id → Japanese name
    skills: Mapping[str, Skill]  # id → skill

    def find(self, text: str) -> Skill | None:
        """A skill by id or by its Japanese name (surrounding spaces ignored); None if unknown."""
        key = text.strip()
        if key in self.skills:
            return self.skills[key]
        return next((s for s in self.skills.values() if s.name == key), None)

    def name(self, skill_id: str) -> str:
        return self.skills[skill_id].name

    @property
    def min_level(self) -> int:
        return min(self.levels)

    @property
    def max_level(self) -> int:
        return max(self.levels)


@cache
def taxonomy() -> Taxonomy:
    text = resources.files("kyodo.jinzai").joinpath("data/dss_p.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    skills: dict[str, Skill] = {}
    for category, subs in raw["categories"].items():
        for subcategory, items in subs.items():
            for skill_id, name in items.items():
                if skill_id in skills:
                    raise ValueError(f"dss_p.yaml: skill id {skill_id} appears twice")
                skills[skill_id] = Skill(skill_id, name, category, subcategory)
    return Taxonomy(
        reference=raw["reference"],
        levels=MappingProxyType({int(k): v for k, v in raw["levels"].items()}),
        role_types=MappingProxyType(dict(raw["role_types"])),
        skills=MappingProxyType(skills),
    )


def describe(skills: Mapping[str, int]) -> str:
    """'クラウドインフラ活用 Lv3以上、プロジェクトマネジメント Lv2以上' for messages."""
    tax = taxonomy()
    return "、".join(f"「{tax.name(s)}」レベル{lv}以上" for s, lv in sorted(skills.items()))
