"""The skill taxonomy (IPA's DX推進スキル標準, DSS-P), loaded from `data/dss_p.yaml`.

Names are stored in the standard's own spelling (full-width brackets, as in 検証（顧客・ユーザー視点）) and looked up after
NFKC normalisation, so a clerk's half-width or full-width spelling both find the item. The file says which version of
the standard it follows, which item names could not be confirmed in public sources, and that the level texts are the
project's own (DSS-P's a–d rate how much a role needs an item, not a person's proficiency).
"""

from __future__ import annotations

import unicodedata
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
    confirmed: bool = True  # False: the name was not found in a public source (see dss_p.yaml)


@dataclass(frozen=True, slots=True)
class Taxonomy:
    reference: str
    version: str  # the DSS version the file follows, e.g. "ver.1.2"
    levels_source: str  # where the level texts come from (the project's own)
    levels: Mapping[int, str]  # 1..4 → what the level means
    role_types: Mapping[str, str]  # id → Japanese name
    skills: Mapping[str, Skill]  # id → skill
    by_name: Mapping[str, Skill]  # name_key(name) → skill

    def find(self, text: str) -> Skill | None:
        """A skill by id or by its Japanese name, compared after NFKC (full/half width, spaces); None if unknown."""
        key = text.strip()
        if key in self.skills:
            return self.skills[key]
        return self.by_name.get(name_key(key))

    def name(self, skill_id: str) -> str:
        return self.skills[skill_id].name

    @property
    def min_level(self) -> int:
        return min(self.levels)

    @property
    def max_level(self) -> int:
        return max(self.levels)


def name_key(text: str) -> str:
    """How skill names are compared: NFKC, without any white space."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@cache
def taxonomy() -> Taxonomy:
    text = resources.files("kyodo.jinzai").joinpath("data/dss_p.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    unconfirmed = {name_key(n) for n in raw.get("unconfirmed", [])}
    skills: dict[str, Skill] = {}
    for category, subs in raw["categories"].items():
        for subcategory, items in subs.items():
            for skill_id, name in items.items():
                if skill_id in skills:
                    raise ValueError(f"dss_p.yaml: skill id {skill_id} appears twice")
                skills[skill_id] = Skill(skill_id, name, category, subcategory, name_key(name) not in unconfirmed)
    known = {name_key(s.name) for s in skills.values()}
    if unconfirmed - known:
        raise ValueError(f"dss_p.yaml: unconfirmed names no item has: {sorted(unconfirmed - known)}")
    return Taxonomy(
        reference=raw["reference"],
        version=str(raw["version"]),
        levels_source=raw["levels_source"],
        levels=MappingProxyType({int(k): v for k, v in raw["levels"].items()}),
        role_types=MappingProxyType(dict(raw["role_types"])),
        skills=MappingProxyType(skills),
        by_name=MappingProxyType({name_key(s.name): s for s in skills.values()}),
    )


def describe(skills: Mapping[str, int]) -> str:
    """'クラウドインフラ活用 Lv3以上、プロジェクトマネジメント Lv2以上' for messages."""
    tax = taxonomy()
    return "、".join(f"「{tax.name(s)}」レベル{lv}以上" for s, lv in sorted(skills.items()))
