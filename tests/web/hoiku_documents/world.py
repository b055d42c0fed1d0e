"""Rows the access matrix needs for the 確定 / notices ZIP / what-if pages of 江東区's finished run."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from kyodo.web.hoiku.models import NoticeArchive, WhatIf


def _empty_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("保留.pdf", b"%PDF-1.4\n%%EOF\n")
    return buffer.getvalue()


def matrix_objects(o: dict[str, Any]) -> dict[str, Any]:
    """A finished notices ZIP (draft) and a finished what-if of o["run"], made once."""
    if "hoiku_documents" not in o:
        run = o["run"]
        common = {"organisation_id": run.organisation_id, "run": run, "created_by": run.created_by,
                  "status": "done", "progress": 100}
        o["hoiku_documents"] = {
            "archive": NoticeArchive.objects.create(grouping="facility", data=_empty_zip(), files=1, **common),
            "whatif": WhatIf.objects.create(
                title="ひとり親世帯: 14点 → 20点", variant={"kind": "adjustment", "id": "single_parent", "points": 20},
                result={"groups": [], "families": {}, "changes_count": 0, "changes": []}, **common,
            ),
        }
    return o["hoiku_documents"]  # type: ignore[no-any-return]


def hd(name: str) -> Any:
    """A matrix kwargs function: {'pk': <the archive or what-if called name>}."""
    return lambda o: {"pk": matrix_objects(o)[name].pk}
