"""An input file given by path or by its contents (an upload): one way for every reader to open it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kyodo.tables import Table, read_table, read_table_bytes


@dataclass(frozen=True, slots=True)
class InputFile:
    """A file's contents with the name messages and the run record show (e.g. an uploaded file)."""

    name: str
    data: bytes


Source = Path | str | InputFile


def source_name(source: Source) -> str:
    return source.name if isinstance(source, InputFile) else Path(source).name


def source_bytes(source: Source) -> bytes:
    """The file's bytes (for the run record's sha256). Raises OSError for a path that cannot be read."""
    return source.data if isinstance(source, InputFile) else Path(source).read_bytes()


def read_source(source: Source, accept: Callable[[Sequence[str]], bool] | None = None) -> Table:
    """`kyodo.tables.read_table` on a path, or on the contents without writing them anywhere. Raises TableError."""
    if isinstance(source, InputFile):
        return read_table_bytes(source.data, source.name, accept)
    return read_table(Path(source), accept)
