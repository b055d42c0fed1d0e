"""An uploaded file, kept on disk under its own name only while an engine reader reads it (messages name it)."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_UNSAFE = re.compile(r"[\\/\x00-\x1f]")


@contextmanager
def as_path(upload: Any) -> Iterator[Path]:
    name = _UNSAFE.sub("_", Path(upload.name).name) or "upload.xlsx"
    with tempfile.TemporaryDirectory(prefix="kyodo-hyojunka-") as tmp:
        path = Path(tmp) / name
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        yield path
