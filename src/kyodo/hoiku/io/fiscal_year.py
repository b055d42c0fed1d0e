"""The fiscal year a children file was made for, read from its birth dates and age classes.

A class (年齢クラス) is the age on April 1 of the fiscal year, so a row that carries both 生年月日 and 年齢クラス
names the one fiscal year it fits. A file made for another year than the round's then fails on nearly every
row with the same message; `explain_year` replaces those messages by one that says what to change.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from kyodo.hoiku.io import template as t
from kyodo.hoiku.io.source import Source, read_source
from kyodo.hoiku.io.values import CellError, norm, parse_date, parse_int
from kyodo.problems import Problem
from kyodo.tables import TableError, header_key

# The share of rows that must agree before the file is said to be made for a year.
AGREEMENT = 0.9
# The reader's messages that a wrong fiscal year causes on every row (kyodo_layout._age_class and read_children).
_YEAR_MESSAGES = (
    re.compile(r"年齢クラス\(\d歳\)が生年月日から求めた\d+年度の年齢クラス\(\d+歳\)と異なります"),
    re.compile(r"生年月日\(.*\)から求めた\d+年度の年齢クラスは-?\d+歳で、0〜5歳の範囲外です"),
    re.compile(r"生年月日\(.*\)が\d+年4月1日より後です"),
)


@dataclass(frozen=True, slots=True)
class FilesYear:
    """The fiscal year the rows fit: `agreeing` of the `dated` rows (those with both columns filled)."""

    year: int
    agreeing: int
    dated: int


def fitting_year(birth: date, age_class: int) -> int:
    """The fiscal year whose April 1 gives this age class (kyodo.hoiku.model.instance.age_class_on)."""
    return birth.year + age_class + (1 if (birth.month, birth.day) > (4, 1) else 0)


def files_fiscal_year(children: Source) -> FilesYear | None:
    """The year most rows fit, when at least AGREEMENT of the dated rows fit it; None when the file has no
    birth dates with age classes (ChilmAI's format, or only one of the two columns) or cannot be read."""
    try:
        table = read_source(children, role="children")
    except TableError:
        return None
    keys = [header_key(h) for h in table.headers]

    def index(header: str, aliases: tuple[str, ...] = ()) -> int | None:
        for name in (header, *aliases):
            if header_key(name) in keys:
                return keys.index(header_key(name))
        return None

    birth_at, age_at = index(t.BIRTH_DATE), index(t.AGE_CLASS, t.ALIASES[t.AGE_CLASS])
    if birth_at is None or age_at is None:
        return None
    years: Counter[int] = Counter()
    for _row, cells in table.rows:
        try:
            birth = parse_date(cells[birth_at])
            age = parse_int(norm(cells[age_at]).removesuffix("歳児").removesuffix("歳"))
        except CellError:
            continue
        years[fitting_year(birth, age)] += 1
    if not years:
        return None
    year, agreeing = years.most_common(1)[0]
    dated = sum(years.values())
    return FilesYear(year, agreeing, dated) if agreeing >= AGREEMENT * dated else None


def explain_year(
    problems: list[Problem], children: Source, fiscal_year: int | None, hint: str
) -> tuple[list[Problem], FilesYear | None]:
    """The problems with those a wrong fiscal year causes replaced by one message, and the files' year.

    Only when the file fits another year than `fiscal_year`; `hint` says what to change where the caller
    takes the year ({year} is the files' year), e.g. the CLI's 「--fiscal-year {year} を指定してください」.
    """
    if fiscal_year is None or not any(_from_year(p) for p in problems):
        return problems, None
    found = files_fiscal_year(children)
    if found is None or found.year == fiscal_year:
        return problems, found
    caused = [p for p in problems if _from_year(p)]
    message = (
        f"申込ファイルの年齢クラスは{found.year}年度({found.year}年4月1日時点の年齢)のものです"
        f"(生年月日と年齢クラスのある{found.dated}行のうち{found.agreeing}行)。{fiscal_year}年度として読んだため、"
        f"{len(caused)}行で年齢クラスが合いません。{hint.format(year=found.year)}"
        f"{fiscal_year}年度の申込なら、年齢クラスを{fiscal_year}年4月1日時点の年齢に直してください"
    )
    first = next(p for p in problems if _from_year(p))
    kept = [p for p in problems if not _from_year(p)]
    return [Problem(message, file=first.file, column=t.AGE_CLASS), *kept], found


def _from_year(problem: Problem) -> bool:
    return any(pattern.search(problem.message) for pattern in _YEAR_MESSAGES)
