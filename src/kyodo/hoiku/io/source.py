"""An input file given by path or by its contents (an upload): one way for every reader to open it.

A source is a path, an `InputFile` (name and bytes), a (name, bytes) pair, or bare bytes (then messages call it by
its role: 児童ファイル, 施設ファイル …). Nothing is written anywhere to read it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kyodo.tables import DEFAULT_LIMITS, Limits, Table, read_table


@dataclass(frozen=True, slots=True)
class InputFile:
    """A file's contents with the name messages and the run record show (e.g. an uploaded file)."""

    name: str
    data: bytes


Source = Path | str | bytes | tuple[str, bytes] | InputFile
_DEFAULT_NAMES = {"children": "児童ファイル", "facilities": "施設ファイル", "combinations": "組合せファイル",
                  "decisions": "職員判断ファイル"}


def source_name(source: Source, role: str = "") -> str:
    if isinstance(source, InputFile):
        return source.name
    if isinstance(source, tuple):
        return source[0]
    if isinstance(source, bytes):
        return _DEFAULT_NAMES.get(role, "入力")
    return Path(source).name


def source_bytes(source: Source) -> bytes:
    """The file's bytes (for the run record's sha256). Raises OSError for a path that cannot be read."""
    if isinstance(source, InputFile):
        return source.data
    if isinstance(source, tuple):
        return source[1]
    if isinstance(source, bytes):
        return source
    return Path(source).read_bytes()


def read_source(
    source: Source,
    accept: Callable[[Sequence[str]], bool] | None = None,
    *,
    role: str = "",
    limits: Limits = DEFAULT_LIMITS,
) -> Table:
    """`kyodo.tables.read_table` on a path or on the contents. Raises TableError."""
    if isinstance(source, str | Path):
        return read_table(Path(source), accept, limits=limits)
    return read_table(source_bytes(source), accept, name=source_name(source, role), limits=limits)
