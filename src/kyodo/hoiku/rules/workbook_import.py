"""Read a rules workbook (see workbook.py) back into the stored YAML form, checking every cell.

Every problem names the sheet, the row and the column, in Japanese; nothing is returned unless the whole
workbook is valid, the rules load, and every example household gets its expected points.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import yaml

from kyodo.hoiku.model.errors import RuleError
from kyodo.hoiku.model.instance import REASON_LABELS, Reason
from kyodo.hoiku.rules.cases import case_mismatches
from kyodo.hoiku.rules.loader import CONDITION_KEYS, TIE_BREAK_KEYS, Rules, parse_rules
from kyodo.hoiku.rules.workbook import (
    ADJ_SHEET,
    BASE_SHEET,
    CASE_SHEET,
    COMBINE_LABELS,
    CONDITION_HEADERS,
    DIRECTION_LABELS,
    DOCUMENT_ITEM,
    GUARDIAN_FIELDS,
    INFO_SHEET,
    KIND_GRADE,
    KIND_OTHERWISE,
    KIND_POINTS,
    KIND_ROW,
    MISSING_MAX,
    OPTIONAL_HEADERS,
    SCOPE_LABELS,
    SHEETS,
    SOURCE_SHEET,
    STATUSES,
    TIE_SHEET,
    TIE_YEAR,
)
from kyodo.problems import InputError, Problem
from kyodo.tables import Table, TableError, header_key, read_table

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATED_PART = re.compile(r"^\s*(\d{4})\s*[::]\s*(-?\d+)\s*$")
_LIST_SEP = re.compile(r"[、,,\s]+")


class _Sheet:
    """One sheet's rows, with cell readers that record problems (sheet, row, column) instead of raising."""

    def __init__(self, table: Table, file: str, title: str, problems: list[Problem]) -> None:
        self.file = f"{file} シート「{title}」"
        self.index = {header_key(h): i for i, h in enumerate(table.headers)}
        self.rows = table.rows
        self.problems = problems

    def fail(self, row: int, column: str | None, message: str) -> None:
        self.problems.append(Problem(message, file=self.file, row=row, column=column))

    def text(self, row: int, cells: list[str], column: str, *, required: bool = False) -> str:
        i = self.index.get(header_key(column))
        value = "" if i is None else cells[i].strip()  # an optional column the workbook lacks is blank
        if required and not value:
            self.fail(row, column, "値がありません")
        return value

    def integer(self, row: int, cells: list[str], column: str, *, required: bool = False) -> int | None:
        text = self.text(row, cells, column, required=required)
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            self.fail(row, column, f"「{text}」は整数ではありません")
            return None

    def number(self, row: int, cells: list[str], column: str) -> int | float | None:
        text = self.text(row, cells, column)
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            self.fail(row, column, f"「{text}」は数値ではありません")
            return None
        return int(value) if value.is_integer() else value

    def dated(self, row: int, cells: list[str], column: str) -> int | dict[int, int] | None:
        """「20」or「2018:2, 2020:0」(from fiscal year 2018, 2; from 2020, 0)."""
        text = self.text(row, cells, column, required=True)
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            pass
        pairs: dict[int, int] = {}
        for part in re.split(r"[、,,]", text):
            match = _DATED_PART.match(part)
            if match is None:
                self.fail(
                    row, column, f"「{text}」は点数(整数)か「2018:2, 2020:0」(年度:点数)の形ではありません"
                )
                return None
            pairs[int(match[1])] = int(match[2])
        return pairs

    def choice(self, row: int, cells: list[str], column: str, labels: Mapping[str, str]) -> str | None:
        text = self.text(row, cells, column, required=True)
        for key, label in labels.items():
            if text in (key, label):
                return key
        if text:
            self.fail(row, column, f"「{text}」は使えません(使えるもの: {'、'.join(labels.values())})")
        return None

    def mapping(
        self, row: int, cells: list[str], column: str, *, required: bool = False
    ) -> dict[str, Any] | None:
        text = self.text(row, cells, column, required=required)
        if not text:
            return {} if not required else None
        try:
            value = yaml.safe_load("{" + text + "}")
        except yaml.YAMLError:
            value = None
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and v is not None for k, v in value.items()
        ):
            self.fail(row, column, f"「{text}」は「キー: 値, キー: 値」の形ではありません")
            return None
        return value

    def provenance(self, row: int, cells: list[str], sources: Mapping[str, Any]) -> dict[str, Any]:
        """The six provenance cells as the YAML keys, each written out (so that nothing is inherited)."""
        source = self.text(row, cells, "出典")
        if source and source not in sources:
            self.fail(row, "出典", f"出典のキー「{source}」が「出典」シートにありません")
        status = self.text(row, cells, "状態") or "要確認"
        if status not in STATUSES:
            self.fail(row, "状態", f"「{status}」は使えません(確認済み または 要確認)")
        by, on = self.text(row, cells, "確認者"), self.text(row, cells, "確認日")
        if on and not _ISO_DATE.match(on):
            self.fail(row, "確認日", f"「{on}」は日付(2026-04-01 の形)ではありません")
        if status == "確認済み":
            for column, value in (("確認者", by), ("確認日", on)):
                if not value:
                    self.fail(row, column, "確認済みの値には確認者と確認日が必要です")
        section, note = self.text(row, cells, "出典の箇所"), self.text(row, cells, "職員メモ")
        return {
            "source": source or None,
            "section": section,
            "status": status,
            "confirmed_by": by,
            "confirmed_on": on,
            "note": note,
        }

    def blank_provenance(self, row: int, cells: list[str], why: str) -> None:
        for column in ("出典", "出典の箇所", "状態", "確認者", "確認日", "職員メモ"):
            if self.text(row, cells, column):
                self.fail(row, column, why)
                return


def _read_sheets(data: bytes, file: str, problems: list[Problem]) -> dict[str, _Sheet]:
    sheets: dict[str, _Sheet] = {}
    for title, headers in SHEETS.items():
        wanted = {header_key(h) for h in headers if h not in OPTIONAL_HEADERS}

        def accept(row: Any, wanted: set[str] = wanted) -> bool:
            return wanted <= {header_key(str(c)) for c in row}

        try:
            table = read_table(data, accept, name=file)
        except TableError as exc:
            raise InputError([exc.problem]) from exc
        found = {header_key(h) for h in table.headers}
        missing = [h for h in headers if header_key(h) not in found and h not in OPTIONAL_HEADERS]
        if missing:
            problems.append(
                Problem(f"シート「{title}」がありません(見出しに {'・'.join(missing)} が必要です)", file=file)
            )
            continue
        sheets[title] = _Sheet(table, file, title, problems)
    if problems:
        raise InputError(problems)
    return sheets


def _sources(s: _Sheet) -> dict[str, Any]:
    sources: dict[str, Any] = {}
    for row, cells in s.rows:
        key = s.text(row, cells, "キー", required=True)
        if key in sources:
            s.fail(row, "キー", f"キー「{key}」が重複しています")
        third = s.choice(row, cells, "第三者資料", {"yes": "はい", "no": "いいえ"})
        entry: dict[str, Any] = {"title": s.text(row, cells, "文書名", required=True)}
        url = s.text(row, cells, "URL")
        if url:
            entry["url"] = url
        entry["confirm"] = third == "yes"
        sources[key] = entry
    return sources


def _info(s: _Sheet, sources: Mapping[str, Any], doc: dict[str, Any]) -> None:
    seen: dict[str, int] = {}
    household: dict[str, Any] = {}
    for row, cells in s.rows:
        item = s.text(row, cells, "項目", required=True)
        if item in seen:
            s.fail(row, "項目", f"「{item}」が{seen[item]}行目と重複しています")
        seen[item] = row
        if item in ("区市町村", "団体コード", "名称", "版", DOCUMENT_ITEM):
            s.blank_provenance(row, cells, f"「{item}」の行には出典を書きません")
            key = {
                "区市町村": "municipality",
                "団体コード": "code",
                "名称": "title",
                "版": "version",
                DOCUMENT_ITEM: "document",
            }[item]
            doc[key] = s.text(row, cells, "値", required=item == "区市町村")
        elif item == "希望数の上限":
            doc["choice_limit"] = {"value": s.dated(row, cells, "値"), **s.provenance(row, cells, sources)}
        elif item == "指数の合算":
            household["combine"] = s.choice(row, cells, "値", COMBINE_LABELS)
            household.update(s.provenance(row, cells, sources))
        elif item == "ひとり親の不存在の保護者":
            s.blank_provenance(row, cells, "この値の出典は「指数の合算」の行に書きます")
            value = s.text(row, cells, "値", required=True)
            household["missing_guardian"] = "max" if value == MISSING_MAX else s.integer(row, cells, "値")
        elif item:
            s.fail(row, "項目", f"未知の項目「{item}」です")
    if "区市町村" not in seen:
        s.problems.append(Problem("「区市町村」の行がありません", file=s.file))
    doc["household"] = household


def _reason(s: _Sheet, row: int, cells: list[str]) -> Reason | None:
    text = s.text(row, cells, "事由コード", required=True)
    for reason in Reason:
        if text in (reason.value, REASON_LABELS[reason]):
            return reason
    if text:
        s.fail(
            row,
            "事由コード",
            f"未知の事由コード「{text}」です(使えるもの: {'、'.join(r.value for r in Reason)})",
        )
    return None


def _base(s: _Sheet, sources: Mapping[str, Any]) -> dict[str, Any]:
    base: dict[str, dict[str, Any]] = {}
    kinds = {KIND_ROW: "row", KIND_GRADE: "grade", KIND_POINTS: "points", KIND_OTHERWISE: "otherwise"}
    for row, cells in s.rows:
        reason = _reason(s, row, cells)
        kind = s.choice(row, cells, "区分", {v: k for k, v in kinds.items()})
        points = s.dated(row, cells, "点数")
        if reason is None or kind is None or points is None:
            continue
        label = s.text(row, cells, "事由", required=True)
        spec = base.setdefault(reason.value, {"label": label})
        if label and label != spec["label"]:
            s.fail(row, "事由", f"同じ事由コードの行で事由の名前が違います(「{spec['label']}」)")
        if kind == "otherwise":
            s.blank_provenance(row, cells, "「上記以外」の行には出典を書きません(事由の最初の行に書きます)")
            _set_once(s, row, spec, "otherwise", points)
            continue
        provenance = s.provenance(row, cells, sources)
        first = spec.setdefault("_provenance", provenance)
        override = {} if provenance == first else provenance
        if kind == "row":
            conditions = {k: s.number(row, cells, h) for k, h in CONDITION_HEADERS.items()}
            spec.setdefault("table", []).append(
                {**{k: v for k, v in conditions.items() if v is not None}, "points": points, **override}
            )
        elif kind == "grade":
            grade = s.text(row, cells, "程度", required=True)
            grades = spec.setdefault("grades", {})
            if grade in grades:
                s.fail(row, "程度", f"程度「{grade}」が重複しています")
            grades[grade] = {"points": points, **override} if override else points
        else:
            _set_once(s, row, spec, "points", points)
        present = [k for k in ("table", "grades", "points") if k in spec]
        if len(present) > 1:
            s.fail(row, "区分", "1つの事由には「表の行」「程度」「一律」のどれか1種類だけを書きます")
    for spec in base.values():
        spec.update(spec.pop("_provenance", {}))
    return base


def _set_once(s: _Sheet, row: int, spec: dict[str, Any], key: str, value: Any) -> None:
    if key in spec:
        s.fail(row, "区分", "この区分の行は1つの事由に1行だけです")
    spec[key] = value


def _adjustments(s: _Sheet, sources: Mapping[str, Any]) -> list[dict[str, Any]]:
    found = []
    for row, cells in s.rows:
        scope = s.choice(row, cells, "範囲", {k.value: v for k, v in SCOPE_LABELS.items()})
        when = s.mapping(row, cells, "条件", required=True)
        for key in sorted(set(when or {}) - CONDITION_KEYS):
            s.fail(row, "条件", f"未知のキー「{key}」です(使えるキーは README.md のとおり)")
        found.append(
            {
                "id": s.text(row, cells, "ID", required=True),
                "label": s.text(row, cells, "項目", required=True),
                "when": when,
                "scope": scope,
                "points": s.dated(row, cells, "点数"),
                **s.provenance(row, cells, sources),
            }
        )
    return found


def _tie_break(
    s: _Sheet, sources: Mapping[str, Any]
) -> list[dict[str, Any]] | dict[int, list[dict[str, Any]]]:
    """One list, or {from_year: list} when rows name 適用開始年度 (each year's 順位 from 1)."""
    chains: dict[int, list[dict[str, Any]]] = {}
    for row, cells in s.rows:
        year = s.integer(row, cells, TIE_YEAR) or 0
        if year and not 1900 <= year <= 2100:
            s.fail(row, TIE_YEAR, f"「{year}」は年度(2026 のような西暦)ではありません")
        if chains and (year in chains) != (year == list(chains)[-1]):
            s.fail(row, TIE_YEAR, "同じ適用開始年度の行は続けて書いてください")
        if year < max(chains, default=0):
            s.fail(row, TIE_YEAR, "適用開始年度は古い順に書いてください")
        chain = chains.setdefault(year, [])
        n = len(chain) + 1
        if s.integer(row, cells, "順位", required=True) not in (n, None):
            s.fail(row, "順位", f"順位は上から 1, 2, 3 … と続けてください(この行は {n})")
        key = s.text(row, cells, "キー", required=True)
        if key and key not in TIE_BREAK_KEYS:
            s.fail(row, "キー", f"未知のキー「{key}」です(使えるもの: {'、'.join(sorted(TIE_BREAK_KEYS))})")
        if key and any(t["key"] == key for t in chain):
            s.fail(row, "キー", f"キー「{key}」がこの年度の優先順位に2回あります")
        chain.append(
            {
                "key": key,
                "direction": s.choice(row, cells, "向き", DIRECTION_LABELS),
                "label": s.text(row, cells, "基準", required=True),
                **s.provenance(row, cells, sources),
            }
        )
    if set(chains) <= {0}:
        return chains.get(0, [])
    if 0 in chains:
        s.problems.append(
            Problem(
                "適用開始年度を書く行と書かない行が混ざっています(年度で変わるなら全行に書きます)",
                file=s.file,
            )
        )
    return chains


def _cases(s: _Sheet) -> list[tuple[int, dict[str, Any]]]:
    found = []
    for row, cells in s.rows:
        guardians = []
        for n in (1, 2):
            g: dict[str, Any] = {}
            for key, label in GUARDIAN_FIELDS.items():
                column = f"保護者{n} {label}"
                reader: Callable[..., Any] = s.text if key in ("reason", "grade") else s.number
                value = reader(row, cells, column)
                if value not in ("", None):
                    g[key] = value
            if g:
                guardians.append(g)
        child: dict[str, Any] = {"age_class": s.integer(row, cells, "年齢クラス", required=True)}
        for key, column in (
            ("choices", "希望施設"),
            ("sibling_facilities", "きょうだいの在園施設"),
            ("sibling_graduating", "卒園予定のきょうだいの在園施設"),
        ):
            text = s.text(row, cells, column)
            if text:
                child[key] = [part for part in _LIST_SEP.split(text) if part]
        current = s.text(row, cells, "在園施設(転園)")
        if current:
            child["current_facility"] = current
        child.update(s.mapping(row, cells, "児童の事実") or {})
        given: dict[str, Any] = {
            "guardians": guardians,
            "household": s.mapping(row, cells, "世帯の事実") or {},
            "child": child,
        }
        if s.text(row, cells, "同時申込のきょうだい") in ("あり", "はい", "1"):
            given["siblings_applying"] = True
        output: dict[str, Any] = {"total": s.integer(row, cells, "期待する合計", required=True)}
        for key, column in (("items", "期待する内訳"), ("at", "期待する施設ごとの指数")):
            value = s.mapping(row, cells, column)
            if value:
                output[key] = value
        case = {
            "name": s.text(row, cells, "例の名前", required=True),
            "fiscal_year": s.integer(row, cells, "年度", required=True),
            "input": given,
            "output": output,
        }
        found.append((row, case))
    return found


def import_workbook(data: bytes, file: str) -> tuple[dict[str, Any], list[dict[str, Any]], Rules]:
    """(rules document, example cases, the loaded rules) from a workbook's bytes. Raises InputError."""
    problems: list[Problem] = []
    sheets = _read_sheets(data, file, problems)
    sources = _sources(sheets[SOURCE_SHEET])
    doc: dict[str, Any] = {}
    _info(sheets[INFO_SHEET], sources, doc)
    doc["sources"] = sources
    doc["base"] = _base(sheets[BASE_SHEET], sources)
    doc["adjustments"] = _adjustments(sheets[ADJ_SHEET], sources)
    doc["tie_break"] = _tie_break(sheets[TIE_SHEET], sources)
    cases = _cases(sheets[CASE_SHEET])
    if problems:
        raise InputError(problems)
    try:
        rules = parse_rules(doc, name=file.rsplit(".", 1)[0], file_name=file)
    except RuleError as exc:
        raise InputError([Problem(f"基準として読めません({exc})", file=file)]) from exc
    case_sheet = sheets[CASE_SHEET]
    for row, case in cases:
        for message in case_mismatches(rules, case):
            case_sheet.fail(row, "期待する合計", f"例「{case['name']}」: {message}")
    if problems:
        raise InputError(problems)
    return doc, [case for _, case in cases], rules


def dump_yaml(data: Any, heading: str) -> str:
    """YAML text for a rules or cases document, with a heading comment."""
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120, default_flow_style=None)
    return f"# {heading}\n{body}"
