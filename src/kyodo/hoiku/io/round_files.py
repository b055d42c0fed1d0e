"""An Instance as the two input files a round stores (bytes), and the facilities file of a file pair alone.

A round built from another one (carried over, or with edited vacancies) is stored like an upload: as files the
reader reads back to the same Instance, so that running, reproducing and downloading need nothing new.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from kyodo.hoiku.io.reader import CHILMAI, KYODO, _read_facilities
from kyodo.hoiku.io.source import InputFile, Source
from kyodo.hoiku.io.writer import write_instance
from kyodo.hoiku.model.instance import Facility, Instance
from kyodo.problems import InputError, Problem
from kyodo.tables import DEFAULT_LIMITS


def instance_files(instance: Instance, stem: str) -> tuple[InputFile, InputFile]:
    """(children, facilities) CSV files named `<stem>_children.csv` and `<stem>_facilities.csv`.

    Kyodo's template, or ChilmAI's format when the children carry points (it keeps points per choice)."""
    layout = CHILMAI if instance.points_given else KYODO
    with tempfile.TemporaryDirectory() as directory:
        written = write_instance(instance, Path(directory), formats=("csv",), layout=layout)
        data = {path.stem: path.read_bytes() for path in written}
    return (
        InputFile(f"{stem}_children.csv", data["children"]),
        InputFile(f"{stem}_facilities.csv", data["facilities"]),
    )


def read_facilities_file(source: Source) -> dict[str, Facility]:
    """The facilities of a facilities file (either layout). Raises InputError (file, row, column)."""
    problems: list[Problem] = []
    facilities = _read_facilities(source, problems, DEFAULT_LIMITS)
    if problems or facilities is None:
        raise InputError(problems or [Problem("施設ファイルを読めませんでした")])
    return facilities



def example_instance(fiscal_year: int) -> Instance:
    """One facility and one child applying to it: the example row of each template."""
    from datetime import date

    from kyodo.hoiku.model.instance import Child, Guardian, Household, Reason

    facility = Facility("1001", "区立みどり保育園", vacancies={0: 3, 1: 5, 2: 2, 3: 0, 4: 0, 5: 0})
    guardians = (Guardian(Reason.EMPLOYMENT, days_per_month=20, hours_per_day=8, days_per_week=5, hours_per_week=40),
                 Guardian(Reason.EMPLOYMENT, days_per_month=16, hours_per_day=6, days_per_week=4, hours_per_week=24))
    household = Household("H0001", guardians, facts={"municipal_tax": 120000, "waiting_months": 0,
                                                     "children_under_school_age": 1})
    child = Child("C0001", "H0001", 1, ("1001",), birth_date=date(fiscal_year - 2, 6, 15), name="共働 はな")
    return Instance({"1001": facility}, {"H0001": household}, {"C0001": child}, fiscal_year=fiscal_year)


def example_files(fiscal_year: int) -> dict[str, bytes]:
    """Kyodo's children and facilities templates as Excel: Japanese headers, drop-down lists, one example row."""
    with tempfile.TemporaryDirectory() as directory:
        written = write_instance(example_instance(fiscal_year), Path(directory), formats=("xlsx",))
        return {path.stem: path.read_bytes() for path in written}
