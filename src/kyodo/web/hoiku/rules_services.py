"""The web's calls into the rules engine: make a version (from a shipped ward or an upload), confirm a value,
compare a version with the one before it, and compare a run with a manual result.

No rule logic here: `kyodo.hoiku.rules.versions` reads and checks, `rules.diff` compares, `rules.confirm` marks
a value, `tools.parity` compares results. This module stores what they return.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from kyodo.web.hoiku.models import ParityCheck, RulesOrigin, RulesVersion, Run
from kyodo.web.hoiku.services import UploadedFile, run_rules, safe_name

if TYPE_CHECKING:
    from kyodo.hoiku.rules import Rules
    from kyodo.hoiku.rules.diff import ItemChange
    from kyodo.hoiku.rules.versions import VersionText


@dataclass(frozen=True)
class Baseline:
    """What a version is compared with: its previous version, or the shipped ward it was started from."""

    label: str
    rules: Rules
    version: RulesVersion | None = None


def _create(organisation_id: int, user: Any, text: VersionText, **fields: Any) -> RulesVersion:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                taken = RulesVersion.objects.for_org(organisation_id).filter(fiscal_year=fields["fiscal_year"])
                number = (taken.aggregate(n=Max("number"))["n"] or 0) + 1
                version: RulesVersion = RulesVersion.objects.create(
                    organisation_id=organisation_id, number=number, created_by=user,
                    rules_yaml=text.rules_yaml, cases_yaml=text.cases_yaml, **fields,
                )
            return version
        except IntegrityError:  # two versions of one year made at once took the same number
            continue
    raise RuntimeError("版の番号を決められませんでした")


def start_from_shipped(user: Any, shipped: str, fiscal_year: int, title: str) -> RulesVersion:
    from kyodo.hoiku.rules.versions import from_shipped

    return _create(
        user.organisation_id, user, from_shipped(shipped), fiscal_year=fiscal_year, title=title,
        origin=RulesOrigin.SHIPPED, based_on_shipped=shipped,
    )


def newest_version(organisation_id: int) -> RulesVersion | None:
    found: RulesVersion | None = RulesVersion.objects.for_org(organisation_id).order_by("-created_at", "-id").first()
    return found


def read_rules_upload(rules: UploadedFile, cases: UploadedFile | None) -> tuple[VersionText, str]:
    """Check an uploaded workbook or YAML (with its examples) through the engine. Raises InputError."""
    from kyodo.hoiku.rules.versions import YAML_SUFFIXES, from_workbook, from_yaml

    name = safe_name(rules.name)
    if name.lower().endswith(YAML_SUFFIXES):
        cases_name = safe_name(cases.name) if cases else ""
        return from_yaml(rules.data, name, cases.data if cases else None, cases_name), str(RulesOrigin.YAML)
    return from_workbook(rules.data, name), str(RulesOrigin.WORKBOOK)


def store_upload(
    user: Any, text: VersionText, origin: str, file_name: str, fiscal_year: int, title: str,
    based_on: RulesVersion | None,
) -> RulesVersion:
    from kyodo.web.hoiku.forms_rules import own_shipped

    based_on = based_on or newest_version(user.organisation_id)
    shipped = "" if based_on is not None else own_shipped(user.organisation)
    return _create(
        user.organisation_id, user, text, fiscal_year=fiscal_year, title=title, origin=origin,
        file_name=safe_name(file_name), based_on=based_on, based_on_shipped=shipped,
    )


def confirm(version: RulesVersion, where: str, user: Any) -> RulesVersion:
    """Mark one value 確認済み by the user today, in the version's text (locked: two clerks at once both count).
    Raises RuleError for a value the version does not have."""
    from kyodo.hoiku.rules.confirm import confirm_value
    from kyodo.hoiku.rules.versions import rules_from_text
    from kyodo.hoiku.rules.workbook_import import dump_yaml

    with transaction.atomic():
        locked: RulesVersion = RulesVersion.objects.for_org(version.organisation_id).select_for_update().get(
            pk=version.pk
        )
        doc = confirm_value(
            yaml.safe_load(locked.rules_yaml), where, by=user.display_name or user.username,
            on=timezone.localdate().isoformat(),
        )
        heading = locked.rules_yaml.splitlines()[0].removeprefix("# ") if locked.rules_yaml.startswith("# ") else ""
        text = dump_yaml(doc, heading or version.display_name)
        rules_from_text(text, name=version.display_name, file_name=version.display_name)  # still loads
        locked.rules_yaml = text
        locked.save(update_fields=["rules_yaml"])
    return locked


def baseline(version: RulesVersion) -> Baseline | None:
    from kyodo.hoiku.rules import load_rules
    from kyodo.web.hoiku.models_rules import shipped_label

    if version.based_on_id is not None:
        before = RulesVersion.objects.for_org(version.organisation_id).select_related("organisation").get(
            pk=version.based_on_id
        )
        return Baseline(before.display_name, before.rules(), before)
    if version.based_on_shipped:
        return Baseline(shipped_label(version.based_on_shipped), load_rules(version.based_on_shipped))
    return None


def changes(version: RulesVersion, rules: Rules) -> tuple[Baseline | None, list[ItemChange]]:
    from kyodo.hoiku.rules.diff import diff_rules

    base = baseline(version)
    return base, (diff_rules(base.rules, rules) if base is not None else [])


def compare_with_manual(run: Run, user: Any, manual: UploadedFile) -> ParityCheck:
    """Compare a finished run with a manual result and keep the comparison. Raises InputError (file, row, column)."""
    from kyodo.hoiku.tools.parity import parity, parity_xlsx_bytes, read_manual

    result = json.loads(gzip.decompress(bytes(run.result_json)))
    name = safe_name(manual.name)
    chosen = read_manual(manual.data, result, name=name)
    rules = run_rules(run)
    report = parity(result, chosen, list(rules.tie_break) if rules is not None else [])
    check: ParityCheck = ParityCheck.objects.create(
        organisation_id=run.organisation_id, run=run, file_name=name, data=manual.data,
        sha256=hashlib.sha256(manual.data).hexdigest(), children=report.children, same=report.same,
        report=report.to_dict(), workbook=parity_xlsx_bytes(report), created_by=user,
    )
    return check
