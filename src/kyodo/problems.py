"""Problems in an input file, as a clerk reads them: Japanese messages naming file, row and column.

Shared by every engine that reads clerks' files (hoiku, jinzai, …). No Django here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in an input, located as precisely as the input allows."""

    message: str
    file: str | None = None
    row: int | None = None  # 1-based, as a spreadsheet shows it (the header is row 1)
    column: str | None = None  # the column's header text

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"{self.row}行目")
        if self.column:
            where.append(f"「{self.column}」列")
        return f"{' '.join(where)}: {self.message}" if where else self.message


class InputError(Exception):
    """Input that cannot be used. Carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("InputError needs at least one problem")
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True, slots=True)
class ProblemGroup:
    """The same problem on several rows of one file and column, shown once with its count and first rows."""

    message: str
    file: str | None = None
    column: str | None = None
    rows: tuple[int, ...] = ()  # every row it occurs on, in order; () when it is not about rows

    FIRST_ROWS = 5

    @property
    def count(self) -> int:
        return max(len(self.rows), 1)

    @property
    def rows_text(self) -> str:
        """「2行目」, or for many rows 「215行: 2, 3, 4, 5, 6行目 ほか」."""
        if not self.rows:
            return ""
        if len(self.rows) == 1:
            return f"{self.rows[0]}行目"
        shown = ", ".join(str(r) for r in self.rows[: self.FIRST_ROWS])
        more = " ほか" if len(self.rows) > self.FIRST_ROWS else ""
        return f"{len(self.rows)}行: {shown}行目{more}"

    def __str__(self) -> str:
        where = " ".join(w for w in (self.file or "", f"「{self.column}」列" if self.column else "") if w)
        rows = f"({self.rows_text})" if self.rows else ""
        text = f"{self.message}{rows}"
        return f"{where}: {text}" if where else text


def summarise(problems: list[Problem]) -> list[ProblemGroup]:
    """One group per (file, column, message), in the order each first occurs; the rows each one names.

    A wrong file repeats one message on hundreds of rows; the clerk needs it once, with how many rows and
    where to start. The full list stays available to whoever needs every row (the web offers it as CSV).
    """
    rows: dict[tuple[str | None, str | None, str], list[int]] = {}
    for p in problems:
        found = rows.setdefault((p.file, p.column, p.message), [])
        if p.row is not None:
            found.append(p.row)
    return [
        ProblemGroup(message, file=file, column=column, rows=tuple(sorted(set(found))))
        for (file, column, message), found in rows.items()
    ]
