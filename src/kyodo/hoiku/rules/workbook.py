"""The rules workbook: an Excel file a ward clerk fills in from the ward's official 指数表.

Sheets (each row of a value sheet carries its source, section, status, who confirmed it and when, and a
staff note): 基本情報, 出典, 基準指数, 調整指数, 同点時の優先順位, 例 (example households with their
expected points, run as tests). `export_workbook` writes a Rules (and its cases) as such a workbook;
`kyodo.hoiku.rules.workbook_import.import_workbook` reads one back into the stored YAML form.
The YAML stays the stored, diffable form; export → import gives the same loaded rules and cases.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from kyodo.hoiku.rules.loader import Dated, Provenance, Rules, Scope

PROVENANCE_HEADERS = ("出典", "出典の箇所", "状態", "確認者", "確認日", "職員メモ")
STATUSES = ("確認済み", "要確認")

INFO_SHEET = "基本情報"
INFO_HEADERS = ("項目", "値", *PROVENANCE_HEADERS)
COMBINE_LABELS: Mapping[str, str] = {"sum": "合計", "lower_doubled": "低い方の2倍", "lower": "低い方"}
MISSING_MAX = "最高点"
DOCUMENT_ITEM = "通知書に載せる文書名"  # what residents' letters cite, with each value's 出典の箇所

SOURCE_SHEET = "出典"
SOURCE_HEADERS = ("キー", "文書名", "URL", "第三者資料")

BASE_SHEET = "基準指数"
CONDITION_HEADERS: Mapping[str, str] = {
    "min_days_per_month": "月の日数以上",
    "min_hours_per_day": "1日の時間以上",
    "min_hours_per_month": "月の時間以上",
    "min_days_per_week": "週の日数以上",
    "min_hours_per_week": "週の時間以上",
}
BASE_HEADERS = (
    "事由コード",
    "事由",
    "区分",
    "程度",
    *CONDITION_HEADERS.values(),
    "点数",
    *PROVENANCE_HEADERS,
)
KIND_ROW, KIND_GRADE, KIND_POINTS, KIND_OTHERWISE = "表の行", "程度", "一律", "上記以外"

ADJ_SHEET = "調整指数"
ADJ_HEADERS = ("ID", "項目", "条件", "範囲", "点数", *PROVENANCE_HEADERS)
SCOPE_LABELS: Mapping[Scope, str] = {Scope.HOUSEHOLD: "世帯", Scope.FACILITY: "施設ごと"}

TIE_SHEET = "同点時の優先順位"
TIE_YEAR = (
    "適用開始年度"  # blank: every year; otherwise the chain from that fiscal year on (順位 from 1 again)
)
TIE_HEADERS = (TIE_YEAR, "順位", "キー", "向き", "基準", *PROVENANCE_HEADERS)
OPTIONAL_HEADERS = frozenset(
    {TIE_YEAR, "卒園予定のきょうだいの在園施設"}
)  # workbooks written before it still read
DIRECTION_LABELS: Mapping[str, str] = {"higher": "高い順", "lower": "低い順"}

CASE_SHEET = "例"
GUARDIAN_FIELDS: Mapping[str, str] = {
    "reason": "事由",
    "days_per_month": "月の日数",
    "hours_per_day": "1日の時間",
    "days_per_week": "週の日数",
    "hours_per_week": "週の時間",
    "grade": "程度",
}
CASE_HEADERS = (
    "例の名前",
    "年度",
    *(f"保護者{n} {label}" for n in (1, 2) for label in GUARDIAN_FIELDS.values()),
    "世帯の事実",
    "同時申込のきょうだい",
    "年齢クラス",
    "希望施設",
    "きょうだいの在園施設",
    "在園施設(転園)",
    "卒園予定のきょうだいの在園施設",
    "児童の事実",
    "期待する合計",
    "期待する内訳",
    "期待する施設ごとの指数",
)

SHEETS: Mapping[str, tuple[str, ...]] = {
    INFO_SHEET: INFO_HEADERS,
    SOURCE_SHEET: SOURCE_HEADERS,
    BASE_SHEET: BASE_HEADERS,
    ADJ_SHEET: ADJ_HEADERS,
    TIE_SHEET: TIE_HEADERS,
    CASE_SHEET: CASE_HEADERS,
}

HELP = (
    "この利用調整基準ブックの使い方",
    "各シートの1行が1つの値です。区の公式の指数表を見ながら、値と出典(文書名のキーと箇所、例「別表1 2(1)」)を書きます。",
    "状態は「確認済み」か「要確認」。確認済みには確認者と確認日(2026-04-01 の形)が必要です。職員メモは通知書に載りません。",
    "点数は整数。年度で変わる値は「2018:2, 2020:0」(2018年度から2点、2020年度から0点)のように書きます。",
    "条件・事実・内訳は「single_parent: true, municipal_tax: {max: 100000}」の形(キーは README.md のとおり)。",
    "「例」シートの世帯は取り込みのときに計算され、期待する点数と違えば取り込めません。",
    "同点時の優先順位が年度で変わるときは「適用開始年度」に年度を書き、その年度の順位を 1 から並べます(空欄は全年度)。",
    "「通知書に載せる文書名」と各行の「出典の箇所」だけが住民への通知書に載ります。出典の文書名・URL・職員メモは載りません。",
)


Cell = str | int | float | None


def dated_text(value: Dated) -> Cell:
    """A Dated as a cell: the integer itself, or 「2018:2, 2020:0」."""
    if len(value.values) == 1 and value.values[0][0] == 0:
        return value.values[0][1]
    return ", ".join(f"{year}:{points}" for year, points in value.values)


def flow(mapping: Mapping[str, Any]) -> str:
    """A mapping as the text of a cell: YAML flow style without the braces."""
    if not mapping:
        return ""
    text = yaml.safe_dump(
        dict(mapping), default_flow_style=True, allow_unicode=True, sort_keys=False, width=10**6
    )
    return text.strip()[1:-1]


def _provenance_cells(p: Provenance) -> list[Cell]:
    source = p.source.key if p.source else ""
    return [source, p.section, p.status.value, p.confirmed_by, p.confirmed_on, p.note]


def _info_rows(rules: Rules) -> list[list[Cell]]:
    household = rules.provenance.get("household", Provenance())
    blank: list[Cell] = [""] * len(PROVENANCE_HEADERS)
    missing: Cell = MISSING_MAX if rules.missing_guardian == "max" else rules.missing_guardian
    rows: list[list[Cell]] = [
        ["区市町村", rules.municipality, *blank],
        ["団体コード", rules.code, *blank],
        ["名称", rules.title, *blank],
        [DOCUMENT_ITEM, rules.document, *blank],
    ]
    if rules.version != rules.sha256[:12]:
        rows.append(["版", rules.version, *blank])
    if rules.choice_limit is not None:
        limit = rules.provenance.get("choice_limit", Provenance())
        rows.append(["希望数の上限", dated_text(rules.choice_limit), *_provenance_cells(limit)])
    rows.append(["指数の合算", COMBINE_LABELS[rules.combine], *_provenance_cells(household)])
    rows.append(["ひとり親の不存在の保護者", missing, *blank])
    return rows


def _base_rows(rules: Rules) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    no_conditions: list[Cell] = [""] * len(CONDITION_HEADERS)
    for reason, rule in rules.base.items():
        head: list[Cell] = [reason.value, rule.label]
        for row in rule.table:
            conditions = [_number(row.conditions.get(k)) for k in CONDITION_HEADERS]
            rows.append(
                [*head, KIND_ROW, "", *conditions, dated_text(row.points), *_provenance_cells(row.provenance)]
            )
        for grade, points in (rule.grades or {}).items():
            provenance = rule.grade_provenance.get(grade, rule.provenance)
            rows.append(
                [*head, KIND_GRADE, grade, *no_conditions, dated_text(points), *_provenance_cells(provenance)]
            )
        if rule.points is not None:
            rows.append(
                [
                    *head,
                    KIND_POINTS,
                    "",
                    *no_conditions,
                    dated_text(rule.points),
                    *_provenance_cells(rule.provenance),
                ]
            )
        if rule.otherwise is not None:
            blank: list[Cell] = [""] * len(PROVENANCE_HEADERS)
            rows.append([*head, KIND_OTHERWISE, "", *no_conditions, dated_text(rule.otherwise), *blank])
    return rows


def _number(value: float | None) -> Cell:
    if value is None:
        return ""
    return int(value) if float(value).is_integer() else value


def _adjustment_rows(rules: Rules) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for a in rules.adjustments:
        when = {c.key: (c.value if c.op == "eq" else {c.op: c.value}) for c in a.when}
        scope = SCOPE_LABELS[a.scope]
        rows.append(
            [a.id, a.label, flow(when), scope, dated_text(a.points), *_provenance_cells(a.provenance)]
        )
    return rows


def _tie_rows(rules: Rules) -> list[list[Cell]]:
    return [
        [year or "", i, t.key, DIRECTION_LABELS[t.direction], t.label, *_provenance_cells(t.provenance)]
        for year, chain in rules.tie_breaks
        for i, t in enumerate(chain, start=1)
    ]


def _case_rows(cases: Sequence[Mapping[str, Any]]) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for case in cases:
        given = case.get("input") or {}
        expected = case.get("output") or {}
        guardians = list(given.get("guardians") or [])
        cells: list[Cell] = [case.get("name", ""), case.get("fiscal_year", "")]
        for n in range(2):
            g = guardians[n] if n < len(guardians) else {}
            cells += [g.get(key, "") for key in GUARDIAN_FIELDS]
        child = dict(given.get("child") or {})
        structural = ("age_class", "choices", "sibling_facilities", "current_facility", "sibling_graduating")
        cells += [
            flow(given.get("household") or {}),
            "あり" if given.get("siblings_applying") else "",
            child.get("age_class", ""),
            "、".join(child.get("choices") or []),
            "、".join(child.get("sibling_facilities") or []),
            child.get("current_facility") or "",
            "、".join(child.get("sibling_graduating") or []),
            flow({k: v for k, v in child.items() if k not in structural}),
            expected.get("total", ""),
            flow(expected.get("items") or {}),
            flow(expected.get("at") or {}),
        ]
        rows.append(cells)
    return rows


def workbook_sheets(rules: Rules, cases: Sequence[Mapping[str, Any]]) -> dict[str, list[list[Cell]]]:
    """The data rows of every sheet (without headers), in sheet order."""
    sources: list[list[Cell]] = [
        [s.key, s.title, s.url or "", "はい" if s.confirm else "いいえ"] for s in rules.sources.values()
    ]
    return {
        INFO_SHEET: _info_rows(rules),
        SOURCE_SHEET: sources,
        BASE_SHEET: _base_rows(rules),
        ADJ_SHEET: _adjustment_rows(rules),
        TIE_SHEET: _tie_rows(rules),
        CASE_SHEET: _case_rows(cases),
    }


def export_workbook(rules: Rules, cases: Sequence[Mapping[str, Any]]) -> bytes:
    """The rules workbook as .xlsx bytes (XlsxWriter; text starting with = is written as text)."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    for title, rows in workbook_sheets(rules, cases).items():
        headers = SHEETS[title]
        sheet = book.add_worksheet(title)
        sheet.freeze_panes(1, 0)
        sheet.write_row(0, 0, headers, bold)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if value not in ("", None):
                    sheet.write(r, c, value)
        for c, header in enumerate(headers):
            sheet.set_column(
                c,
                c,
                40 if header in ("名称", "値", "文書名", "条件", "職員メモ", "基準", "項目") else 14,
                wrap,
            )
        for header in ("状態",):
            if header in headers:
                c = headers.index(header)
                sheet.data_validation(
                    1, c, max(len(rows), 1) + 200, c, {"validate": "list", "source": list(STATUSES)}
                )
    notes = book.add_worksheet("使い方")
    for r, line in enumerate(HELP):
        notes.write(r, 0, line)
    notes.set_column(0, 0, 120)
    book.close()
    return buffer.getvalue()
