"""The organisations seeded into the platform: 東京都 plus the 62 municipalities of kyodo.municipalities."""

from __future__ import annotations

from kyodo.municipalities import MUNICIPALITIES

TOKYO = ("130001", "東京都", "都")


def organisation_rows() -> list[tuple[str, str, str]]:
    """(code, name, kind) for Tokyo and each municipality, Tokyo first."""
    return [TOKYO, *((m.code, m.name, m.kind) for m in MUNICIPALITIES)]
