"""What the management commands do, step by step (each step testable on its own)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kyodo.jirei.io import read_cases
from kyodo.jirei.records import CaseRecord
from kyodo.problems import InputError, Problem
from kyodo.web.accounts.models import Organisation
from kyodo.web.jirei import services


def organisations_of(records: Sequence[CaseRecord], file: str) -> dict[str, Organisation]:
    """Each record's organisation in the database (an operator may import for any), or InputError."""
    names = {r.organisation for r in records}
    found = {o.name: o for o in Organisation.objects.filter(name__in=names)}
    problems = [Problem(f"組織「{r.organisation}」がデータベースにありません(migrate で作られます)。", file=file,
                        row=r.row or None, column="団体") for r in records if r.organisation not in found]
    if problems:
        raise InputError(problems)
    return found


def import_file(path: Path) -> dict[str, int]:
    """Read, check every row, then save all in one transaction (or raise InputError having saved nothing)."""
    records = read_cases(path)
    counts: dict[str, int] = services.import_records(records, organisations_of(records, path.name), None)
    return counts


def public_id(external_id: str, pk: int) -> str:
    """How operators name a case: its 事例ID when it has one, else its number."""
    return external_id or str(pk)
