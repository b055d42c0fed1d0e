"""Importing a file of the organisation's own cases (Excel/CSV): every problem by row and column, or all saved."""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePosixPath

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kyodo.jirei.io import COLUMNS, REQUIRED_COLUMNS, read_cases
from kyodo.jirei.records import CaseRecord
from kyodo.problems import InputError, Problem
from kyodo.web.accounts.permissions import member_required
from kyodo.web.audit.log import record_request
from kyodo.web.jirei import services
from kyodo.web.jirei.actions import JireiAction
from kyodo.web.jirei.forms import ImportForm


def own_rows_only(records: list[CaseRecord], org_name: str, file: str) -> list[Problem]:
    """A municipality imports its own cases only (row numbers: the header is row 1)."""
    return [Problem(f"自組織({org_name})の事例だけを取り込めます(「{r.organisation}」)。", file=file,
                    row=r.row or None, column="団体") for r in records if r.organisation != org_name]


@member_required
def import_cases(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = PurePosixPath(upload.name).name
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"upload{PurePosixPath(name).suffix.lower()}"
            path.write_bytes(upload.read())
            try:
                records = read_cases(path, display_name=name)
            except InputError as exc:
                problems = exc.problems
                records = []
        org = request.user.organisation
        if records:
            problems = own_rows_only(records, org.name, name)
        if not problems:
            counts = services.import_records(records, {org.name: org}, request.user)
            record_request(request, JireiAction.IMPORT, file=name, **counts)
            messages.success(request, f"{counts['created']}件を登録、{counts['updated']}件を更新しました"
                                      "(公開の列が「公開」でない事例は下書きです)。")
            return redirect("jirei:mine")
    return render(request, "jirei/import.html", {
        "form": form, "problems": problems, "required": REQUIRED_COLUMNS,
        "optional": [c for c in COLUMNS if c not in REQUIRED_COLUMNS],
    })
