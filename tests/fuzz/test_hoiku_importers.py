"""Any byte string given to a nursery importer reads, or gives the project's problem list: never another exception.

Budget: 60 examples each, no deadline (the whole folder runs in well under a minute on 2 cores).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from kyodo.hoiku.io import read_instance, validate
from kyodo.hoiku.io.combinations import read_combinations
from kyodo.hoiku.model.errors import InputError, Problem, RuleError
from kyodo.hoiku.model.instance import Instance
from tests.fuzz.strategies import inputs

ROOT = Path(__file__).parents[2]
CORPUS = ROOT / "tests" / "hoiku" / "bad_inputs"
CHILDREN_CSV = (CORPUS / "good_children.csv").read_text(encoding="utf-8")
FACILITIES_CSV = (CORPUS / "good_facilities.csv").read_text(encoding="utf-8")
CHILDREN_XLSX = (ROOT / "examples" / "hoiku" / "children.xlsx").read_bytes()
FACILITIES_XLSX = (ROOT / "examples" / "hoiku" / "facilities.xlsx").read_bytes()
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)


def _clear(problems: list[Problem]) -> None:
    assert problems
    for p in problems:
        assert isinstance(p, Problem) and p.message
        assert not any(ch in p.message for ch in "\x00\x01\x1b\x7f"), p.message  # no control character echoed
        assert len(p.message) < 600, p.message


def _read(children: object, facilities: object) -> None:
    try:
        instance = read_instance(children, facilities, fiscal_year=2026)  # type: ignore[arg-type]
    except InputError as exc:
        _clear(exc.problems)
    else:
        assert isinstance(instance, Instance) and instance.children


@FUZZ
@given(inputs(CHILDREN_CSV, CHILDREN_XLSX))
def test_any_children_file_reads_or_gives_problems(data: bytes) -> None:
    _read(("children.csv", data), CORPUS / "good_facilities.csv")
    # validate agrees with read_instance and never raises either.
    assert isinstance(validate(("children.csv", data), CORPUS / "good_facilities.csv", fiscal_year=2026), list)


@FUZZ
@given(inputs(FACILITIES_CSV, FACILITIES_XLSX))
def test_any_facilities_file_reads_or_gives_problems(data: bytes) -> None:
    _read(CORPUS / "good_children.csv", ("facilities.xlsx", data))


COMBINATIONS_CSV = "ファミリーコード,総当たり順位,宛名コード1,希望施設1,宛名コード2,希望施設2\nH1,1,C1,F01,C5,F02\n"


def _sibling_ward() -> Instance:
    children = CHILDREN_CSV + "C5,H1,2021-05-05,4,F01,,,,7,就労,20,8,就労,20,8,,120000\n"
    return read_instance(("children.csv", children.encode()), CORPUS / "good_facilities.csv", fiscal_year=2026)


WARD = _sibling_ward()


@FUZZ
@given(inputs(COMBINATIONS_CSV))
def test_any_combinations_file_reads_or_gives_problems(data: bytes) -> None:
    try:
        result = read_combinations(("combinations.csv", data), WARD)
    except InputError as exc:
        _clear(exc.problems)
    else:
        assert isinstance(result, Instance)


DECISIONS_CSV = "種類,児童番号,施設番号,理由,担当者\n固定,C1,F01,医療的ケア,山田\n辞退,C2,,転居,佐藤\n"


@FUZZ
@given(inputs(DECISIONS_CSV))
def test_any_decisions_file_reads_or_gives_a_rule_error(data: bytes) -> None:
    from kyodo.hoiku.tools.reproduce import read_decisions

    with tempfile.TemporaryDirectory() as tmp:
        for suffix in (".csv", ".json"):
            path = Path(tmp) / f"decisions{suffix}"
            path.write_bytes(data)
            try:
                decisions = read_decisions(path)
            except RuleError as exc:
                assert str(exc)
            else:
                assert isinstance(decisions, list)


RULES_YAML = (ROOT / "src" / "kyodo" / "hoiku" / "rules" / "data" / "koto.yaml").read_text(encoding="utf-8")


@FUZZ
@given(inputs(RULES_YAML))
def test_any_rules_file_loads_or_gives_a_rule_error(data: bytes) -> None:
    from kyodo.hoiku.rules import load_rules

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rules.yaml"
        path.write_bytes(data)
        try:
            load_rules(path)
        except RuleError as exc:
            assert str(exc)
