from __future__ import annotations

from django.test import Client

from kyodo.web import demo
from kyodo.web.gijiroku import demo as gijiroku_demo
from kyodo.web.gijiroku.models import Meeting
from kyodo.web.hoiku.models import LetterSetting, RulesVersion, RunStatus


def test_demo_prepares_users_a_round_and_a_finished_run_and_is_idempotent(db, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    round_ = demo.prepare(children=60, facilities=6)
    again = demo.prepare(children=60, facilities=6)
    assert again.pk == round_.pk and round_.runs.count() == 1
    run = round_.runs.get()
    assert run.status == RunStatus.DONE, run.error
    assert round_.organisation.name == "江東区"
    # under 江東区's own version of the shipped rules, with the letter settings its notices print
    assert round_.rules_version is not None and run.rules_version_id == round_.rules_version_id
    assert round_.rules_version.based_on_shipped == "koto" and RulesVersion.objects.for_org(round_.organisation).count() == 1
    assert LetterSetting.objects.for_org(round_.organisation).get().document_number.startswith("江こ保第")
    client = Client()
    response = client.post("/login/", {"username": "koto-staff", "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302
    assert "年齢クラス別の集計" in client.get(f"/hoiku/runs/{run.pk}/").content.decode()


def test_demo_main_prints_the_address_and_login_without_serving(db, tmp_path, settings, capsys, monkeypatch):
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(gijiroku_demo, "can_synthesize", lambda: False)  # as where pyopenjtalk-plus is missing
    assert demo.main(host="127.0.0.1", port=8001, children=40, facilities=5, serve=False) == 0
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8001/" in out and f"koto-admin / {demo.DEMO_PASSWORD}" in out
    assert "会議録のデモは作りません" in out and not Meeting.objects.unscoped("test").exists()
