"""The report as JSON, as the monthly survey workbook, and plans/steps as the CLI writes them.

Only formatting: every figure comes from the `Report` (`kyodo.hyojunka.report`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from kyodo.hyojunka.catalog import Day, catalog, to_date
from kyodo.hyojunka.io import PLAN_COLUMNS, STEP_COLUMNS, step_header
from kyodo.hyojunka.model import CostLine, GroupSummary, PairKey, PairStatus, Plan, Report, Steps
from kyodo.municipalities import BY_CODE
from kyodo.tables import xlsx_writer

Cell = str | int | float | date | None
Sheet = tuple[Sequence[str], Sequence[Sequence[Cell]]]


def _iso(day: Day | None) -> str | None:
    return to_date(day).isoformat() if day is not None else None


def _reason_label(reason: str | None) -> str:
    found = catalog().reason(reason) if reason else None
    return found.label if found else ""


def pair_json(p: PairStatus) -> dict[str, Any]:
    return {
        "municipality": p.municipality_name, "municipality_code": p.municipality, "system": p.system_name,
        "system_id": p.system, "progress": p.progress, "completed_steps": p.completed, "recent_steps": p.recent,
        "status": str(p.kind), "at_risk": p.at_risk, "projected_completion": _iso(p.projected_completion),
        "deadline": _iso(p.deadline), "last_completed": _iso(p.last_completed), "next_step": p.next_step,
        "reason": p.reason, "tokutei": p.tokutei, "reason_category": _reason_label(p.reason_category) or None,
    }


def group_json(g: GroupSummary) -> dict[str, Any]:
    return {"key": g.key, "name": g.name, "pairs": g.pairs, "complete": g.complete, "at_risk": g.at_risk,
            "stalled": g.stalled, "late": g.late, "tokutei": g.tokutei, "progress": g.progress}


def cost_json(c: CostLine) -> dict[str, Any]:
    return {"key": c.key, "name": c.name, "pairs": c.pairs, "before_yen": c.before, "after_yen": c.after,
            "change_percent": c.change_percent, "meets_target": c.meets_target,
            "pairs_meeting_target": c.pairs_meeting}


def report_json(report: Report) -> dict[str, Any]:
    return {
        "as_of": _iso(report.as_of),
        "rule": {"window_days": report.window_days, "percent_per_step": 100 / catalog().step_count,
                 "cost_target_percent": report.cost_target_percent},
        "risk_counts": {str(k): v for k, v in report.risk_counts.items()},
        "at_risk": sum(1 for p in report.pairs if p.at_risk),
        "pairs": [pair_json(p) for p in report.pairs],
        "by_system": [group_json(g) for g in report.by_system],
        "by_municipality": [group_json(g) for g in report.by_municipality],
        "tokutei_by_reason": [group_json(g) for g in report.tokutei_by_reason],
        "cost": {
            "target_percent": report.cost_target_percent, "total": cost_json(report.cost_total),
            "by_system": [cost_json(c) for c in report.cost_by_system],
            "by_municipality": [cost_json(c) for c in report.cost_by_municipality],
        },
    }


# --- the monthly survey's shape: one row per municipality × system, plan fields, then the 40 steps' dates
SURVEY_STATUS = ("完了手順数", "進捗率(%)", "状況", "完了見込み", "遅延リスクの理由")


def survey_header() -> list[str]:
    return [*PLAN_COLUMNS, *SURVEY_STATUS, *(step_header(s.number) for s in catalog().steps)]


def plan_cells(plan: Plan) -> list[Cell]:
    system = catalog().system(plan.system)
    m = BY_CODE.get(plan.municipality)
    return [
        plan.municipality, m.name if m else plan.municipality, system.name if system else plan.system, plan.vendor,
        plan.product, plan.platform, str(plan.form), to_date(plan.deadline), "はい" if plan.tokutei else "いいえ",
        _reason_label(plan.reason), plan.cost_before, plan.cost_after,
    ]


def survey_rows(plans: Sequence[Plan], steps: Steps, statuses: Mapping[PairKey, PairStatus] | None) -> list[list[Cell]]:
    """Rows of the survey sheet; `statuses` None for a blank form to fill in (no computed columns)."""
    rows = []
    for plan in plans:
        done = steps.get(plan.key, {})
        status = statuses.get(plan.key) if statuses else None
        computed: list[Cell] = (
            [status.completed, status.progress, str(status.kind),
             to_date(status.projected_completion) if status.projected_completion else None, status.reason]
            if status else [None] * len(SURVEY_STATUS)
        )
        dates = [to_date(done[s.number]) if s.number in done else None for s in catalog().steps]
        rows.append([*plan_cells(plan), *computed, *dates])
    return rows


def guide_sheet() -> Sheet:
    """How to fill in the survey, as a second sheet (the reader takes the sheet whose header it recognises)."""
    cat = catalog()
    reasons = "・".join(r.label for r in cat.reasons)
    rows: list[list[Cell]] = [
        ["団体コード・団体", "6桁の団体コードと団体名(どちらか一方でも読めます)"],
        ["業務", "標準化対象の20業務の名前(" + "・".join(s.name for s in cat.systems) + ")"],
        ["移行方式", "単独 / 共同利用"],
        ["移行期限", f"日付(2026-03-31 など)。特定移行支援システムでも{to_date(cat.policy.tokutei_latest_deadline):%Y-%m-%d}まで"],
        ["特定移行支援", "はい / いいえ"],
        ["理由区分", f"特定移行支援のときだけ: {reasons}"],
        ["移行前運用経費・移行後運用経費", "円/年の整数(カンマ可)。移行後は移行を終えてから"],
        ["完了手順数〜遅延リスクの理由", "Kyodo が計算して書く列です。取り込むときは読みません"],
    ]
    rows += [[step_header(s.number), f"{s.phase}: {s.name} の完了日(未完了は空欄)"] for s in cat.steps]
    return (["列", "書き方"], rows)


def report_sheets(report: Report, plans: Sequence[Plan], steps: Steps) -> dict[str, Sheet]:
    statuses = {(p.municipality, p.system): p for p in report.pairs}
    group_header = ["区分", "組数", "完了", "遅延リスク", "うち停滞", "うち遅延見込み", "特定移行支援", "平均進捗率(%)"]
    cost_header = ["区分", "組数", "移行前運用経費(円/年)", "移行後運用経費(円/年)", "増減率(%)",
                   f"目標({report.cost_target_percent}%削減)達成", "達成した組"]
    risk_rows: list[list[Cell]] = [
        [p.municipality_name, p.system_name, p.progress, str(p.kind), to_date(p.deadline),
         to_date(p.projected_completion) if p.projected_completion else None, p.reason,
         "はい" if p.tokutei else "いいえ", _reason_label(p.reason_category)]
        for p in report.pairs if p.at_risk
    ]
    return {
        "進捗調査": (survey_header(), survey_rows(plans, steps, statuses)),
        "遅延リスク": (["団体", "業務", "進捗率(%)", "状況", "移行期限", "完了見込み", "理由", "特定移行支援", "理由区分"],
                   risk_rows),
        "業務別": (group_header, [_group_row(g) for g in report.by_system]),
        "団体別": (group_header, [_group_row(g) for g in report.by_municipality]),
        "特定移行支援": (group_header, [_group_row(g) for g in report.tokutei_by_reason]),
        "経費(業務別)": (cost_header, [_cost_row(c) for c in (*report.cost_by_system, report.cost_total)]),
        "経費(団体別)": (cost_header, [_cost_row(c) for c in report.cost_by_municipality]),
    }


def _group_row(g: GroupSummary) -> list[Cell]:
    return [g.name, g.pairs, g.complete, g.at_risk, g.stalled, g.late, g.tokutei, g.progress]


def _cost_row(c: CostLine) -> list[Cell]:
    return [c.name, c.pairs, c.before, c.after, c.change_percent, "はい" if c.meets_target else "いいえ", c.pairs_meeting]


def plan_rows(plans: Sequence[Plan]) -> list[list[str]]:
    return [[_text(v) for v in plan_cells(p)] for p in plans]


def step_rows(plans: Sequence[Plan], steps: Steps) -> list[list[str]]:
    """One row per pair and step, 完了日 blank when not done (the issue's steps.csv)."""
    rows = []
    for plan in plans:
        code, name, system = (_text(v) for v in plan_cells(plan)[:3])
        done = steps.get(plan.key, {})
        for s in catalog().steps:
            rows.append([code, name, system, str(s.number), _iso(done.get(s.number)) or ""])
    return rows


def _text(value: Cell) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


__all__ = ["PLAN_COLUMNS", "STEP_COLUMNS", "report_json", "report_sheets", "survey_header", "survey_rows",
           "xlsx_writer"]
