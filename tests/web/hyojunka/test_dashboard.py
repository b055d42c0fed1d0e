"""Tokyo's dashboard over a generated Tokyo-wide history: heat map, at-risk reasons, chart, filters, export."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from kyodo.hyojunka.generate import generate
from kyodo.municipalities import BY_CODE
from kyodo.web.accounts.models import Organisation
from kyodo.web.audit.models import AuditEntry
from kyodo.web.hyojunka.models import Plan

AS_OF = "2026-11-30"


def load_generated(seed: int = 1, codes: tuple[str, ...] = ("131083", "131113", "132012", "133621")) -> None:
    """The generator's plans for a few municipalities, as rows."""
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=codes)}
    made = generate(seed=seed, municipalities=[BY_CODE[c] for c in codes])
    rows = []
    for p in made.plans:
        rows.append(Plan(
            organisation=orgs[p.municipality], system=p.system, vendor=p.vendor, product=p.product,
            platform=p.platform, form=str(p.form), deadline=date.fromordinal(p.deadline), tokutei=p.tokutei,
            reason=p.reason or "", cost_before=p.cost_before, cost_after=p.cost_after,
            steps={str(n): date.fromordinal(d).isoformat() for n, d in made.steps[p.key].items()},
        ))
    Plan.objects.bulk_create(rows)


@pytest.fixture
def generated(db) -> None:
    load_generated()


def test_the_dashboard_shows_heat_map_risks_chart_reasons_and_cost(dora_client, generated):
    page = dora_client.get(f"/hyojunka/dashboard/?as_of={AS_OF}").content.decode()
    assert page.count('<th class="sys">') == 20
    for name in ("江東区", "大田区", "八王子市", "利島村"):
        assert f"<tr><th>{name}</th>" in page
    assert page.count("<td class=\"h") == 80
    assert 'id="progress-chart"' in page and "<polyline" in page
    assert "特定移行支援システム(理由区分別)" in page and "メインフレーム" in page
    assert "目標 30%削減" in page
    assert page.count('id="at-risk"') == 1 and page.index("<main>") < page.index('id="at-risk"')
    at_risk = page.split('id="at-risk"')[1].split("</table>")[0]
    assert at_risk.count("<tr>") - 1 == page.count(" risk\"")  # one red outline per at-risk row


def test_filters_narrow_the_dashboard_by_area_and_size_band(dora_client, generated):
    islands = dora_client.get(f"/hyojunka/dashboard/?area=島しょ&as_of={AS_OF}").content.decode()
    assert "<tr><th>利島村</th>" in islands and "<tr><th>江東区</th>" not in islands
    big = dora_client.get(f"/hyojunka/dashboard/?band=特大&as_of={AS_OF}").content.decode()
    assert "<tr><th>江東区</th>" in big and "<tr><th>大田区</th>" in big and "<tr><th>利島村</th>" not in big


def test_the_excel_export_is_the_survey_shape_of_the_selection(dora_client, generated, dora):
    response = dora_client.get(f"/hyojunka/dashboard/export.xlsx?area=区部&as_of={AS_OF}")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames[:2] == ["進捗調査", "遅延リスク"]
    rows = list(book["進捗調査"].iter_rows(values_only=True))
    assert rows[0][:3] == ("団体コード", "団体", "業務") and len(rows) == 1 + 40
    assert {r[1] for r in rows[1:]} == {"江東区", "大田区"}
    assert AuditEntry.objects.for_org(dora.organisation).filter(action="hyojunka_export").count() == 1


def test_the_dashboard_lists_who_has_not_sent_this_months_update(dora_client, bob_client, generated):
    assert "未報告 4 団体" in dora_client.get(f"/hyojunka/dashboard/?as_of={AS_OF}").content.decode()
    bob_client.post("/hyojunka/report/")
    page = dora_client.get(f"/hyojunka/dashboard/?as_of={AS_OF}").content.decode()
    assert "未報告 3 団体" in page and "江東区" not in page.split('id="unreported"')[1].split("</p>")[0]


def test_a_municipal_user_cannot_open_the_dashboard(bob_client, generated):
    assert bob_client.get("/hyojunka/dashboard/").status_code == 403
