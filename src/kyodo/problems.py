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
