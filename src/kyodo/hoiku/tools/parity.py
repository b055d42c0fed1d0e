"""Parity with a manual result: how far the engine's result agrees with what staff decided by hand.

Input: the engine's result JSON (`kyodo hoiku allocate --json`, format kyodo.hoiku.result/2) and the manual
result (CSV or XLSX with 児童番号 and 施設番号; a blank 施設番号 is 保留). Output: the agreement (share of
children with the same outcome) and every difference with its cause, in Japanese:
- priority: the manual result placed a child at a facility that a child of higher priority wanted more than
  what that child got (both named, with their points there and the deciding step);
- capacity: the manual result placed more children in a facility's age class than it had places;
- sibling: a child of a household with several applications (siblings placed together or not at all);
- transfer: a transfer application (転園);
- not_chosen: the manual result placed a child at a facility it did not ask for;
- chain: none of the above; the difference follows from the others.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kyodo.problems import InputError, Problem
from kyodo.tables import TableError, header_key, read_table

CAUSES: Mapping[str, str] = {
    "capacity": "募集人数を超える内定",
    "priority": "優先順位の高い児童より先に内定",
    "sibling": "きょうだいの条件",
    "transfer": "転園",
    "not_chosen": "希望していない施設への内定",
    "chain": "他の違いの連鎖",
}
DERIVABLE = {
    "base_points": "base",
    "adjustment_points": "adjustment",
    "lower_guardian_points": "lower_guardian",
}


@dataclass(frozen=True, slots=True)
class Difference:
    child_id: str
    engine: str | None
    manual: str | None
    cause: str
    text: str
    other_child_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "child_id": self.child_id,
            "engine": self.engine,
            "manual": self.manual,
            "cause": self.cause,
            "cause_label": CAUSES[self.cause],
            "text": self.text,
            "other_child_id": self.other_child_id,
        }


@dataclass(frozen=True, slots=True)
class Parity:
    children: int
    same: int
    differences: tuple[Difference, ...] = field(default_factory=tuple)

    @property
    def share(self) -> float:
        return self.same / self.children if self.children else 1.0

    def by_cause(self) -> dict[str, int]:
        counts = {cause: 0 for cause in CAUSES}
        for d in self.differences:
            counts[d.cause] += 1
        return {c: n for c, n in counts.items() if n}

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "kyodo.hoiku.parity/1",
            "children": self.children,
            "same": self.same,
            "agreement": round(self.share, 6),
            "by_cause": {CAUSES[c]: n for c, n in self.by_cause().items()},
            "differences": [d.to_dict() for d in self.differences],
        }


def read_result(path: Path) -> dict[str, Any]:
    """The engine's result JSON, checked for the fields parity uses."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError([Problem(f"結果の JSON として読めません({exc})", file=path.name)]) from exc
    if not isinstance(data, dict) or not str(data.get("format", "")).startswith("kyodo.hoiku.result/"):
        raise InputError(
            [Problem("kyodo hoiku allocate --json の結果ファイルではありません", file=path.name)]
        )
    return data


def read_manual(
    path: Path | bytes, result: Mapping[str, Any], *, name: str | None = None
) -> dict[str, str | None]:
    """{児童番号: 施設番号 or None} from the manual result (a path, or an upload's bytes under `name`);
    every child of the result must appear once."""
    try:
        table = read_table(path, name=name)
    except TableError as exc:
        raise InputError([exc.problem]) from exc
    keys = {header_key(h): i for i, h in enumerate(table.headers)}
    problems = [
        Problem(f"「{h}」列がありません", file=table.file)
        for h in ("児童番号", "施設番号")
        if header_key(h) not in keys
    ]
    if problems:
        raise InputError(problems)
    children, facilities = result["children"], result["facilities"]
    manual: dict[str, str | None] = {}
    for row, cells in table.rows:
        cid, fid = cells[keys["児童番号"]].strip(), cells[keys["施設番号"]].strip()
        if cid not in children:
            problems.append(Problem(f"児童番号「{cid}」は結果にありません", table.file, row, "児童番号"))
        elif cid in manual:
            problems.append(Problem(f"児童番号「{cid}」が2回あります", table.file, row, "児童番号"))
        if fid and fid not in facilities:
            problems.append(Problem(f"施設番号「{fid}」は結果にありません", table.file, row, "施設番号"))
        manual[cid] = fid or None
    missing = [cid for cid in children if cid not in manual]
    if missing:
        shown = "、".join(missing[:5]) + (f" ほか{len(missing) - 5}人" if len(missing) > 5 else "")
        problems.append(Problem(f"結果の児童{len(missing)}人が手作業の結果にありません({shown})", table.file))
    if problems:
        raise InputError(problems)
    return manual


class _Compare:
    def __init__(
        self, result: Mapping[str, Any], manual: Mapping[str, str | None], tie_break: list[Any]
    ) -> None:
        self.children: Mapping[str, Any] = result["children"]
        self.facilities: Mapping[str, Any] = result["facilities"]
        self.engine: Mapping[str, str | None] = {c: v["assigned"] for c, v in self.children.items()}
        self.manual = manual
        self.tie_break = tie_break
        self.households: dict[str, list[str]] = {}
        for cid, c in self.children.items():
            self.households.setdefault(c["household_id"], []).append(cid)

    def name(self, fid: str | None) -> str:
        return f"{self.facilities[fid]['name']}({fid})" if fid else "保留"

    def points(self, cid: str, fid: str) -> int | None:
        p = self.children[cid].get("points")
        return None if p is None else p["at"].get(fid, p["total"])

    def rank(self, cid: str, fid: str | None) -> int:
        """Where fid stands in the child's wishes (0 = first); staying or 保留 comes after every wish."""
        c = self.children[cid]
        if fid is None or fid == c["current_facility"]:
            return len(c["choices"])
        return c["choices"].index(fid) if fid in c["choices"] else len(c["choices"]) + 1

    def higher(self, a: str, b: str, fid: str) -> str | None:
        """The step by which `a` comes before `b` at fid, or None when it does not (or cannot be told)."""
        pa, pb = self.points(a, fid), self.points(b, fid)
        if pa is None or pb is None or pa != pb:
            return "指数" if pa is not None and pb is not None and pa > pb else None
        ca, cb = self.children[a]["points"], self.children[b]["points"]
        for step in self.tie_break:
            if step.key in DERIVABLE:
                va, vb = ca[DERIVABLE[step.key]], cb[DERIVABLE[step.key]]
            elif step.key == "choice_rank":
                va, vb = -self.rank(a, fid), -self.rank(b, fid)
            else:
                return None  # decided by a fact the result file does not carry
            if va != vb:
                wins = va > vb if step.direction == "higher" else va < vb
                return f"同点時の優先順位「{step.label}」" if wins else None
        return None

    def capacity(self) -> dict[tuple[str, int], int]:
        """Cells the manual result fills beyond their places (vacancies plus seats its transfers free)."""
        counts: dict[tuple[str, int], int] = {}
        freed: dict[tuple[str, int], int] = {}
        for cid, fid in self.manual.items():
            age, current = self.children[cid]["age_class"], self.children[cid]["current_facility"]
            if fid is not None and fid != current:
                counts[(fid, age)] = counts.get((fid, age), 0) + 1
                if current:
                    freed[(current, age)] = freed.get((current, age), 0) + 1
        over = {}
        for (fid, age), n in counts.items():
            places = int(self.facilities[fid]["vacancies"].get(str(age), 0)) + freed.get((fid, age), 0)
            if n > places:
                over[(fid, age)] = places
        return over

    def inversions(self) -> dict[str, Difference]:
        """Pairs (higher H, lower L, facility f): the manual result placed L at f; H wanted f more than what it got."""
        found: dict[str, Difference] = {}
        for low, fid in self.manual.items():
            if fid is None or self.engine[low] == fid:
                continue
            age = self.children[low]["age_class"]
            candidates = []
            for high, c in self.children.items():
                if c["age_class"] != age or fid not in c["choices"] or high == low:
                    continue
                if self.rank(high, fid) >= self.rank(high, self.manual[high]):
                    continue
                step = self.higher(high, low, fid)
                if step is not None:
                    # one whose own outcome differs (and is not yet explained) explains two differences
                    unexplained = self.engine[high] != self.manual[high] and high not in found
                    candidates.append((not unexplained, high, step))
            if candidates:
                _, high, step = min(candidates, key=lambda t: t[0])
                text = (
                    f"手作業の結果は{self.name(fid)}({age}歳児)に児童{low}({self.points(low, fid)}点)を内定しましたが、"
                    f"より優先順位の高い児童{high}({self.points(high, fid)}点)がこの施設を希望していました"
                    f"(児童{high}の手作業の結果は{self.name(self.manual[high])}。決め手: {step})"
                )
                for cid, other in ((low, high), (high, low)):
                    if self.engine[cid] != self.manual[cid]:
                        found.setdefault(
                            cid, Difference(cid, self.engine[cid], self.manual[cid], "priority", text, other)
                        )
        return found

    def run(self) -> Parity:
        over = self.capacity()
        inverted = self.inversions()
        differences = []
        for cid, c in self.children.items():
            e, m = self.engine[cid], self.manual[cid]
            if e == m:
                continue
            differences.append(self._classify(cid, c, e, m, over, inverted))
        same = len(self.children) - len(differences)
        order = list(CAUSES)
        differences.sort(key=lambda d: order.index(d.cause))  # grouped by cause, in the children's order
        return Parity(len(self.children), same, tuple(differences))

    def _classify(
        self,
        cid: str,
        c: Mapping[str, Any],
        e: str | None,
        m: str | None,
        over: Mapping[tuple[str, int], int],
        inverted: Mapping[str, Difference],
    ) -> Difference:
        head = f"児童{cid}: 自動は{self.name(e)}、手作業は{self.name(m)}"
        if m is not None and (m, c["age_class"]) in over:
            places = over[(m, c["age_class"])]
            return Difference(
                cid,
                e,
                m,
                "capacity",
                f"{head}。手作業の結果は{self.name(m)}({c['age_class']}歳児)に受け入れられる{places}人(募集人数と転園で空く席)を超えて内定しています",
            )
        if m is not None and m not in c["choices"] and m != c["current_facility"]:
            return Difference(cid, e, m, "not_chosen", f"{head}。{self.name(m)}は希望施設にありません")
        if cid in inverted:
            return inverted[cid]
        if c["current_facility"]:
            return Difference(
                cid,
                e,
                m,
                "transfer",
                f"{head}。転園申込(在園施設 {self.name(c['current_facility'])})の扱いが違います",
            )
        siblings = [s for s in self.households[c["household_id"]] if s != cid]
        if siblings:
            apart = "、".join(
                f"児童{s}(自動 {self.name(self.engine[s])}、手作業 {self.name(self.manual[s])})"
                for s in siblings
            )
            return Difference(
                cid, e, m, "sibling", f"{head}。同時に申し込んだきょうだい {apart} の条件による違いです"
            )
        return Difference(cid, e, m, "chain", f"{head}。ほかの児童の結果の違いから連鎖した違いです")


def parity(
    result: Mapping[str, Any], manual: Mapping[str, str | None], tie_break: list[Any] | None = None
) -> Parity:
    """Compare; `tie_break` is the rules' chain (kyodo.hoiku.rules.TieBreak), for naming the deciding step."""
    return _Compare(result, manual, list(tie_break or [])).run()


def tie_break_of(result: Mapping[str, Any]) -> list[Any]:
    """The tie-break chain of the rules the result names, for its fiscal year (empty when the rules cannot be found)."""
    from kyodo.hoiku.model.errors import RuleError
    from kyodo.hoiku.rules import load_rules

    name = (result.get("run") or {}).get("rules_name")
    if not name:
        return []
    try:
        return list(load_rules(name).tie_break_at(result.get("fiscal_year")))
    except RuleError:
        return []


def parity_xlsx_bytes(report: Parity) -> bytes:
    """Two sheets: 概要 (agreement, counts by cause) and 違い (every difference)."""
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    book = xlsxwriter.Workbook(buffer, options)
    bold = book.add_format({"bold": True})
    summary = book.add_worksheet("概要")
    rows: list[tuple[str, object]] = [
        ("児童数", report.children),
        ("結果が同じ児童", report.same),
        ("一致率", f"{report.share:.1%}"),
        *((f"違い: {CAUSES[c]}", n) for c, n in report.by_cause().items()),
    ]
    for r, (label, value) in enumerate(rows):
        summary.write(r, 0, label, bold)
        summary.write(r, 1, value)
    summary.set_column(0, 0, 36)
    sheet = book.add_worksheet("違い")
    headers = ("原因", "児童番号", "自動の結果", "手作業の結果", "相手の児童番号", "理由")
    sheet.write_row(0, 0, headers, bold)
    sheet.freeze_panes(1, 0)
    for r, d in enumerate(report.differences, start=1):
        cells = (
            CAUSES[d.cause],
            d.child_id,
            d.engine or "保留",
            d.manual or "保留",
            d.other_child_id or "",
            d.text,
        )
        sheet.write_row(r, 0, cells)
    sheet.set_column(5, 5, 120)
    book.close()
    return buffer.getvalue()


def register_parity(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("parity", help="手作業の利用調整の結果と自動の結果を比べ、一致率と違いの理由を示す")
    p.add_argument("result", type=Path, help="kyodo hoiku allocate --json の結果")
    p.add_argument("manual", type=Path, help="手作業の結果(.csv / .xlsx: 児童番号・施設番号。空欄は保留)")
    p.add_argument("--json", type=Path, help="比較結果の JSON")
    p.add_argument("-o", "--output", type=Path, help="比較結果のブック(.xlsx)")
    p.set_defaults(handler=parity_command)


def parity_command(args: argparse.Namespace) -> int:
    from kyodo.tables import write_all

    for path, suffix in ((args.json, ".json"), (args.output, ".xlsx")):
        if path is not None and path.suffix.lower() != suffix:
            print(
                f"エラー: {path} の拡張子は {suffix} にしてください(何も書き出していません)", file=sys.stderr
            )
            return 1
    try:
        result = read_result(args.result)
        report = parity(result, read_manual(args.manual, result), tie_break_of(result))
    except InputError as exc:
        print("エラー: 次の問題があるため、処理を中止しました(何も書き出していません)。", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(f"一致率 {report.share:.1%}(児童{report.children}人のうち{report.same}人が同じ結果)")
    for cause, n in report.by_cause().items():
        print(f"  {CAUSES[cause]}: {n}人")
    text = json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n"
    writers = {}
    if args.json:
        writers[args.json] = lambda p: p.write_text(text, encoding="utf-8")
    if args.output:
        book = parity_xlsx_bytes(report)
        writers[args.output] = lambda p: p.write_bytes(book)
    write_all(writers)  # both or neither
    return 0
