"""The web app's calls into the standardisation engine: rows → the engine's plain data → one `Report`.

No rule lives here: `kyodo.hyojunka` judges progress and risk. This module builds its input from the database,
applies a municipality's changes (a step, a survey upload) atomically, and prepares the jinzai request that a stalled
step opens.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction

from kyodo import hyojunka
from kyodo.hyojunka import catalog
from kyodo.hyojunka import model as engine
from kyodo.hyojunka.io import read_survey
from kyodo.jinzai import load_policy
from kyodo.municipalities import BY_CODE
from kyodo.web.accounts.models import Organisation
from kyodo.web.hyojunka.models import MonthlyReport, Plan
from kyodo.web.jinzai.models import Mode, Unit, Urgency

HELP_SKILLS = {"cloud_infrastructure": 3, "project_management": 3}  # クラウドインフラ活用・プロジェクトマネジメント
HELP_WEEKS = 4  # the period a prefilled request proposes, from two weeks ahead
HISTORY_MONTHS = 24


def ensure_plans(organisation_id: int) -> None:
    """Every municipality has a plan for each of the 20 systems, from its first visit (deadline: FY2025 end)."""
    have = set(Plan.objects.for_org(organisation_id).values_list("system", flat=True))
    deadline = date.fromordinal(catalog().policy.default_deadline)
    missing = [Plan(organisation_id=organisation_id, system=s.id, deadline=deadline)
               for s in catalog().systems if s.id not in have]
    if missing:
        Plan.objects.bulk_create(missing, ignore_conflicts=True)


def engine_plan(row: Plan, code: str) -> engine.Plan:
    return engine.Plan(
        municipality=code, system=row.system, deadline=row.deadline.toordinal(), tokutei=row.tokutei,
        reason=row.reason or None, vendor=row.vendor, product=row.product, platform=row.platform,
        form=engine.MigrationForm(row.form), cost_before=row.cost_before, cost_after=row.cost_after,
    )


def engine_steps(row: Plan) -> dict[int, int]:
    return {int(n): date.fromisoformat(d).toordinal() for n, d in row.steps.items() if d}


@dataclass(frozen=True)
class Picture:
    """What a page shows: the engine's plans and steps, the report at `as_of`, and the rows by pair."""

    plans: list[engine.Plan]
    steps: dict[engine.PairKey, dict[int, int]]
    report: hyojunka.Report
    rows: dict[engine.PairKey, Plan]


def organisation_codes() -> dict[int, str]:
    """Organisation pk → local-government code: one small query instead of a join on every plan."""
    return dict(Organisation.objects.values_list("pk", "code"))


def picture(rows: Iterable[Plan], as_of: date, codes: dict[int, str] | None = None) -> Picture:
    """`codes` (organisation_codes()) when the rows were fetched without their organisation."""
    plans, steps, by_key = [], {}, {}
    for row in rows:
        p = engine_plan(row, codes[row.organisation_id] if codes is not None else row.organisation.code)
        plans.append(p)
        steps[p.key] = engine_steps(row)
        by_key[p.key] = row
    return Picture(plans, steps, hyojunka.report(plans, steps, as_of.toordinal()), by_key)


def month_ends(as_of: date, months: int = HISTORY_MONTHS) -> list[date]:
    """The last day of each of the `months` months up to as_of's month; as_of itself for the current month."""
    ends = []
    first = as_of.replace(day=1)
    for _ in range(months - 1):
        ends.append(first - timedelta(days=1))
        first = (first - timedelta(days=1)).replace(day=1)
    return [*reversed(ends), as_of]


def history(pic: Picture, as_of: date) -> list[engine.HistoryPoint]:
    return hyojunka.history(pic.plans, pic.steps, [d.toordinal() for d in month_ends(as_of)])


def size_band(code: str) -> str:
    m = BY_CODE.get(code)
    return load_policy().band(m.population) if m else ""


def size_bands() -> tuple[str, ...]:
    return load_policy().band_names


def select(rows: Sequence[Plan], codes: dict[int, str], *, band: str = "", area: str = "") -> list[Plan]:
    """Plans of municipalities in a size band (jinzai's bands, by population) and an area (区部・多摩・島しょ)."""
    out = []
    for row in rows:
        m = BY_CODE.get(codes[row.organisation_id])
        if m is None or (band and size_band(m.code) != band) or (area and m.area != area):
            continue
        out.append(row)
    return out


# --- changes by the municipality
def set_step(plan: Plan, number: int, done_on: date | None, user: Any) -> None:
    steps = dict(plan.steps)
    if done_on is None:
        steps.pop(str(number), None)
    else:
        steps[str(number)] = done_on.isoformat()
    plan.steps = steps
    plan.updated_by = user
    plan.save(update_fields=["steps", "updated_by", "updated_at"])


def import_survey(organisation_id: int, code: str, path: Path, user: Any) -> int:
    """Apply a survey workbook to the municipality's plans, all or nothing. Raises InputError (nothing saved)."""
    plans, steps = read_survey(path, municipality=code)
    ensure_plans(organisation_id)
    rows = {p.system: p for p in Plan.objects.for_org(organisation_id)}
    with transaction.atomic():
        for p in plans:
            row = rows[p.system]
            row.vendor, row.product, row.platform, row.form = p.vendor, p.product, p.platform, str(p.form)
            row.deadline, row.tokutei, row.reason = date.fromordinal(p.deadline), p.tokutei, p.reason or ""
            row.cost_before, row.cost_after = p.cost_before, p.cost_after
            row.steps = {str(n): date.fromordinal(d).isoformat() for n, d in sorted(steps.get(p.key, {}).items())}
            row.updated_by = user
            row.save()
    return len(plans)


def due_day(today: date) -> date:
    return today.replace(day=catalog().policy.monthly_report_due_day)


def reminder(organisation_id: int, today: date) -> str | None:
    """The reminder a municipality sees until this month's update is sent; None once it is."""
    month = today.replace(day=1)
    if MonthlyReport.objects.for_org(organisation_id).filter(month=month).exists():
        return None
    due = due_day(today)
    when = f"{due.month}月{due.day}日"
    if today > due:
        return f"{today.year}年{today.month}月の進捗報告の期限({when})を過ぎています。手順の完了日を確かめて報告してください。"
    return f"{today.year}年{today.month}月の進捗報告をお願いします(期限 {when})。"


def submit_monthly(organisation_id: int, user: Any, today: date) -> MonthlyReport:
    pic = picture(Plan.objects.for_org(organisation_id).select_related("organisation"), today)
    snapshot = {p.system: p.completed for p in pic.report.pairs}
    report: MonthlyReport
    report, _ = MonthlyReport.objects.for_org(organisation_id).update_or_create(
        organisation_id=organisation_id, month=today.replace(day=1),
        defaults={"snapshot": snapshot, "submitted_by": user},
    )
    return report


# --- the jinzai request a stalled step opens
def help_initial(plan: Plan, number: int, today: date) -> dict[str, Any]:
    """The jinzai request form's initial values for help with one step (the municipality edits, then submits)."""
    step = catalog().step(number)
    system = plan.get_system_display()
    start = today + timedelta(days=14 - today.weekday())  # a Monday about two weeks ahead
    initial: dict[str, Any] = {
        "title": f"{system}の標準化: 手順{number}「{step.name}」の支援",
        "category": "標準化・ガバメントクラウド移行",
        "purpose": (f"{system}システムの標準準拠システムへの移行で、{step.phase}の手順{number}「{step.name}」が"
                    f"進んでいません。進め方の助言と、関係者との調整の支援をお願いしたい。"
                    f"(移行期限 {plan.deadline:%Y年%m月%d日}、現行基盤 {plan.platform or '未記入'})"),
        "deliverable": f"手順{number}「{step.name}」を完了するための作業計画と、その実施の支援記録",
        "mode": Mode.REMOTE, "amount": 10, "unit": Unit.HOURS, "urgency": Urgency.HIGH,
        "start": start, "end": start + timedelta(weeks=HELP_WEEKS) - timedelta(days=3),
    }
    for i, (skill, level) in enumerate(HELP_SKILLS.items(), start=1):
        initial[f"skill_{i}"], initial[f"level_{i}"] = skill, level
    return initial
