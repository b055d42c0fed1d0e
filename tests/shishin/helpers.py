"""Small documents for the shishin tests."""

from __future__ import annotations

from pathlib import Path

from kyodo.shishin.model import Document
from kyodo.shishin.parse import parse_document

DATA = Path(__file__).resolve().parents[2] / "src/kyodo/shishin/data"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples/shishin"


def doc(body: str, *, version: str = "1.0", publisher: str = "東京都", extra: str = "") -> Document:
    front = f"---\ntitle: テスト指針\npublisher: {publisher}\nversion: \"{version}\"\nlicence: CC-BY-4.0\n{extra}---\n"
    return parse_document(front + body, f"{publisher}{version}.md")
