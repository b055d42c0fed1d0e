"""Points (指数) for each child under a municipality's rules, item by item.

Steps for one child:
1. Base points (基準指数) per guardian from its reason and hours (or grade).
2. Household base points: the guardians combined as the rules say (sum, lower doubled, …);
   a single parent's missing guardian counts as the rules say.
3. Adjustments (調整指数) whose conditions hold: household-wide ones in the total, facility ones
   only at the facility they concern (e.g. a sibling enrolled there).
A fact a rule needs but the application lacks is an error naming the child and the fact.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

from kyodo.hoiku.model.errors import RuleError
from kyodo.hoiku.model.instance import (
    CHILD_FACTS,
    HOUSEHOLD_FACTS,
    REASON_LABELS,
    Child,
    Guardian,
    Household,
    Instance,
    Reason,
)
from kyodo.hoiku.model.result import Score, ScoreItem
from kyodo.hoiku.rules import Adjustment, BaseRule, Condition, Provenance, Rules, Scope, TableRow
from kyodo.hoiku.rules.loader import DERIVED_KEYS, TABLE_CONDITIONS

MAX_REPORTED_ERRORS = 30
# A ward whose table has no row of its own for 内職 counts it as work at home (内職 was read as that before).
REASON_FALLBACK = {Reason.PIECEWORK: Reason.EMPLOYMENT_HOME}


def score_instance(instance: Instance, rules: Rules | None, fiscal_year: int | None) -> dict[str, Score]:
    """Score every child. With points given in the input (ChilmAI format) no rules are needed.

    Collects the problems of all children and raises one RuleError listing them.
    """
    if rules is None or instance.points_given:
        return {cid: given_score(child) for cid, child in instance.children.items()}
    if fiscal_year is None:
        raise RuleError("指数を計算するには年度(--fiscal-year)が必要です")
    applying: dict[str, int] = {}
    for child in instance.children.values():
        applying[child.household_id] = applying.get(child.household_id, 0) + 1
    scores: dict[str, Score] = {}
    problems: list[str] = []
    memo: dict[Guardian, tuple[int, str, str | None, Provenance]] = {}  # for these rules and this year only
    for cid, child in instance.children.items():
        household = instance.households.get(child.household_id)
        if household is None:
            problems.append(f"児童{cid}: 世帯「{child.household_id}」がありません")
            continue
        try:
            scores[cid] = score_child(
                rules,
                fiscal_year,
                household,
                child,
                siblings_applying=applying[child.household_id] > 1,
                memo=memo,
            )
        except RuleError as exc:
            problems.append(str(exc))
    if problems:
        shown = problems[:MAX_REPORTED_ERRORS]
        more = len(problems) - len(shown)
        raise RuleError("\n".join(shown + ([f"ほか{more}件"] if more else [])))
    return scores


def given_score(child: Child) -> Score:
    """A Score from points given in the input; per-facility differences become facility items."""
    if child.given_points is None:
        raise RuleError(f"児童{child.id}: 指数(点数)がありません")
    facility_items = {
        fid: (ScoreItem("given_at_facility", "施設ごとの指数との差(入力値)", points - child.given_points),)
        for fid, points in child.given_points_at.items()
        if points != child.given_points
    }
    return Score(
        child_id=child.id,
        base=child.given_points,
        adjustment=0,
        items=(ScoreItem("given", "指数(入力値)", child.given_points),),
        facility_items=facility_items,
        lower_guardian=child.given_points,
    )


def score_child(
    rules: Rules,
    fiscal_year: int,
    household: Household,
    child: Child,
    *,
    siblings_applying: bool = False,
    memo: dict[Guardian, tuple[int, str, str | None, Provenance]] | None = None,
) -> Score:
    """Score one child; see the module docstring for the steps."""
    who = f"児童{child.id}(世帯{household.id})"
    guardian_points: list[int] = []
    items: list[ScoreItem] = []
    for n, guardian in enumerate(household.guardians[:2], start=1):
        rule = rules.base.get(guardian.reason) or rules.base.get(
            REASON_FALLBACK.get(guardian.reason, guardian.reason)
        )
        if rule is None:
            raise RuleError(
                f"{who}: 保護者{n}の事由「{REASON_LABELS[guardian.reason]}」の基準指数が{rules.municipality}の基準にありません"
            )
        # Many guardians share a reason and hours, and their points depend on nothing else.
        if memo is not None and guardian in memo:
            points, detail, where, provenance = memo[guardian]
        else:
            points, detail, where, provenance = _guardian_points(
                rule, guardian, fiscal_year, f"{who}の保護者{n}"
            )
            if memo is not None:
                memo[guardian] = (points, detail, where, provenance)
        guardian_points.append(points)
        label = f"保護者{n} {rule.label}{detail}"
        items.append(_item(rules.document, f"guardian_{n}", label, points, where, provenance))
    if not household.guardians:
        raise RuleError(f"{who}: 保護者の事由がありません")
    if len(household.guardians) == 1:
        if not household.single_parent:
            raise RuleError(f"{who}: 保護者2の事由がありません(ひとり親世帯でなければ2人分が必要です)")
        points = rules.max_base_points() if rules.missing_guardian == "max" else int(rules.missing_guardian)
        guardian_points.append(points)
        label = "保護者2(ひとり親世帯のため基準どおりにみなす)"
        items.append(
            _item(rules.document, "guardian_2", label, points, "household", rules.provenance["household"])
        )

    lower = min(guardian_points)
    if rules.combine == "sum":
        base = sum(guardian_points)
    elif rules.combine == "lower_doubled":
        base = 2 * lower
    else:
        base = lower

    facts = _Facts(household, child, siblings_applying, who)
    adjustment = 0
    facility_items: dict[str, list[ScoreItem]] = {}
    for adj in rules.adjustments:
        if adj.scope == Scope.HOUSEHOLD:
            if facts.holds(adj, None):
                points = adj.points.at(fiscal_year)
                adjustment += points
                items.append(
                    _item(rules.document, adj.id, adj.label, points, f"adjustments.{adj.id}", adj.provenance)
                )
            continue
        for facility_id in _facilities_of(child):
            if facts.holds(adj, facility_id):
                facility_items.setdefault(facility_id, []).append(
                    _item(
                        rules.document,
                        adj.id,
                        adj.label,
                        adj.points.at(fiscal_year),
                        f"adjustments.{adj.id}",
                        adj.provenance,
                    )
                )
    return Score(
        child_id=child.id,
        base=base,
        adjustment=adjustment,
        items=tuple(items),
        facility_items={f: tuple(v) for f, v in facility_items.items()},
        lower_guardian=lower,
    )


def _facilities_of(child: Child) -> Iterable[str]:
    yield from child.choices
    if child.current_facility is not None:
        yield child.current_facility


@functools.lru_cache(maxsize=4096)
def _item(
    document: str, item_id: str, label: str, points: int, where: str | None, provenance: Provenance
) -> ScoreItem:
    """Score items are immutable and repeat across children: build each distinct one once.

    `citation` (letters) is the ward's document and section only; `reference` (staff) may name a web source."""
    source = provenance.source
    reference = " ".join(
        x for x in (source.title if source else "", provenance.section, (source and source.url) or "") if x
    )
    return ScoreItem(
        id=item_id,
        label=label,
        points=points,
        reference=reference or None,
        needs_confirmation=not provenance.confirmed,
        citation=f"{document} {provenance.section}".strip() or None,  # as Rules.citation
        value=where,
    )


def _guardian_points(
    rule: BaseRule, g: Guardian, fiscal_year: int, who: str
) -> tuple[int, str, str | None, Provenance]:
    """(points, a short description of what decided them, the value's key, its provenance) for one guardian."""
    at = f"base.{rule.reason.value}"
    if rule.points is not None:
        return rule.points.at(fiscal_year), "", f"{at}.points", rule.provenance
    if rule.grades is not None:
        if not g.grade:
            raise RuleError(f"{who}: 「{rule.label}」の程度がありません(基準指数の判定に必要)")
        if g.grade not in rule.grades:
            allowed = "、".join(rule.grades)
            raise RuleError(
                f"{who}: 「{rule.label}」の程度「{g.grade}」は基準にありません(使えるもの: {allowed})"
            )
        provenance = rule.grade_provenance.get(g.grade, rule.provenance)
        return rule.grades[g.grade].at(fiscal_year), f"({g.grade})", f"{at}.grades.{g.grade}", provenance
    values = {
        "min_days_per_month": g.days_per_month,
        "min_hours_per_day": g.hours_per_day,
        "min_hours_per_month": g.hours_per_month,
        "min_days_per_week": g.days_per_week,
        "min_hours_per_week": g.weekly_hours,
    }
    for i, row in enumerate(rule.table):
        if _row_matches(row, values, who, rule.label):
            return row.points.at(fiscal_year), _describe(row), f"{at}.table[{i}]", row.provenance
    if rule.otherwise is None:
        raise RuleError(f"{who}: 「{rule.label}」の時間・日数がどの区分にも当たりません")
    # 上記以外 has no provenance of its own in the workbook: it is the item's (its first row's).
    return rule.otherwise.at(fiscal_year), "(基準の区分に満たない)", None, rule.provenance


def _row_matches(row: TableRow, values: Mapping[str, float | None], who: str, label: str) -> bool:
    for key, minimum in row.conditions.items():
        value = values[key]
        if value is None:
            raise RuleError(f"{who}: 「{label}」の{TABLE_CONDITIONS[key]}がありません(基準指数の判定に必要)")
        if value < minimum:
            return False
    return True


_UNITS = {
    "min_days_per_month": "月{}日以上",
    "min_hours_per_day": "1日{}時間以上",
    "min_hours_per_month": "月{}時間以上",
    "min_days_per_week": "週{}日以上",
    "min_hours_per_week": "週{}時間以上",
}


def _describe(row: TableRow) -> str:
    parts = [_UNITS[k].format(f"{v:g}") for k, v in row.conditions.items()]
    return f"({'・'.join(parts)})" if parts else ""


# Keys _Facts.value computes rather than reads from the facts.
_DERIVED = frozenset({
    "single_parent", "age_class", "is_transfer", "reasons", "siblings_applying", "sibling_enrolled_here",
    "sibling_graduating_here",
})


class _Facts:
    """Looks up the facts that adjustment conditions name, for one child."""

    def __init__(self, household: Household, child: Child, siblings_applying: bool, who: str) -> None:
        self.household = household
        self.child = child
        self.siblings_applying = siblings_applying
        self.who = who

    def value(self, key: str, facility_id: str | None, needed_by: str) -> Any:
        if key in _DERIVED:
            if key == "single_parent":
                return self.household.single_parent
            if key == "age_class":
                return self.child.age_class
            if key == "is_transfer":
                return self.child.is_transfer
            if key == "reasons":
                return {g.reason.value for g in self.household.guardians}
            if key == "siblings_applying":
                return self.siblings_applying
            if key == "sibling_graduating_here":
                return facility_id in self.child.sibling_graduating
            return facility_id in self.child.sibling_facilities  # sibling_enrolled_here
        source = self.household.facts if key in HOUSEHOLD_FACTS else self.child.facts
        value = source.get(key)
        if value is None:
            label = HOUSEHOLD_FACTS.get(key) or CHILD_FACTS.get(key) or DERIVED_KEYS.get(key, key)
            raise RuleError(f"{self.who}: 「{label}」がありません(「{needed_by}」の判定に必要)")
        return value

    def holds(self, adj: Adjustment, facility_id: str | None) -> bool:
        # A loop rather than all(<generator>): this runs ~12 times per child (a tenth of the scoring).
        for c in adj.when:  # noqa: SIM110
            if not self._check(c, self.value(c.key, facility_id, adj.label)):
                return False
        return True

    @staticmethod
    def _check(c: Condition, value: Any) -> bool:
        if c.op == "eq":
            return bool(value == c.value)
        if c.op == "min":
            return bool(value >= c.value)
        if c.op == "max":
            return bool(value <= c.value)
        if c.op == "in":
            return value in c.value
        return c.value in value  # contains
