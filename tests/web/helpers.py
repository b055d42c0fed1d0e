"""Steps the web tests share: create a round, upload files, run."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kyodo.web.hoiku.models import InputSet, Round, Run


def create_round(client: Client, *, rules: str = "koto", fiscal_year: int = 2026) -> Round:
    response = client.post(
        "/hoiku/rounds/new/",
        {"title": "江東区4月入所", "fiscal_year": fiscal_year, "phase": "first", "rules_name": rules, "seed": 5},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Round.objects.unscoped("test").latest("id")


def upload(client: Client, round_: Round, children: Path, facilities: Path):  # type: ignore[no-untyped-def]
    return client.post(
        f"/hoiku/rounds/{round_.pk}/upload/",
        {
            "children": SimpleUploadedFile(children.name, children.read_bytes()),
            "facilities": SimpleUploadedFile(facilities.name, facilities.read_bytes()),
        },
    )


def upload_ok(client: Client, round_: Round, ward: Path, fmt: str = "csv") -> InputSet:
    response = upload(client, round_, ward / f"children.{fmt}", ward / f"facilities.{fmt}")
    assert response.status_code == 302, response.content.decode()[:3000]
    return InputSet.objects.unscoped("test").latest("id")


def run(client: Client, round_: Round) -> Run:
    response = client.post(f"/hoiku/rounds/{round_.pk}/run/")
    assert response.status_code == 302
    return Run.objects.unscoped("test").latest("id")
