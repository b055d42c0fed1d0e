"""Tokyo's dashboard (all municipalities), its Excel export, and the aggregates every municipality may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from kyodo.hyojunka import catalog
from kyodo.hyojunka.outputs import report_sheets, xlsx_writer
from kyodo.web.accounts.permissions import member_required
from kyodo.web.audit.log import record_request
from kyodo.web.hyojunka import roles, services
from kyodo.web.hyojunka.actions import HyojunkaAction
from kyodo.web.hyojunka.chart import progress_svg
from kyodo.web.hyojunka.forms import FilterForm
from kyodo.web.hyojunka.models import MonthlyReport
from kyodo.web.hyojunka.xlsx import xlsx_response


def _selection(request: HttpRequest) -> tuple[FilterForm, services.Picture, date]:
    form = FilterForm(request.GET or None)
    band = area = ""
    as_of = timezone.localdate()
    if form.is_valid():
        band, area = form.cleaned_data["band"], form.cleaned_data["area"]
        as_of = form.cleaned_data["as_of"] or as_of
    rows = list(roles.all_plans())
    codes = services.organisation_codes()
    return form, services.picture(services.select(rows, codes, band=band, area=area), as_of, codes), as_of


@dataclass(frozen=True, slots=True)
class HeatCell:
    css: str
    title: str
    href: str
    text: str


def _heat_rows(pic: services.Picture) -> list[tuple[Any, list[HeatCell | None]]]:
    """Rows of the heat map, each cell prepared here: 1,240 cells rendered through template tags cost more than the
    engine's whole report."""
    by_pair = {(p.municipality, p.system): p for p in pic.report.pairs}
    pks = {key: row.pk for key, row in pic.rows.items()}
    href = reverse("hyojunka:plan_detail", kwargs={"pk": 0}).replace("/0/", "/{}/")
    systems = catalog().systems
    rows = []
    for m in pic.report.by_municipality:
        cells: list[HeatCell | None] = []
        for s in systems:
            p = by_pair.get((m.key, s.id))
            if p is None:
                cells.append(None)
                continue
            css = f"h{int(p.progress // 10)}" + (" risk" if p.at_risk else "")
            cells.append(HeatCell(css, f"{m.name} {p.system_name}: {p.progress}% {p.kind}",
                                  href.format(pks[m.key, s.id]), str(p.completed)))
        rows.append((m, cells))
    return rows


def _unreported(pic: services.Picture, today: date) -> list[str]:
    """Municipalities of the selection that have not sent this month's update yet."""
    sent = set(MonthlyReport.objects.unscoped("東京都 follows every municipality's monthly update").filter(
        month=today.replace(day=1)).values_list("organisation__code", flat=True))
    return [g.name for g in pic.report.by_municipality if g.key not in sent]


@roles.tokyo_required
def dashboard(request: HttpRequest) -> HttpResponse:
    form, pic, as_of = _selection(request)
    report = pic.report
    return render(request, "hyojunka/dashboard.html", {
        "form": form, "as_of": as_of, "report": report, "systems": catalog().systems,
        "heat": _heat_rows(pic), "at_risk": [(p, pic.rows[p.municipality, p.system].pk)
                                             for p in sorted(report.at_risk, key=lambda p: (p.kind, p.deadline))],
        "chart": mark_safe(progress_svg(services.history(pic, as_of))),  # numbers and dates only
        "query": request.GET.urlencode(), "unreported": _unreported(pic, timezone.localdate()),
    })


@roles.tokyo_required
def dashboard_export(request: HttpRequest) -> HttpResponse:
    _, pic, as_of = _selection(request)
    record_request(request, HyojunkaAction.EXPORT, None, as_of=as_of.isoformat(), pairs=len(pic.plans))
    sheets = report_sheets(pic.report, pic.plans, pic.steps)
    return xlsx_response(xlsx_writer(sheets), f"標準化進捗_{as_of:%Y%m%d}.xlsx")


@member_required
def overview(request: HttpRequest) -> HttpResponse:
    """Tokyo-wide figures by system, without names, and the plans their owners have shared."""
    as_of = timezone.localdate()
    rows = list(roles.all_plans().select_related("organisation"))
    pic = services.picture(rows, as_of)
    shared = [row for row in rows if row.shared and row.organisation_id != request.user.organisation_id]  # type: ignore[union-attr]
    return render(request, "hyojunka/overview.html", {
        "by_system": pic.report.by_system, "risk_counts": pic.report.risk_counts, "as_of": as_of,
        "municipalities": len(pic.report.by_municipality), "shared": shared,
    })
