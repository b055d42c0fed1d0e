"""A run's result for people and machines: the staff workbook (XLSX, Japanese) and JSON.

    write_workbook(result, Path("result.xlsx"))        # 概要 / 施設別集計 / 最低指数 / one sheet per facility / 保留 / 要確認 / 検査結果
    write_json(result, Path("result.json"))            # everything, ids as strings
    write_assignment_json(result, Path("assignment.json"))   # {child_id: facility_id or null}

JSON (format "kyodo.hoiku.model.result/1"): {format, fiscal_year, run: {engine_version, seed, fiscal_year, rules_name,
rules_sha256, inputs_sha256, method, decisions: [{kind, child_id, facility_id, reason, by}]} | null, summary: {by_age:
[...], by_facility: [...]}, assignment: {child: facility | null}, children: {child: {household_id, age_class, status
(offered | stays | waitlisted), assigned, choice_rank, choices, current_facility, points: {total, base, adjustment,
lower_guardian, items, facility_items, at: {facility: points}}, waitlist: {facility: place}, flags, summary (Japanese),
reasons: [{choice, facility_id, kind, label, criterion, points, position, waitlist, cutoff_points, cutoff_position,
cutoff_label, text}]}}, facilities: {facility: {name, kind, vacancies, assigned: {age: [child, ...]}}}, violations:
[...], flags: [...], cutoffs: [{facility_id, age_class, places, offered, vacancies_left, points, position, label}]}.
Every id is a string; ages are keys as strings ("0".."5"). Reasons and cut-offs: `kyodo.hoiku.explain.reasons`.

Every write goes to a temporary file that is renamed into place, so a reader never sees half a file.
Only presentation here: who got which seat is read off the Result, never decided.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from kyodo.hoiku.explain.reasons import cutoff_table, cutoff_to_dict, explain_all, explanation_to_dict
from kyodo.hoiku.model.instance import AGE_CLASSES, Child
from kyodo.hoiku.model.result import CHECK_KINDS, Result, Score, ScoreItem
from kyodo.tables import write_atomic, xlsx_value

JSON_FORMAT = "kyodo.hoiku.model.result/1"
SUMMARY_SHEET = "概要"
BY_FACILITY_SHEET = "施設別集計"
WAITLIST_SHEET = "保留"
FLAGS_SHEET = "要確認"
CUTOFF_SHEET = "最低指数"
CUTOFF_LEGEND = (
    "数字: 内定した方の最低指数 / 空有: 空きあり / ―: 内定なし(募集なし) / 空欄: その年齢クラスなし"
)
CHECK_SHEET = "検査結果"
FACILITY_HEADER = ("年齢クラス", "順位", "児童番号", "世帯番号", "指数", "希望順位", "転園")
SUMMARY_HEADER = ("年齢クラス", "申込者数", "内定", "保留", "うち転園申込", "募集人数", "残り枠")

# -- what happened to each child -------------------------------------------------------------------------------

OFFERED = "offered"  # 内定: a seat at a facility the child is not in now
STAYS = "stays"  # transfer applicant who keeps the current seat (転園不成立・在園継続)
WAITLISTED = "waitlisted"  # 保留
STATUS_LABELS = {OFFERED: "内定", STAYS: "在園継続", WAITLISTED: "保留"}


def child_status(result: Result, child: Child) -> str:
    assigned = result.assignment.get(child.id)
    if assigned is None:
        return WAITLISTED
    if assigned == child.current_facility:
        return STAYS
    return OFFERED


def _age_summary(result: Result) -> list[dict[str, int]]:
    """Per age class: applicants, offered, not admitted, transfer applicants, vacancies, vacancies left.

    Vacancies left = vacancies + seats freed by children who transfer away − new offers.
    """
    applicants: Counter[int] = Counter()
    offered: Counter[int] = Counter()
    transfers: Counter[int] = Counter()
    freed: Counter[int] = Counter()
    for child in result.instance.children.values():
        applicants[child.age_class] += 1
        if child.is_transfer:
            transfers[child.age_class] += 1
        if child_status(result, child) == OFFERED:
            offered[child.age_class] += 1
            if child.is_transfer:
                freed[child.age_class] += 1
    vacancies: Counter[int] = Counter()
    for facility in result.instance.facilities.values():
        for age in AGE_CLASSES:
            vacancies[age] += facility.vacancy(age)
    return [
        {
            "age_class": age,
            "applicants": applicants[age],
            "offered": offered[age],
            "not_admitted": applicants[age] - offered[age],
            "transfer_applicants": transfers[age],
            "vacancies": vacancies[age],
            "vacancies_left": vacancies[age] + freed[age] - offered[age],
        }
        for age in AGE_CLASSES
    ]


# -- JSON ------------------------------------------------------------------------------------------------------


def _item_dict(item: ScoreItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "label": item.label,
        "points": item.points,
        "reference": item.reference,
        "needs_confirmation": item.needs_confirmation,
    }


def _points_dict(score: Score | None, child: Child) -> dict[str, Any] | None:
    if score is None:
        return None
    return {
        "total": score.total,
        "base": score.base,
        "adjustment": score.adjustment,
        "lower_guardian": score.lower_guardian,
        "items": [_item_dict(i) for i in score.items],
        "facility_items": {
            str(f): [_item_dict(i) for i in items] for f, items in score.facility_items.items()
        },
        "at": {str(f): score.at(f) for f in child.choices},
    }


def result_to_dict(result: Result) -> dict[str, Any]:
    """The whole result as plain JSON-ready data; every id is a string."""
    instance = result.instance
    waitlist = result.waitlist_ranks()
    explanations = explain_all(result)
    flags_by_child: dict[str, list[dict[str, str]]] = {}
    for flag in result.flags:
        flags_by_child.setdefault(flag.child_id, []).append({"kind": flag.kind, "message": flag.message})
    children: dict[str, Any] = {}
    for cid, child in instance.children.items():
        assigned = result.assignment.get(cid)
        children[str(cid)] = {
            "household_id": str(child.household_id),
            "age_class": child.age_class,
            "status": child_status(result, child),
            "assigned": None if assigned is None else str(assigned),
            "choice_rank": child.choices.index(assigned) + 1 if assigned in child.choices else None,
            "choices": [str(f) for f in child.choices],
            "current_facility": None if child.current_facility is None else str(child.current_facility),
            "points": _points_dict(result.scores.get(cid), child),
            "waitlist": {str(f): waitlist[(cid, f)] for f in child.choices if (cid, f) in waitlist},
            "flags": flags_by_child.get(cid, []),
            **explanation_to_dict(explanations[cid]),
        }
    facilities: dict[str, Any] = {}
    offers = _offers(result)
    for fid, facility in instance.facilities.items():
        offered = {str(age): [str(c) for c in order] for age, order in offers.get(fid, {}).items()}
        facilities[str(fid)] = {
            "name": facility.name,
            "kind": facility.kind,
            "vacancies": {str(a): n for a, n in facility.vacancies.items()},
            "assigned": offered,
        }
    run = result.run
    return {
        "format": JSON_FORMAT,
        "fiscal_year": instance.fiscal_year,
        "run": None
        if run is None
        else {
            "engine_version": run.engine_version,
            "seed": run.seed,
            "fiscal_year": run.fiscal_year,
            "rules_name": run.rules_name,
            "rules_sha256": run.rules_sha256,
            "inputs_sha256": {str(k): v for k, v in run.inputs_sha256.items()},
            "method": getattr(run, "method", ""),
            "decisions": [dict(d) for d in getattr(run, "decisions", ())],
        },
        "summary": {"by_age": _age_summary(result), "by_facility": facility_rows(result, offers)},
        "assignment": _assignment(result),
        "children": children,
        "facilities": facilities,
        "violations": [
            {
                "kind": v.kind,
                "label": CHECK_KINDS.get(v.kind, v.kind),
                "message": v.message,
                "child_id": None if v.child_id is None else str(v.child_id),
                "facility_id": None if v.facility_id is None else str(v.facility_id),
                "age_class": v.age_class,
                "other_child_id": None if v.other_child_id is None else str(v.other_child_id),
            }
            for v in result.violations
        ],
        "flags": [{"child_id": str(f.child_id), "kind": f.kind, "message": f.message} for f in result.flags],
        "cutoffs": [cutoff_to_dict(c) for c in cutoff_table(result).values()],
    }


def _assignment(result: Result) -> dict[str, str | None]:
    return {
        str(cid): None if result.assignment.get(cid) is None else str(result.assignment[cid])
        for cid in result.instance.children
    }


def _write_text(path: Path, text: str) -> None:
    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    write_atomic(Path(path), write)


def json_text(result: Result) -> str:
    """The text write_json writes; `kyodo.hoiku.tools.reproduce` compares it byte for byte with a stored one."""
    # Compact: a ward of 50,000 children gives tens of megabytes indented.
    return json.dumps(result_to_dict(result), ensure_ascii=False, separators=(",", ":")) + "\n"


def write_json(result: Result, path: Path) -> None:
    """result_to_dict as UTF-8 JSON (Japanese as is, not escaped)."""
    _write_text(path, json_text(result))


def write_assignment_json(result: Result, path: Path) -> None:
    """{child_id: facility_id or null} for every child, ids as strings."""
    _write_text(path, json.dumps(_assignment(result), ensure_ascii=False, indent=1) + "\n")


# -- workbook --------------------------------------------------------------------------------------------------

_SHEET_BAD_CHARS = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31


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


def _offers(result: Result) -> dict[str, dict[int, list[str]]]:
    """facility id → age class → the children assigned there, in the facility's priority order."""
    assigned: dict[tuple[str, int], set[str]] = {}
    for cid, fid in result.assignment.items():
        child = result.instance.children.get(cid)
        if fid is not None and child is not None:
            assigned.setdefault((fid, child.age_class), set()).add(cid)
    offers: dict[str, dict[int, list[str]]] = {}
    for (fid, age), members in sorted(assigned.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        ordered = [cid for cid in result.priority.order.get((fid, age), ()) if cid in members]
        # Anyone assigned but absent from the priority (a staff decision, say) is listed last, not lost.
        ordered += sorted(members.difference(ordered))
        offers.setdefault(fid, {})[age] = ordered
    return offers


def _transfer_label(child: Child, facility_id: str) -> str:
    if child.current_facility is None:
        return ""
    if child.current_facility == facility_id:
        return "在園継続"
    return f"転園(在園: {child.current_facility})"


def _append(sheet: Any, values: Sequence[object]) -> None:
    sheet.append([xlsx_value(sheet, v) for v in values])


def _header(sheet: Any, values: Sequence[str], widths: Sequence[int] = ()) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    cells = []
    for text in values:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)


def write_workbook(result: Result, path: Path) -> None:
    """The staff workbook (Japanese): 概要, one sheet per facility, 保留, 要確認, 検査結果."""
    import openpyxl

    def write(tmp: Path) -> None:
        workbook = openpyxl.Workbook(write_only=True)
        offers = _offers(result)
        _summary_sheet(workbook.create_sheet(SUMMARY_SHEET), result)
        _by_facility_sheet(workbook.create_sheet(BY_FACILITY_SHEET), result, offers)
        _cutoff_sheet(workbook.create_sheet(CUTOFF_SHEET), result)
        facilities = list(result.instance.facilities.values())
        names = sheet_names(
            (f"{f.id} {f.name}" for f in facilities),
            reserved=(
                SUMMARY_SHEET,
                BY_FACILITY_SHEET,
                CUTOFF_SHEET,
                WAITLIST_SHEET,
                FLAGS_SHEET,
                CHECK_SHEET,
            ),
        )
        for facility, name in zip(facilities, names, strict=True):
            _facility_sheet(workbook.create_sheet(name), result, facility.id, offers.get(facility.id, {}))
        _waitlist_sheet(workbook.create_sheet(WAITLIST_SHEET), result)
        _flags_sheet(workbook.create_sheet(FLAGS_SHEET), result)
        _check_sheet(workbook.create_sheet(CHECK_SHEET), result)
        workbook.save(tmp)

    write_atomic(Path(path), write)


def _summary_sheet(sheet: Any, result: Result) -> None:
    _header(sheet, SUMMARY_HEADER, (12, 10, 8, 8, 12, 10, 8))
    rows = _age_summary(result)
    keys = ("applicants", "offered", "not_admitted", "transfer_applicants", "vacancies", "vacancies_left")
    for row in rows:
        _append(sheet, [f"{row['age_class']}歳児", *(row[k] for k in keys)])
    _append(sheet, ["合計", *(sum(r[k] for r in rows) for k in keys)])
    _append(sheet, [])
    run = result.run
    instance = result.instance
    info: list[tuple[str, object]] = [
        ("年度", instance.fiscal_year if instance.fiscal_year is not None else ""),
        ("利用調整基準", (run.rules_name or "(指数は入力値)") if run else ""),
        ("乱数の種(抽選)", run.seed if run else ""),
        ("方法", getattr(run, "method", "") if run else ""),
        ("エンジン", run.engine_version if run else ""),
        ("施設数", len(instance.facilities)),
        ("要確認", len(result.flags)),
        ("独立検査で見つかった問題", len(result.violations)),
    ]
    if run:
        info += [(f"入力 {name}", f"sha256:{digest}") for name, digest in run.inputs_sha256.items()]
        if run.rules_sha256:
            info.append(("基準ファイル", f"sha256:{run.rules_sha256}"))
    for label, value in info:
        _append(sheet, [label, value])


def facility_rows(
    result: Result, offers: dict[str, dict[int, list[str]]] | None = None
) -> list[dict[str, Any]]:
    """Per facility and age class it offers: vacancies, applicants, new offers, cut-off (最低指数), seats left.

    The cut-off is the lowest points (at that facility) among the children newly offered a seat there;
    None when nobody was. Children staying in their own seat are not offers.
    """
    offers = _offers(result) if offers is None else offers
    children = result.instance.children
    # Seats freed by children who transfer away from them.
    freed = Counter(
        (c.current_facility, c.age_class)
        for c in children.values()
        if c.current_facility is not None and result.assignment.get(c.id) not in (None, c.current_facility)
    )
    rows = []
    for fid, facility in result.instance.facilities.items():
        for age in AGE_CLASSES:
            applicants = len(result.priority.order.get((fid, age), ()))
            if age not in facility.vacancies and not applicants:
                continue
            assigned = offers.get(fid, {}).get(age, [])
            new = [cid for cid in assigned if children[cid].current_facility != fid]
            points = [result.scores[cid].at(fid) for cid in new if cid in result.scores]
            leaving = freed[(fid, age)]
            rows.append(
                {
                    "facility_id": fid,
                    "name": facility.name,
                    "kind": facility.kind,
                    "age_class": age,
                    "vacancies": facility.vacancy(age),
                    "applicants": applicants,
                    "offered": len(new),
                    "cutoff": min(points) if points else None,
                    "vacancies_left": facility.vacancy(age) + leaving - len(new),
                }
            )
    return rows


def _by_facility_sheet(sheet: Any, result: Result, offers: dict[str, dict[int, list[str]]]) -> None:
    header = (
        "施設番号",
        "施設名",
        "種別",
        "年齢クラス",
        "募集人数",
        "申込者数",
        "内定",
        "最低指数",
        "残り枠",
    )
    _header(sheet, header, (10, 30, 14, 10, 10, 10, 8, 10, 8))
    keys = (
        "facility_id",
        "name",
        "kind",
        "age_class",
        "vacancies",
        "applicants",
        "offered",
        "cutoff",
        "vacancies_left",
    )
    for row in facility_rows(result, offers):
        _append(sheet, [("" if row[k] is None else row[k]) for k in keys])


def _facility_sheet(sheet: Any, result: Result, facility_id: str, offers: dict[int, list[str]]) -> None:
    _header(sheet, FACILITY_HEADER, (10, 6, 12, 12, 8, 9, 22))
    children = result.instance.children
    for age, offered in offers.items():
        for place, cid in enumerate(offered, start=1):
            child = children[cid]
            score = result.scores.get(cid)
            rank = child.choices.index(facility_id) + 1 if facility_id in child.choices else ""
            _append(
                sheet,
                [
                    age,
                    place,
                    cid,
                    child.household_id,
                    score.at(facility_id) if score else "",
                    rank,
                    _transfer_label(child, facility_id),
                ],
            )


def _waitlist_sheet(sheet: Any, result: Result) -> None:
    children = [c for c in result.instance.children.values() if child_status(result, c) != OFFERED]
    width = max((len(c.choices) for c in children), default=1) or 1
    header = ["児童番号", "世帯番号", "年齢クラス", "指数", "在園施設"]
    for n in range(1, width + 1):
        header += [f"第{n}希望", f"第{n}希望の待機順位"]
    _header(sheet, header, (12, 12, 10, 8, 10))
    waitlist = result.waitlist_ranks()
    children.sort(
        key=lambda c: (c.age_class, -(result.scores[c.id].total if c.id in result.scores else 0), c.id)
    )
    for child in children:
        score = result.scores.get(child.id)
        row: list[object] = [
            child.id,
            child.household_id,
            child.age_class,
            score.total if score else "",
            child.current_facility or "",
        ]
        for facility_id in child.choices:
            row += [facility_id, waitlist.get((child.id, facility_id), "")]
        _append(sheet, row)


def _flags_sheet(sheet: Any, result: Result) -> None:
    _header(sheet, ("児童番号", "種類", "内容"), (12, 18, 80))
    from kyodo.hoiku.checks.review import FLAG_LABELS

    for flag in result.flags:
        _append(sheet, [flag.child_id, FLAG_LABELS.get(flag.kind, flag.kind), flag.message])


def _cutoff_sheet(sheet: Any, result: Result) -> None:
    """The cut-off table as wards publish it: one row per facility, one column per age class."""
    table = cutoff_table(result)
    _header(sheet, ("施設番号", "施設名", *(f"{a}歳児" for a in AGE_CLASSES)), (10, 30, 8, 8, 8, 8, 8, 8))
    for fid, facility in result.instance.facilities.items():
        cells = [table.get((fid, age)) for age in AGE_CLASSES]
        values: list[object] = [
            "" if c is None else c.points if c.label == str(c.points) else c.label for c in cells
        ]
        _append(sheet, [fid, facility.name, *values])
    _append(sheet, [])
    _append(sheet, [CUTOFF_LEGEND])


def _check_sheet(sheet: Any, result: Result) -> None:
    _header(
        sheet, ("種類", "内容", "児童番号", "施設", "年齢クラス", "相手の児童番号"), (24, 80, 12, 10, 10, 14)
    )
    for v in result.violations:
        _append(
            sheet,
            [
                CHECK_KINDS.get(v.kind, v.kind),
                v.message,
                v.child_id or "",
                v.facility_id or "",
                "" if v.age_class is None else v.age_class,
                v.other_child_id or "",
            ],
        )
