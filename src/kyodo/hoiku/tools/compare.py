"""What-if: the same applications under the ward's rules and under a variant of them.

    variant = load_variant("koto", Path("variant.yaml"))
    comparison = compare(instance, "koto", variant, fiscal_year=2026, seed=0)
    print(format_comparison(comparison))

A variant is a small YAML file of overrides on a rules file (see rules/README.md for the format):

    name: きょうだい在園加点 +2 → +4
    overrides:
      adjustments:
        - {id: sibling_enrolled, points: 4}     # lists of items with an id merge by id
      tie_break:                                # other lists are replaced as a whole
        - {key: municipal_tax, direction: lower, label: 住民税所得割額が低い世帯}

Mappings merge key by key; an item `{id: x, remove: true}` removes adjustment x. The outcome is
reported by group: all children, single-parent households, sibling families (and how many were
kept together at one facility), transfer applicants, and each age class.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from kyodo.hoiku.engine.pipeline import Decision, run_round
from kyodo.hoiku.explain.diff import Change, diff_runs
from kyodo.hoiku.model.errors import RuleError
from kyodo.hoiku.model.instance import AGE_CLASSES, Child, Instance
from kyodo.hoiku.model.result import Result
from kyodo.hoiku.rules import Rules, load_rules, parse_rules
from kyodo.hoiku.rules.loader import DATA_DIR


def _rules_path(name_or_path: str | Path) -> Path:
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml"):
        return path
    load_rules(name_or_path)  # raises the usual message for an unknown name
    return DATA_DIR / f"{name_or_path}.yaml"


def merge(base: Any, overrides: Any) -> Any:
    """`overrides` laid over `base` (neither is changed). See the module docstring for the rules."""
    if isinstance(base, Mapping) and isinstance(overrides, Mapping):
        out = dict(base)
        for key, value in overrides.items():
            out[key] = merge(base[key], value) if key in base else copy.deepcopy(value)
        return out
    if _has_ids(base) and _has_ids(overrides):
        merged = [dict(item) for item in base]
        for item in overrides:
            at = next((i for i, m in enumerate(merged) if m["id"] == item["id"]), None)
            if item.get("remove"):
                if at is None:
                    raise RuleError(f"変更案: 削除する項目「{item['id']}」が元の基準にありません")
                del merged[at]
            elif at is None:
                merged.append(copy.deepcopy(dict(item)))
            else:
                merged[at] = merge(merged[at], item)
        return merged
    return copy.deepcopy(overrides)


def _has_ids(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(i, Mapping) and "id" in i for i in value)


def load_variant(base: str | Path, variant: Path) -> Rules:
    """The base rules (a shipped name or a YAML path) with the variant file's overrides applied."""
    variant_raw = Path(variant).read_bytes()
    try:
        spec = yaml.safe_load(variant_raw.decode("utf-8")) or {}
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RuleError(f"{Path(variant).name}: YAML として読めません({exc})") from exc
    if not isinstance(spec, Mapping):
        raise RuleError(f"{Path(variant).name}: 変更する項目(キー: 値)を書いてください")
    overrides = spec.get("overrides", {k: v for k, v in spec.items() if k not in ("name", "description")})
    return apply_overrides(
        base, overrides, name=Path(variant).stem, title=str(spec.get("name") or Path(variant).stem),
        file_name=Path(variant).name, variant_bytes=variant_raw,
    )


def apply_overrides(
    base: str | Path,
    overrides: Mapping[str, Any],
    *,
    name: str,
    title: str,
    file_name: str = "",
    variant_bytes: bytes = b"",
) -> Rules:
    """The base rules (a shipped name or a YAML path) with `overrides` (the variant file's format) laid over.

    The web's what-if builds its variant here from a form; `load_variant` from a file."""
    base_path = _rules_path(base)
    return overrides_on_text(base_path.read_text(encoding="utf-8"), overrides, stem=base_path.stem, name=name,
                             title=title, file_name=file_name, variant_bytes=variant_bytes)


def overrides_on_text(
    base_text: str,
    overrides: Mapping[str, Any],
    *,
    stem: str,
    name: str,
    title: str,
    file_name: str = "",
    variant_bytes: bytes = b"",
) -> Rules:
    """`apply_overrides` on rules given as their YAML text (e.g. the text a web run stored when it started)."""
    base_raw = base_text.encode("utf-8")
    data = merge(yaml.safe_load(base_text), overrides)
    digest = hashlib.sha256(base_raw + b"\n---\n" + (variant_bytes or repr(overrides).encode())).hexdigest()
    rules = parse_rules(data, name=f"{stem}+{name}", file_name=file_name or f"{name}.yaml", sha256=digest)
    return replace(rules, title=title)


@dataclass(frozen=True, slots=True)
class GroupOutcome:
    """How one group of children fared under the base rules (a) and the variant (b)."""

    label: str
    children: int
    offered_a: int  # offered a new seat (内定); a transfer child kept in its seat is not counted
    offered_b: int
    first_choice_a: int
    first_choice_b: int
    gained: int  # not offered under a, offered under b
    lost: int  # offered under a, not under b
    moved: int  # offered under both, at different facilities


@dataclass(frozen=True, slots=True)
class FamilyOutcome:
    """Sibling families: how many had every child offered, and every child at one facility."""

    families: int
    all_offered_a: int
    all_offered_b: int
    together_a: int
    together_b: int


@dataclass(frozen=True, slots=True)
class Comparison:
    base: str
    variant: str
    groups: tuple[GroupOutcome, ...]
    families: FamilyOutcome
    changes: tuple[Change, ...]
    a: Result
    b: Result


def compare(
    instance: Instance,
    base: str | Rules,
    variant: Rules,
    *,
    fiscal_year: int | None,
    seed: int,
    decisions: tuple[Decision, ...] = (),
) -> Comparison:
    """Run the round under both rules (same seed, same decisions) and compare the outcomes."""
    a = run_round(instance, rules=base, fiscal_year=fiscal_year, seed=seed, decisions=decisions)
    b = run_round(instance, rules=variant, fiscal_year=fiscal_year, seed=seed, decisions=decisions)
    base_title = base if isinstance(base, str) else base.title
    return compare_results(a, b, base_label=str(base_title), variant_label=variant.title)


def compare_results(a: Result, b: Result, *, base_label: str = "A", variant_label: str = "B") -> Comparison:
    """Group outcomes of two results of the same applications."""
    children = [c for c in a.instance.children.values() if c.id in b.instance.children]
    households = a.instance.households
    size: dict[str, int] = {}
    for c in children:
        size[c.household_id] = size.get(c.household_id, 0) + 1
    groups: list[tuple[str, Callable[[Child], bool]]] = [
        ("全体", lambda c: True),
        (
            "ひとり親世帯",
            lambda c: bool(households.get(c.household_id) and households[c.household_id].single_parent),
        ),
        ("きょうだい同時申込", lambda c: size[c.household_id] > 1),
        ("転園申込", lambda c: c.is_transfer),
    ]
    groups += [(f"{age}歳児", lambda c, age=age: c.age_class == age) for age in AGE_CLASSES]  # type: ignore[misc]
    outcomes = tuple(_group(label, [c for c in children if test(c)], a, b) for label, test in groups)
    return Comparison(
        base_label,
        variant_label,
        tuple(g for g in outcomes if g.children or g.label == "全体"),
        _families(children, size, a, b),
        tuple(diff_runs(a, b)),
        a,
        b,
    )


def _offered(result: Result, c: Child) -> str | None:
    got = result.assignment.get(c.id)
    return None if got == c.current_facility else got


def _group(label: str, members: list[Child], a: Result, b: Result) -> GroupOutcome:
    got_a = [_offered(a, c) for c in members]
    got_b = [_offered(b, c) for c in members]
    return GroupOutcome(
        label,
        len(members),
        sum(1 for f in got_a if f),
        sum(1 for f in got_b if f),
        sum(1 for c, f in zip(members, got_a, strict=True) if f and c.choices[:1] == (f,)),
        sum(1 for c, f in zip(members, got_b, strict=True) if f and c.choices[:1] == (f,)),
        sum(1 for fa, fb in zip(got_a, got_b, strict=True) if not fa and fb),
        sum(1 for fa, fb in zip(got_a, got_b, strict=True) if fa and not fb),
        sum(1 for fa, fb in zip(got_a, got_b, strict=True) if fa and fb and fa != fb),
    )


def _families(children: list[Child], size: Mapping[str, int], a: Result, b: Result) -> FamilyOutcome:
    members: dict[str, list[Child]] = {}
    for c in children:
        if size[c.household_id] > 1:
            members.setdefault(c.household_id, []).append(c)

    def counts(result: Result) -> tuple[int, int]:
        placed = [[result.assignment.get(c.id) for c in kids] for kids in members.values()]
        every = [p for p in placed if all(p)]
        return len(every), sum(1 for p in every if len(set(p)) == 1)

    (all_a, together_a), (all_b, together_b) = counts(a), counts(b)
    return FamilyOutcome(len(members), all_a, all_b, together_a, together_b)


def format_comparison(comparison: Comparison, *, changes_shown: int = 20) -> str:
    """A plain Japanese report: one row per group, the sibling families, then who moved and why."""
    c = comparison
    lines = [
        f"比較: A = {c.base} / B = {c.variant}",
        "",
        "区分\t児童数\t内定A\t内定B\t増減\t第1希望A\t第1希望B\tBで内定\tBで保留\t施設が変わる",
    ]
    for g in c.groups:
        lines.append(
            f"{g.label}\t{g.children}\t{g.offered_a}\t{g.offered_b}\t{g.offered_b - g.offered_a:+d}\t"
            f"{g.first_choice_a}\t{g.first_choice_b}\t{g.gained}\t{g.lost}\t{g.moved}"
        )
    f = c.families
    lines += [
        "",
        f"きょうだい同時申込の世帯 {f.families}世帯: 全員内定 A {f.all_offered_a} → B {f.all_offered_b}、"
        f"全員が同じ施設 A {f.together_a} → B {f.together_b}",
        "",
        f"結果が変わる児童: {len(c.changes)}人",
    ]
    lines += [f"  {ch.text}" for ch in c.changes[:changes_shown]]
    if len(c.changes) > changes_shown:
        lines.append(f"  ほか{len(c.changes) - changes_shown}人")
    return "\n".join(lines)
