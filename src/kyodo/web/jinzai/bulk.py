"""Bulk import and export of the pool and of requests, in the CLI's documented columns (Excel or CSV).

The engine's readers check every cell (`kyodo.jinzai.readers`); this module only maps their result onto rows, all in
one transaction, so a file with any problem saves nothing. A re-import updates: a specialist is matched by its 人材ID
(`Specialist.external_id`, or `S<pk>` as the export writes for one entered in the form), a request by its 依頼ID
within the requesting organisation (`TalentRequest.external_id`, or `R<pk>`).
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from kyodo.jinzai import model as engine
from kyodo.jinzai.formats import REQUEST_COLUMNS, SPECIALIST_COLUMNS, request_rows, specialist_rows
from kyodo.jinzai.readers import read_requests, read_specialists
from kyodo.municipalities import BY_CODE
from kyodo.problems import InputError, Problem
from kyodo.tables import Writer
from kyodo.web.accounts.models import Organisation
from kyodo.web.jinzai.models import Absence, Specialist, TalentRequest
from kyodo.web.jinzai.services import engine_request, engine_specialist

MODE_NAMES = {modes: name for name, modes in engine.SPECIALIST_MODES.items()}
TITLE_LENGTH = 40


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int

    @property
    def message(self) -> str:
        return f"{self.created}件を登録し、{self.updated}件を更新しました。"


def _check_type(name: str) -> None:
    if Path(name).suffix.lower() not in (".xlsx", ".csv"):
        raise InputError([Problem("Excel(.xlsx)か CSV のファイルを選んでください。", file=name)])


def _specialist_key(s: Specialist) -> str:
    return s.external_id or s.engine_id


def _pool(tokyo_org_id: int) -> dict[str, Specialist]:
    return {_specialist_key(s): s for s in Specialist.objects.for_org(tokyo_org_id)}


def import_specialists(tokyo: Organisation, name: str, data: bytes) -> ImportResult:
    """The pool file (人材一覧): new ids are added, known ids updated; absences are replaced by the file's."""
    _check_type(name)
    rows = read_specialists(data, name=name)
    pool = _pool(tokyo.pk)
    created = updated = 0
    with transaction.atomic():
        for row in rows:
            s = pool.get(row.id)
            if s is None:
                s = Specialist(organisation=tokyo, external_id=row.id)
                created += 1
            else:
                updated += 1
            s.external_id = s.external_id or row.id
            s.name, s.role_type, s.skills = row.name, row.role_type or "", dict(row.skills)
            s.hours_per_week, s.current_load_hours = row.hours_per_week, row.current_load_hours
            s.modes, s.home_area = MODE_NAMES[row.modes], row.home_area
            s.conflicts, s.max_cases = sorted(row.conflicts), row.max_cases
            s.save()
            Absence.objects.for_org(tokyo.pk).filter(specialist=s).delete()
            Absence.objects.bulk_create(
                Absence(organisation=tokyo, specialist=s, start=a, end=b) for a, b in row.absences
            )
    return ImportResult(created, updated)


def import_requests(tokyo: Organisation, user: Any, name: str, data: bytes, *, own_only: bool) -> ImportResult:
    """The requests file (依頼一覧). `own_only`: a municipality may import only rows of its own organisation."""
    pool = _pool(tokyo.pk)
    _check_type(name)
    rows = read_requests(data, set(pool), name=name)
    organisations = {o.code: o for o in Organisation.objects.filter(code__in={r.municipality for r in rows})}
    if own_only:
        wrong = [r for r in rows if r.municipality != user.organisation.code]
        if wrong:
            raise InputError([
                Problem(f"依頼ID「{r.id}」は{BY_CODE[r.municipality].name}の依頼です。"
                        f"{user.organisation.name}の依頼だけを取り込めます。", file=name, column="団体")
                for r in wrong
            ])
    created = updated = 0
    with transaction.atomic():
        for row in rows:
            org = organisations[row.municipality]
            existing = {_request_key(r): r for r in TalentRequest.objects.for_org(org.pk)}
            r = existing.get(row.id)
            if r is None:
                r = TalentRequest(organisation=org, external_id=row.id, created_by=user)
                created += 1
            else:
                updated += 1
            r.external_id = r.external_id or row.id
            r.title = (row.category or row.purpose)[:TITLE_LENGTH]
            r.category, r.purpose, r.deliverable = row.category, row.purpose, row.deliverable
            r.skills, r.mode, r.amount, r.unit = dict(row.skills), row.mode.value, row.amount, row.unit.value
            r.start, r.end, r.urgency = row.start, row.end, row.urgency.value
            r.preferred = pool[row.preferred] if row.preferred else None
            r.excluded = sorted(pool[sid].pk for sid in row.excluded)
            r.save()
    return ImportResult(created, updated)


def _request_key(r: TalentRequest) -> str:
    return r.external_id or r.engine_id


def specialist_table(specialists: Iterable[Specialist]) -> tuple[list[str], list[list[Any]]]:
    """The pool in the import's columns (an export can be edited and imported again)."""
    rows = []
    for s in specialists:
        engine_row = engine_specialist(s, frozenset())
        rows.append(dataclasses.replace(engine_row, id=_specialist_key(s)))
    instance = engine.Instance(tuple(rows), ())
    return list(SPECIALIST_COLUMNS), specialist_rows(instance)


def request_table(requests: Iterable[TalentRequest]) -> tuple[list[str], list[list[Any]]]:
    keys = {s.pk: _specialist_key(s) for s in Specialist.objects.unscoped("ids for the export's specialist columns")}
    rows = []
    for r in requests:
        engine_row = engine_request(r)
        rows.append(dataclasses.replace(
            engine_row, id=_request_key(r),
            preferred=keys.get(r.preferred_id) if r.preferred_id else None,
            excluded=frozenset(keys[pk] for pk in r.excluded if pk in keys),
        ))
    instance = engine.Instance((), tuple(rows))
    return list(REQUEST_COLUMNS), request_rows(instance)


def table_bytes(suffix: str, header: list[str], rows: list[list[Any]]) -> bytes:
    """An export as file bytes, through the shared table writer (text is never written as a formula)."""
    from kyodo.jinzai.io import table_writer

    write: Writer = table_writer(suffix, header, rows)
    with tempfile.TemporaryDirectory(prefix="kyodo-jinzai-") as folder:
        path = Path(folder) / f"export{suffix}"
        write(path)
        return path.read_bytes()
