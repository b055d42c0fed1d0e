"""Rows the rules and parity tests share (plain functions, so the access matrix can use them too): a 江東区
version of its rules with a staff note only 江東区 may read, and a parity check of the matrix's finished run."""

from __future__ import annotations

from typing import Any

import yaml

from kyodo.hoiku.rules.workbook_import import dump_yaml
from kyodo.web.hoiku import rules_services
from kyodo.web.hoiku.models import RulesVersion, Run, RunChild
from kyodo.web.hoiku.services import UploadedFile

SECRET_NOTE = "江東区だけの職員メモ(内線7301へ確認)"


def make_version(user: Any, *, fiscal_year: int = 2027, note: str = SECRET_NOTE) -> RulesVersion:
    """A version started from the shipped 江東区 rules, with a staff note on how guardians' points combine."""
    version = rules_services.start_from_shipped(user, "koto", fiscal_year, "利用調整基準")
    doc = yaml.safe_load(version.rules_yaml)
    doc["household"]["note"] = note
    version.rules_yaml = dump_yaml(doc, "江東区 利用調整基準")
    version.save(update_fields=["rules_yaml"])
    return version


def manual_csv(run: Run, changes: dict[str, str] | None = None) -> bytes:
    """The run's own result as a manual result (児童番号, 施設番号), with some children's places changed."""
    rows = RunChild.objects.for_org(run.organisation_id).filter(run=run).order_by("child_id")
    placed = {r.child_id: r.facility_id for r in rows}
    placed.update(changes or {})
    lines = ["児童番号,施設番号", *(f"{cid},{fid}" for cid, fid in placed.items())]
    return ("\n".join(lines) + "\n").encode()


def matrix_objects(o: dict[str, Any]) -> dict[str, Any]:
    if "hoiku_rules" in o:
        return o["hoiku_rules"]  # type: ignore[no-any-return]
    run = o["run"]
    version = make_version(run.created_by)
    first = RunChild.objects.for_org(run.organisation_id).filter(run=run).exclude(facility_id="").order_by("child_id")[0]
    manual = UploadedFile("江東区手作業の結果.csv", manual_csv(run, {first.child_id: ""}))
    check = rules_services.compare_with_manual(run, run.created_by, manual)
    o["secrets"] += [SECRET_NOTE, check.file_name]
    o["hoiku_rules"] = {"version": version, "parity": check, "run": run}
    return o["hoiku_rules"]  # type: ignore[no-any-return]


def hr(name: str, **extra: Any) -> Any:
    """A matrix kwargs function: {'pk': <the object called name>, **extra}, or {} for pages without one."""
    if not name:
        return lambda o: (matrix_objects(o), {})[1]
    return lambda o: {"pk": matrix_objects(o)[name].pk, **extra}
