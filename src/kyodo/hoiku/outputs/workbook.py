"""The staff workbook (XLSX, Japanese), written with XlsxWriter from an Outcome.

    write_workbook(outcome, Path("result.xlsx"))   # 概要 / 施設別集計 / 最低指数 / one sheet per facility / 保留 / 要確認 / 検査結果
    workbook_bytes(outcome)                        # the same workbook in memory (the web stores it)

Only formatting: every count, cut-off, status and label is read off the Outcome. Text cells are always
written as strings, so a value beginning with = + - @ stays text and never becomes a formula.
Rows are written in order, so XlsxWriter's constant-memory mode works for very large wards.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from kyodo.hoiku.model.instance import AGE_CLASSES, Child
from kyodo.hoiku.model.labels import RECORD_LABELS, method_label, rules_label
from kyodo.hoiku.model.result import Status
from kyodo.hoiku.outcome import Outcome
from kyodo.tables import write_all

SUMMARY_SHEET = "概要"
BY_FACILITY_SHEET = "施設別集計"
WAITLIST_SHEET = "保留"
FLAGS_SHEET = "要確認"
CUTOFF_SHEET = "最低指数"
CHECK_SHEET = "検査結果"
RESERVED = (SUMMARY_SHEET, BY_FACILITY_SHEET, CUTOFF_SHEET, WAITLIST_SHEET, FLAGS_SHEET, CHECK_SHEET)
CUTOFF_LEGEND = (
    "数字: 内定した方の最低指数 / 空有: 空きあり / ―: 内定なし(募集なし) / 空欄: その年齢クラスなし"
)
FACILITY_HEADER = ("年齢クラス", "順位", "児童番号", "世帯番号", "指数", "希望順位", "結果", "転園")
SUMMARY_HEADER = (
    "年齢クラス",
    "申込者数",
    *(s.label for s in Status),
    "うち転園申込",
    "募集人数",
    "残り枠",
)
BY_FACILITY_HEADER = (
    "施設番号",
    "施設名",
    "種別",
    "年齢クラス",
    "募集人数",
    "申込者数",
    "内定",
    "転園内定",
    "在園継続",
    "最低指数",
    "残り枠",
)

_SHEET_BAD_CHARS = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31
CONSTANT_MEMORY_FROM = 20_000  # children
CREATED = datetime(2000, 1, 1, tzinfo=UTC)
_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def sheet_names(labels: Iterable[str], reserved: Iterable[str] = ()) -> list[str]:
    """Excel sheet names for labels: no []:*?/\\, at most 31 characters, unique ignoring case."""
    taken = {r.casefold() for r in reserved}
    names = []
    for label in labels:
        base = _SHEET_BAD_CHARS.sub("_", label).strip("'") or "施設"
        name = base[:SHEET_NAME_MAX]
        n = 2
        while name.casefold() in taken:
            suffix = f"({n})"
            name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
            n += 1
        taken.add(name.casefold())
        names.append(name)
    return names


class _Sheet:
    """Rows appended in order; strings always as strings, numbers as numbers, blanks left empty."""

    def __init__(self, workbook: Any, name: str, header: Sequence[str], widths: Sequence[int] = ()) -> None:
        self.sheet = workbook.add_worksheet(name)
        self.row = 0
        for i, width in enumerate(widths):
            self.sheet.set_column(i, i, width)
        self.sheet.freeze_panes(1, 0)
        bold = workbook.add_format({"bold": True})
        for col, text in enumerate(header):
            self.sheet.write_string(0, col, text, bold)
        self.row = 1

    def append(self, values: Sequence[object]) -> None:
        # The innermost loop of the workbook (~90,000 cells at 8,000 children): exact types first.
        row, sheet = self.row, self.sheet
        write_string, write_number = sheet.write_string, sheet.write_number
        for col, value in enumerate(values):
            kind = type(value)
            if kind is str:
                if value:
                    write_string(row, col, value)
            elif kind is int or kind is float:
                write_number(row, col, value)
            elif value is None:
                continue
            elif isinstance(value, bool):
                sheet.write_boolean(row, col, value)
            elif isinstance(value, (int, float)):
                write_number(row, col, value)
            elif value != "":
                write_string(row, col, str(value))
        self.row = row + 1


def write_workbook(outcome: Outcome, path: Path) -> None:
    """The staff workbook at `path`, all or nothing (a temporary file renamed into place)."""
    write_all({Path(path): lambda tmp: write_workbook_to(outcome, tmp)})


def workbook_bytes(outcome: Outcome) -> bytes:
    buffer = io.BytesIO()
    write_workbook_to(outcome, buffer)
    return buffer.getvalue()


def write_workbook_to(outcome: Outcome, target: Path | io.BytesIO) -> None:
    """Write the workbook to a file or a buffer (constant-memory mode for a file of a very large ward)."""
    options = dict(_OPTIONS)
    # constant_memory streams each sheet through its own temporary file: worth it only for very large
    # wards (a sheet per facility means hundreds of files, ~1 s of file-system work at 3,000 children).
    large = len(outcome.instance.children) > CONSTANT_MEMORY_FROM
    if isinstance(target, io.BytesIO) or not large:
        options["in_memory"] = True
    else:
        options["constant_memory"] = True
    workbook = xlsxwriter.Workbook(target if isinstance(target, io.BytesIO) else str(target), options)
    # A fixed creation time: the same run gives the same bytes (XlsxWriter would stamp the clock's time).
    workbook.set_properties({"created": CREATED, "author": "Kyodo"})
    try:
        _summary_sheet(workbook, outcome)
        _by_facility_sheet(workbook, outcome)
        _cutoff_sheet(workbook, outcome)
        facilities = list(outcome.instance.facilities.values())
        names = sheet_names((f"{f.id} {f.name}" for f in facilities), reserved=RESERVED)
        for facility, name in zip(facilities, names, strict=True):
            _facility_sheet(workbook, name, outcome, facility.id)
        _waitlist_sheet(workbook, outcome)
        _flags_sheet(workbook, outcome)
        _check_sheet(workbook, outcome)
    finally:
        workbook.close()


def _summary_sheet(workbook: Any, outcome: Outcome) -> None:
    sheet = _Sheet(workbook, SUMMARY_SHEET, SUMMARY_HEADER, (12, 10, 8, 9, 9, 8, 12, 10, 8))
    summary = outcome.summary
    for a in summary.by_age:
        counts = [a.counts[s] for s in Status]
        sheet.append(
            [
                f"{a.age_class}歳児",
                a.applicants,
                *counts,
                a.transfer_applicants,
                a.vacancies,
                a.vacancies_left,
            ]
        )
    sheet.append(
        [
            "合計",
            summary.children,
            *(summary.counts[s] for s in Status),
            sum(a.transfer_applicants for a in summary.by_age),
            summary.vacancies,
            summary.vacancies_left,
        ]
    )
    sheet.append([])
    run = outcome.run
    instance = outcome.instance
    trial = outcome.trial
    info: list[tuple[str, object]] = [
        ("状態", f"{trial.stamp}(確認済みでない基準の値{len(trial.values)}件を使用)" if trial else "確定した基準による結果"),
        ("年度", instance.fiscal_year if instance.fiscal_year is not None else ""),
        (RECORD_LABELS["rules_name"], rules_label(run.rules_name, with_name=True) if run else ""),
        (RECORD_LABELS["seed"], run.seed if run else ""),
        (RECORD_LABELS["method"], method_label(run.method) if run else ""),
        (RECORD_LABELS["engine_version"], run.engine_version if run else ""),
        ("施設数", summary.facilities),
        ("要確認", summary.flag_count),
        ("独立検査で見つかった問題", summary.violation_count),
        ("うちブロッキング", summary.blocking),
    ]
    if run:
        info += [(f"入力 {name}", f"sha256:{digest}") for name, digest in run.inputs_sha256.items()]
        if run.rules_sha256:
            info.append(("基準ファイル", f"sha256:{run.rules_sha256}"))
    for label, value in info:
        sheet.append([label, value])
    if trial:
        sheet.append([])
        sheet.append([f"{trial.stamp}: 使用した確認済みでない値", "基準の箇所"])
        for key, description in trial.values:
            sheet.append([description, key])


def _by_facility_sheet(workbook: Any, outcome: Outcome) -> None:
    sheet = _Sheet(workbook, BY_FACILITY_SHEET, BY_FACILITY_HEADER, (10, 30, 14, 10, 10, 10, 8, 9, 9, 10, 8))
    for s in outcome.summary.by_seat:
        counts = s.counts
        sheet.append(
            [
                s.facility_id,
                s.name,
                s.kind,
                s.age_class,
                s.vacancies,
                s.applicants,
                counts[Status.OFFERED],
                counts[Status.TRANSFERRED],
                counts[Status.STAYS],
                s.cutoff.points,
                s.cutoff.vacancies_left,
            ]
        )


def _transfer_label(child: Child, facility_id: str) -> str:
    if child.current_facility is None or child.current_facility == facility_id:
        return ""
    return f"在園: {child.current_facility}"


def _facility_sheet(workbook: Any, name: str, outcome: Outcome, facility_id: str) -> None:
    sheet = _Sheet(workbook, name, FACILITY_HEADER, (10, 6, 12, 12, 8, 9, 10, 16))
    children, scores, explanations, statuses = (
        outcome.instance.children,
        outcome.scores,
        outcome.explanations,
        outcome.statuses,
    )
    for age, placed in outcome.offers.get(facility_id, {}).items():
        for place, cid in enumerate(placed, start=1):
            child = children[cid]
            score = scores.get(cid)
            sheet.append(
                [
                    age,
                    place,
                    cid,
                    child.household_id,
                    score.at(facility_id) if score else "",
                    explanations[cid].choice_rank,
                    statuses[cid].label,
                    _transfer_label(child, facility_id),
                ]
            )


def _waitlist_sheet(workbook: Any, outcome: Outcome) -> None:
    """保留 only: a transfer applicant who keeps its seat is 在園継続, listed on its facility's sheet."""
    children = [outcome.instance.children[c] for c in outcome.children_with(Status.WAITLISTED)]
    width = max((len(c.choices) for c in children), default=1) or 1
    header = ["児童番号", "世帯番号", "年齢クラス", "指数", "在園施設"]
    for n in range(1, width + 1):
        header += [f"第{n}希望", f"第{n}希望の待機順位"]
    sheet = _Sheet(workbook, WAITLIST_SHEET, header, (12, 12, 10, 8, 10))
    scores = outcome.scores
    children.sort(key=lambda c: (c.age_class, -(scores[c.id].total if c.id in scores else 0), c.id))
    for child in children:
        score = scores.get(child.id)
        row: list[object] = [
            child.id,
            child.household_id,
            child.age_class,
            score.total if score else "",
            child.current_facility,
        ]
        for facility_id in child.choices:
            row += [facility_id, outcome.waitlist.get((child.id, facility_id), "")]
        sheet.append(row)


def _flags_sheet(workbook: Any, outcome: Outcome) -> None:
    sheet = _Sheet(workbook, FLAGS_SHEET, ("児童番号", "種類", "内容"), (12, 18, 80))
    for flag in outcome.flags:
        sheet.append([flag.child_id, flag.kind.label, flag.message])


def _cutoff_sheet(workbook: Any, outcome: Outcome) -> None:
    """The cut-off table as wards publish it: one row per facility, one column per age class."""
    header = ("施設番号", "施設名", *(f"{a}歳児" for a in AGE_CLASSES))
    sheet = _Sheet(workbook, CUTOFF_SHEET, header, (10, 30, 8, 8, 8, 8, 8, 8))
    table = outcome.cutoffs
    for fid, facility in outcome.instance.facilities.items():
        cells = [table.get((fid, age)) for age in AGE_CLASSES]
        values: list[object] = [
            "" if c is None else c.points if c.label == str(c.points) else c.label for c in cells
        ]
        sheet.append([fid, facility.name, *values])
    sheet.append([])
    sheet.append([CUTOFF_LEGEND])


def _check_sheet(workbook: Any, outcome: Outcome) -> None:
    header = ("種類", "内容", "児童番号", "施設", "年齢クラス", "相手の児童番号")
    sheet = _Sheet(workbook, CHECK_SHEET, header, (24, 80, 12, 10, 10, 14))
    for v in outcome.violations:
        sheet.append([v.kind.label, v.message, v.child_id, v.facility_id, v.age_class, v.other_child_id])
