"""Steps the gijiroku web tests share."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client


def upload(client: Client, path: Path | None = None, *, name: str | None = None, data: bytes | None = None,
           **fields: Any):  # type: ignore[no-untyped-def]
    content = data if data is not None else path.read_bytes()  # type: ignore[union-attr]
    values = {"title": "総務委員会", "started_at": "2026-11-20T10:00", "place": "第一委員会室",
              "attendees": "事務局:佐藤花子,議長:山田太郎", "speakers_expected": "2"}
    values.update(fields)
    recording = SimpleUploadedFile(name or path.name, content, content_type="audio/wav")  # type: ignore[union-attr]
    return client.post("/gijiroku/upload/", {**values, "recording": recording})
