from __future__ import annotations

from django.test import Client

from kyodo.web import demo
from kyodo.web.hoiku.models import RunStatus


def test_demo_prepares_users_a_round_and_a_finished_run_and_is_idempotent(db, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    round_ = demo.prepare(children=60, facilities=6)
    again = demo.prepare(children=60, facilities=6)
    assert again.pk == round_.pk and round_.runs.count() == 1
    run = round_.runs.get()
    assert run.status == RunStatus.DONE, run.error
    assert round_.organisation.name == "江東区"
    client = Client()
    response = client.post("/login/", {"username": "koto-staff", "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302
    assert "年齢クラス別の集計" in client.get(f"/hoiku/runs/{run.pk}/").content.decode()


def test_demo_main_prints_the_address_and_login_without_serving(db, tmp_path, settings, capsys):
    settings.DATA_DIR = tmp_path
    assert demo.main(host="127.0.0.1", port=8001, children=40, facilities=5, serve=False) == 0
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8001/" in out and f"koto-admin / {demo.DEMO_PASSWORD}" in out
