"""通知書の設定 (web): an organisation administrator sets what the notices print; a run prints it, and a run on
unconfirmed rules values is marked 試行・未確定 on its page, its downloads' names and every notice page."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from kyodo.web.audit.models import AuditEntry
from kyodo.web.hoiku.models import LetterSetting, RunStatus

from .helpers import create_round, run, upload_ok

VALID = {
    "document_number": "江こ保第777号",
    "issue_date": "2027-02-01",
    "mayor": "江東 太郎",
    "contact_section": "こども未来部 保育課",
    "contact_phone": "03-3647-1234",
}


@pytest.mark.django_db
def test_an_administrator_saves_the_settings_and_staff_may_not(alice_client, bob_client) -> None:
    url = reverse("hoiku:letter_settings")
    assert alice_client.get(url).status_code == 200
    assert bob_client.get(url).status_code == 403
    assert bob_client.post(url, VALID).status_code == 403
    assert not LetterSetting.objects.unscoped("test").exists()
    response = alice_client.post(url, VALID)
    assert response.status_code == 302
    saved = LetterSetting.objects.unscoped("test").get()
    assert (saved.mayor, saved.contact_phone, str(saved.issue_date)) == ("江東 太郎", "03-3647-1234", "2027-02-01")
    assert AuditEntry.objects.for_org(saved.organisation_id).filter(action="hoiku_letter_settings").count() == 1
    alice_client.post(url, {**VALID, "mayor": "江東 次郎"})
    assert LetterSetting.objects.unscoped("test").get().mayor == "江東 次郎"  # one row per organisation, updated


@pytest.mark.django_db
def test_a_bad_phone_number_is_named_on_its_field_and_nothing_is_saved(alice_client) -> None:
    response = alice_client.post(reverse("hoiku:letter_settings"), {**VALID, "contact_phone": "いつでも"})
    assert response.status_code == 422
    assert "問い合わせ先の電話番号「いつでも」は電話番号" in response.content.decode()
    assert not LetterSetting.objects.unscoped("test").exists()


@pytest.mark.django_db
def test_a_run_prints_the_settings_and_is_marked_as_a_trial(alice_client, ward_files, settings) -> None:
    settings.HOIKU_WRITE_NOTICES = True
    alice_client.post(reverse("hoiku:letter_settings"), VALID)
    round_ = create_round(alice_client)
    upload_ok(alice_client, round_, ward_files)
    result = run(alice_client, round_)
    result.refresh_from_db()
    assert result.status == RunStatus.DONE, result.error
    assert result.trial is not None and result.trial["stamp"] == "試行・未確定" and result.trial["values"]
    page = alice_client.get(reverse("hoiku:run_detail", kwargs={"pk": result.pk})).content.decode()
    assert 'id="trial"' in page and "第1回の結果(試行・未確定)" in page
    response = alice_client.get(reverse("hoiku:download", kwargs={"pk": result.pk, "kind": "notices"}))
    assert "_trial.pdf" in response["Content-Disposition"]
    pages = [re.sub(r"\s+", "", p.extract_text()) for p in PdfReader(io.BytesIO(response.content)).pages]
    assert pages and all("試行・未確定" in p and "江こ保第777号" in p for p in pages)
    assert "江東区長江東太郎（公印省略）" in pages[0] and "令和9年2月1日" in pages[0]
