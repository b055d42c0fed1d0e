"""Rules as a list of readable items, and what changed between two versions of a ward's rules.

`rule_items(rules)` flattens Rules into one item per value a clerk reads in the rules workbook (a row of
基準指数, an 調整指数, a step of 同点時の優先順位, …), each with its fields in Japanese and its provenance.
`diff_rules(old, new)` pairs the items of two versions by what they are (a table row by its conditions, an
adjustment by its id, a tie-break step by its key), so that a changed point count shows as one change
(old → new), not as a removed and an added row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from kyodo.hoiku.model.instance import CHILD_FACTS, HOUSEHOLD_FACTS, REASON_LABELS
from kyodo.hoiku.rules.loader import DERIVED_KEYS, TABLE_CONDITIONS, Condition, Dated, Provenance, Rules

INFO, SOURCES, BASE, ADJUSTMENTS, TIE_BREAK = "基本情報", "出典", "基準指数", "調整指数", "同点時の優先順位"
SECTIONS = (INFO, SOURCES, BASE, ADJUSTMENTS, TIE_BREAK)
COMBINE_TEXT: Mapping[str, str] = {
    "sum": "保護者の基準指数の合計",
    "lower_doubled": "低い方の2倍",
    "lower": "低い方",
}
DIRECTION_TEXT: Mapping[str, str] = {"higher": "高い順", "lower": "低い順"}
SCOPE_TEXT: Mapping[str, str] = {"household": "世帯(全施設)", "facility": "施設ごと"}
FACT_LABELS: Mapping[str, str] = {**HOUSEHOLD_FACTS, **CHILD_FACTS, **DERIVED_KEYS}
# The provenance fields a diff compares (who confirmed and when follow the status; the note is staff-only).
COMPARED_PROVENANCE = ("出典", "出典の箇所", "状態")


class Change(StrEnum):
    ADDED = "追加"
    REMOVED = "削除"
    CHANGED = "変更"


@dataclass(frozen=True, slots=True)
class Item:
    """One value of the rules as a clerk reads it. `where` is its place in Rules.values() (None: no provenance)."""

    key: str  # what pairs it with the same item of another version
    section: str
    label: str
    fields: Mapping[str, str]
    where: str | None = None
    provenance: Provenance | None = None

    def compared(self) -> dict[str, str]:
        """The fields a diff compares: the values, then the source and the status."""
        return {**self.fields, **provenance_fields(self.provenance, compared_only=True)}


@dataclass(frozen=True, slots=True)
class FieldChange:
    name: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class ItemChange:
    change: Change
    section: str
    label: str
    fields: tuple[FieldChange, ...] = field(default_factory=tuple)  # for CHANGED: only the fields that differ
    old: Mapping[str, str] | None = None
    new: Mapping[str, str] | None = None


def provenance_fields(p: Provenance | None, *, compared_only: bool = False) -> dict[str, str]:
    if p is None:
        return {}
    found = {
        "出典": p.source.title if p.source else "",
        "出典の箇所": p.section,
        "状態": p.status.value,
        "確認者": p.confirmed_by,
        "確認日": p.confirmed_on,
        "職員メモ": p.note,
    }
    return {k: v for k, v in found.items() if k in COMPARED_PROVENANCE} if compared_only else found


def dated_text(value: Dated | None, unit: str = "点") -> str:
    """「12点」, or 「2018年度から2点、2020年度から0点」 for a value that changes by fiscal year."""
    if value is None:
        return ""
    if len(value.values) == 1 and value.values[0][0] == 0:
        return f"{value.values[0][1]}{unit}"
    return "、".join(f"{year}年度から{v}{unit}" for year, v in value.values)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def conditions_text(conditions: Mapping[str, float]) -> str:
    return "・".join(f"{TABLE_CONDITIONS[k]}{_number(v)}以上" for k, v in conditions.items()) or "条件なし"


def _operand(value: object) -> str:
    if isinstance(value, list | tuple):
        return "・".join(str(v) for v in value)
    return str(value)


def when_text(conditions: tuple[Condition, ...]) -> str:
    """An adjustment's conditions in Japanese, e.g. 「ひとり親世帯」「住民税所得割額(円)が100000以下」."""
    parts = []
    for c in conditions:
        label = FACT_LABELS.get(c.key, c.key)
        if c.op == "eq" and c.value is True:
            parts.append(label)
        elif c.op == "eq" and c.value is False:
            parts.append(f"{label}でない")
        elif c.op == "eq":
            parts.append(f"{label}が{_operand(c.value)}")
        elif c.op == "min":
            parts.append(f"{label}が{_operand(c.value)}以上")
        elif c.op == "max":
            parts.append(f"{label}が{_operand(c.value)}以下")
        elif c.op == "in":
            parts.append(f"{label}が{_operand(c.value)}のいずれか")
        else:
            parts.append(f"{label}に{_operand(c.value)}を含む")
    return "、".join(parts) or "条件なし"


def _info_items(rules: Rules) -> list[Item]:
    missing = "表の最高点" if rules.missing_guardian == "max" else f"{rules.missing_guardian}点"
    items = [
        Item("info:municipality", INFO, "区市町村", {"値": rules.municipality}),
        Item("info:code", INFO, "団体コード", {"値": rules.code}),
        Item("info:title", INFO, "名称", {"値": rules.title}),
        Item(
            "info:household",
            INFO,
            "指数の合算",
            {"値": COMBINE_TEXT[rules.combine], "ひとり親の不存在の保護者": missing},
            "household",
            rules.provenance.get("household", Provenance()),
        ),
    ]
    if rules.choice_limit is not None:
        items.append(
            Item(
                "info:choice_limit",
                INFO,
                "希望数の上限",
                {"値": dated_text(rules.choice_limit, "件")},
                "choice_limit",
                rules.provenance.get("choice_limit", Provenance()),
            )
        )
    return items


def _base_items(rules: Rules) -> list[Item]:
    items: list[Item] = []
    for reason, rule in rules.base.items():
        head = REASON_LABELS.get(reason, rule.label)
        seen: dict[str, int] = {}
        for i, row in enumerate(rule.table):
            text = conditions_text(row.conditions)
            seen[text] = seen.get(text, 0) + 1
            key = f"base:{reason.value}:row:{text}#{seen[text]}"
            fields = {"事由": rule.label, "条件": text, "点数": dated_text(row.points)}
            items.append(
                Item(key, BASE, f"{head} {text}", fields, f"base.{reason.value}.table[{i}]", row.provenance)
            )
        for grade, points in (rule.grades or {}).items():
            provenance = rule.grade_provenance.get(grade, rule.provenance)
            fields = {"事由": rule.label, "程度": grade, "点数": dated_text(points)}
            where = f"base.{reason.value}.grades.{grade}"
            items.append(Item(f"base:{reason.value}:grade:{grade}", BASE, f"{head} {grade}", fields, where, provenance))
        if rule.points is not None:
            fields = {"事由": rule.label, "点数": dated_text(rule.points)}
            where = f"base.{reason.value}.points"
            items.append(Item(f"base:{reason.value}:points", BASE, f"{head}(一律)", fields, where, rule.provenance))
        if rule.otherwise is not None:
            fields = {"事由": rule.label, "点数": dated_text(rule.otherwise)}
            items.append(Item(f"base:{reason.value}:otherwise", BASE, f"{head}(上記以外)", fields))
    return items


def rule_items(rules: Rules) -> list[Item]:
    """Every value of the rules as an item, in the workbook's order of sheets and rows."""
    items = _info_items(rules)
    for s in rules.sources.values():
        fields = {"文書名": s.title, "URL": s.url or "", "第三者資料": "はい" if s.confirm else "いいえ"}
        items.append(Item(f"source:{s.key}", SOURCES, s.key, fields))
    items += _base_items(rules)
    for a in rules.adjustments:
        fields = {
            "項目": a.label,
            "条件": when_text(a.when),
            "範囲": SCOPE_TEXT[a.scope.value],
            "点数": dated_text(a.points),
        }
        items.append(Item(f"adjustment:{a.id}", ADJUSTMENTS, a.label, fields, f"adjustments.{a.id}", a.provenance))
    for year, chain in rules.tie_breaks:  # one chain (year 0), or a chain per fiscal year it applies from
        for i, t in enumerate(chain):
            fields = {"順位": str(i + 1), "基準": t.label, "向き": DIRECTION_TEXT[t.direction]}
            if year:
                fields["適用開始年度"] = str(year)
            key = f"tie:{year}:{t.key}" if year else f"tie:{t.key}"
            items.append(Item(key, TIE_BREAK, t.label, fields, rules.tie_break_where(year or None, i), t.provenance))
    return items


def diff_rules(old: Rules, new: Rules) -> list[ItemChange]:
    """What changed from `old` to `new`, item by item, in the workbook's order (new's order, removed last
    within their section). Empty when the two describe the same values, sources and statuses."""
    before = {i.key: i for i in rule_items(old)}
    after = {i.key: i for i in rule_items(new)}
    found: list[ItemChange] = []
    for key, item in after.items():
        was = before.get(key)
        if was is None:
            found.append(ItemChange(Change.ADDED, item.section, item.label, new=item.compared()))
            continue
        a, b = was.compared(), item.compared()
        fields = tuple(
            FieldChange(name, a.get(name, ""), b.get(name, ""))
            for name in dict.fromkeys([*a, *b])
            if a.get(name, "") != b.get(name, "")
        )
        if fields:
            found.append(ItemChange(Change.CHANGED, item.section, item.label, fields, a, b))
    for key, item in before.items():
        if key not in after:
            found.append(ItemChange(Change.REMOVED, item.section, item.label, old=item.compared()))
    return sorted(found, key=lambda c: SECTIONS.index(c.section))  # stable: the order above within a section
