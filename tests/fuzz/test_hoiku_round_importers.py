"""The importers added for the clerk's year and the ward's own rules take any bytes: each reads, or gives the
project's problem list (Japanese, located), never another exception."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given

from kyodo.hoiku.model.errors import InputError
from kyodo.problems import InputError as SharedInputError
from tests.fuzz.strategies import inputs
from tests.fuzz.test_hoiku_importers import FACILITIES_CSV, FACILITIES_XLSX, FUZZ, _clear

MANUAL_CSV = "児童番号,施設番号\nC1,F01\nC2,\nC3,F02\n"
RESULT = {"children": {"C1": {}, "C2": {}, "C3": {}}, "facilities": {"F01": {}, "F02": {}}}
LETTER_TOML = (Path(__file__).parents[2] / "examples" / "hoiku" / "letter-settings.toml").read_text(encoding="utf-8")


@FUZZ
@given(inputs(MANUAL_CSV))
def test_any_manual_result_reads_or_gives_problems(data: bytes) -> None:
    from kyodo.hoiku.tools.parity import read_manual

    try:
        manual = read_manual(data, RESULT, name="manual.csv")
    except InputError as exc:
        _clear(exc.problems)
    else:
        assert set(manual) == set(RESULT["children"])


@FUZZ
@given(inputs(FACILITIES_CSV, FACILITIES_XLSX))
def test_any_vacancies_file_reads_or_gives_problems(data: bytes) -> None:
    from kyodo.hoiku.io.round_files import read_facilities_file

    try:
        facilities = read_facilities_file(("facilities.csv", data))
    except InputError as exc:
        _clear(exc.problems)
    else:
        assert facilities


@FUZZ
@given(inputs(LETTER_TOML))
def test_any_letter_settings_file_reads_or_gives_problems(data: bytes) -> None:
    from kyodo.hoiku.outputs.notices.letter import read_letter_settings

    with tempfile.TemporaryDirectory() as tmp:
        for suffix in (".toml", ".yaml"):
            path = Path(tmp) / f"letter{suffix}"
            path.write_bytes(data)
            try:
                read_letter_settings(path)
            except (InputError, SharedInputError) as exc:
                _clear(exc.problems)


def _koto_workbook() -> bytes:
    from kyodo.hoiku.rules import load_rules
    from kyodo.hoiku.rules.workbook import export_workbook

    return export_workbook(load_rules("koto"), [])


RULES_WORKBOOK = _koto_workbook()


@FUZZ
@given(inputs("基本情報\n", RULES_WORKBOOK))
def test_any_rules_workbook_imports_or_gives_problems(data: bytes) -> None:
    # What a ward uploads on the rules page: its own workbook, damaged in any way.
    from kyodo.hoiku.model.errors import RuleError
    from kyodo.hoiku.rules.versions import from_workbook

    try:
        from_workbook(data, "rules.xlsx")
    except (InputError, SharedInputError) as exc:
        _clear(exc.problems)
    except RuleError as exc:
        assert str(exc)
