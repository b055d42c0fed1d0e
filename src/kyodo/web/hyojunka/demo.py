"""Standardisation's part of `kyodo web demo`: the engine's synthetic Tokyo-wide picture (kyodo.hyojunka.generate:
62 municipalities × 20 systems, fictitious vendors) as the municipalities' plans, and 江東区's monthly reports for
the months before this one, so 東京都's dashboard has a heat map and a history and 江東区 sees its own plans, its
past reports and this month's reminder.

Without it a first visit makes 20 empty plans due 2026-03-31 for the visitor's municipality only: every system
late, and a dashboard with one row. Steps dated after the day the demo is prepared are left out.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.utils import timezone

from kyodo import hyojunka
from kyodo.hyojunka import model as engine
from kyodo.web.accounts.models import Organisation
from kyodo.web.hyojunka import services
from kyodo.web.hyojunka.models import MonthlyReport, Plan

# The generator's seed: in this picture 江東区 has three systems still migrating (one on track, one stalled and
# one too slow for its deadline) beside seventeen finished, which shows every state of its pages.
SEED = 13
REPORTED_MONTHS = 6
FIELDS = ("vendor", "product", "platform", "form", "deadline", "tokutei", "reason", "cost_before", "cost_after",
          "steps")


def _fields(p: engine.Plan, done: dict[int, int]) -> dict[str, Any]:
    """The row's FIELDS from the engine's plan and its steps."""
    return {
        "vendor": p.vendor, "product": p.product, "platform": p.platform, "form": str(p.form),
        "deadline": date.fromordinal(p.deadline), "tokutei": p.tokutei, "reason": p.reason or "",
        "cost_before": p.cost_before, "cost_after": p.cost_after,
        "steps": {str(n): date.fromordinal(d).isoformat() for n, d in sorted(done.items())},
    }


def _untouched(organisation_ids: list[int]) -> set[int]:
    """Municipalities none of whose plans anyone has filled in (a first visit's empty plans do not count)."""
    filled = set(Plan.objects.unscoped("the demo fills only plans nobody has written").filter(
        organisation_id__in=organisation_ids).exclude(vendor="", steps={}).values_list("organisation_id", flat=True))
    return set(organisation_ids) - filled


def load_plans(today: date) -> int:
    """The generated plans for every municipality whose plans are still empty; returns how many it wrote."""
    from kyodo.hyojunka.generate import generate
    from kyodo.municipalities import MUNICIPALITIES

    codes = {m.code for m in MUNICIPALITIES}
    orgs = dict(Organisation.objects.filter(code__in=codes).values_list("code", "pk"))
    todo = _untouched(list(orgs.values()))
    if not todo:
        return 0
    made = generate(seed=SEED)
    plans = Plan.objects.unscoped("the demo writes the plans of the municipalities nobody has written")
    existing = {(row.organisation_id, row.system): row for row in plans.filter(organisation_id__in=todo)}
    new, changed = [], []
    for p in made.plans:
        org = orgs.get(p.municipality)
        if org not in todo:
            continue
        done = {n: d for n, d in made.steps.get(p.key, {}).items() if d <= today.toordinal()}
        row = existing.get((org, p.system))
        if row is None:
            new.append(Plan(organisation_id=org, system=p.system, **_fields(p, done)))
            continue
        for name, value in _fields(p, done).items():
            setattr(row, name, value)
        changed.append(row)
    with transaction.atomic():
        plans.bulk_create(new)
        plans.bulk_update(changed, list(FIELDS))  # a first visit's empty plans, filled in place
    return len(new) + len(changed)


def load_reports(user: Any, today: date) -> int:
    """The municipality's reports for the months before this one, each as it stood on that month's due day (sent
    that afternoon); this month is left for the user to send. Months already reported are kept."""
    org = user.organisation_id
    rows = list(Plan.objects.for_org(org).select_related("organisation"))
    pic = services.picture(rows, today)
    index = today.year * 12 + today.month - 1
    months = [date((index - k) // 12, (index - k) % 12 + 1, 1) for k in range(1, REPORTED_MONTHS + 1)]
    have = set(MonthlyReport.objects.for_org(org).values_list("month", flat=True))
    made = 0
    for month in sorted(set(months) - have):
        due = services.due_day(month)
        status = hyojunka.report(pic.plans, pic.steps, due.toordinal())
        report = MonthlyReport.objects.create(
            organisation_id=org, month=month, submitted_by=user,
            snapshot={p.system: p.completed for p in status.pairs},
        )
        sent = timezone.make_aware(datetime.combine(due, time(16, 0)))
        MonthlyReport.objects.for_org(org).filter(pk=report.pk).update(submitted_at=sent)  # auto_now_add otherwise
        made += 1
    return made


def load(ward_admin: Any, today: date | None = None) -> None:
    today = today or timezone.localdate()
    load_plans(today)
    load_reports(ward_admin, today)
