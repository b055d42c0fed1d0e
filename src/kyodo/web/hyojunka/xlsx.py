"""A workbook written by an engine writer, sent as a download."""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import quote

from django.http import HttpResponse

from kyodo.tables import Writer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(write: Writer, filename: str) -> HttpResponse:
    with tempfile.TemporaryDirectory(prefix="kyodo-hyojunka-") as tmp:
        path = Path(tmp) / "out.xlsx"
        write(path)
        data = path.read_bytes()
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
