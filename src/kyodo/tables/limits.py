"""How much a table may hold before it is refused, and the characters no cell may carry.

The limits protect the process (memory, time) and the outputs (what XML and Excel cannot carry): a file over any of
them is refused with a Japanese message naming the limit, before the work it would cost. Defaults suit a whole
ward's applications with room to spare (50,000 rows read from XLSX in about a second). The environment overrides
them for every reader, CLI and web alike: KYODO_TABLE_FILE_BYTES, KYODO_TABLE_ROWS, KYODO_TABLE_COLUMNS,
KYODO_TABLE_CELL_CHARS, KYODO_TABLE_XLSX_UNCOMPRESSED_BYTES, KYODO_TABLE_XLSX_RATIO (`Limits.from_env`, read once
at import into DEFAULT_LIMITS; the web shows them as settings.TABLE_LIMITS).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Limits on one table file. Every field is documented in examples/hoiku/README.md for clerks too."""

    file_bytes: int = 32 * MIB  # the file as uploaded or read from disk
    rows: int = 100_000  # data rows (the header not counted)
    columns: int = 1_000
    cell_chars: int = 2_000  # characters in one cell
    xlsx_uncompressed_bytes: int = 256 * MIB  # all parts of an .xlsx together, as its central directory says
    xlsx_ratio: int = 200  # uncompressed ÷ compressed size of any part over 1 MiB (a zip bomb's is in the 1000s)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Limits:
        """Defaults overridden by KYODO_TABLE_FILE_BYTES, KYODO_TABLE_ROWS, … (the field names in capitals)."""
        env = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = env.get(f"KYODO_TABLE_{f.name.upper()}")
            if raw:
                try:
                    values[f.name] = int(raw)
                except ValueError as exc:
                    raise ValueError(f"KYODO_TABLE_{f.name.upper()} は整数で指定してください(指定: {raw!r})") from exc
        return cls(**values)


DEFAULT_LIMITS = Limits.from_env()


def size_text(n: int) -> str:
    """A byte count as a clerk reads it: 32 MB, 1.5 MB, 900 KB."""
    if n >= MIB:
        return f"{n / MIB:.1f}".removesuffix(".0") + " MB"
    return f"{max(1, n // 1024)} KB"


# What XML 1.0 cannot carry (openpyxl's IllegalCharacterError), plus DEL and the C1 controls, which no clerk types
# and which terminals interpret (ESC [ … starts an escape sequence; C1 CSI is its one-byte form).
# Tab, LF and CR are allowed: a cell may hold several lines.
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def visible(text: str, limit: int = 40) -> str:
    """Text safe to quote in a message: control characters shown as <U+001B>, and cut to `limit` characters."""
    shown = CONTROL_RE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)
    shown = shown.replace("\r", "<CR>").replace("\n", "<LF>").replace("\t", "<TAB>")
    return shown if len(shown) <= limit else shown[:limit] + f"…(全{len(text)}文字)"
