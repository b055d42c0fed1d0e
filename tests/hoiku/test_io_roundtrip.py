"""write_instance then read_instance gives back the same Instance (Hypothesis), in both layouts and formats."""

from __future__ import annotations

import dataclasses
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kyodo.hoiku.io import read_instance, write_instance
from kyodo.hoiku.io.template import KINDS, NUMERIC_FACTS
from kyodo.hoiku.model.instance import (
    AGE_CLASSES,
    CHILD_FACTS,
    HOUSEHOLD_FACTS,
    Child,
    Facility,
    Guardian,
    Household,
    Instance,
    Reason,
    age_class_on,
)
from kyodo.hoiku.tools.generate import generate_ward, with_given_points

FISCAL_YEAR = 2026
ids = st.from_regex(r"[A-Z0-9][A-Za-z0-9-]{0,5}", fullmatch=True).filter(lambda s: not s.endswith(".0"))
words = (
    st.text(alphabet="あいうえお保育園さくら港区ABC12 ・(", min_size=1, max_size=12)
    .map(str.strip)
    .filter(bool)
)


@st.composite
def facilities(draw: st.DrawFn) -> dict[str, Facility]:
    fids = draw(st.lists(ids, min_size=1, max_size=6, unique=True))
    out = {}
    for fid in fids:
        ages = draw(st.lists(st.sampled_from(AGE_CLASSES), unique=True))
        shared_ages = draw(st.lists(st.sampled_from(AGE_CLASSES), min_size=1, max_size=3, unique=True))
        out[fid] = Facility(
            id=fid,
            name=draw(words),
            kind=draw(st.sampled_from(KINDS)),
            vacancies={a: draw(st.integers(0, 9)) for a in sorted(ages)},
            # Excel keeps 15 significant digits; published coordinates have at most 7 decimals.
            latitude=draw(st.none() | st.floats(35.4, 35.9).map(lambda x: round(x, 7))),
            longitude=draw(st.none() | st.floats(139.0, 140.0).map(lambda x: round(x, 7))),
            shared_capacity=draw(
                st.just({}) | st.just({tuple(sorted(shared_ages)): draw(st.integers(0, 20))})
            ),
        )
    return out


hours = st.none() | st.floats(0, 24, allow_nan=False).map(lambda h: round(h, 2))
guardians = st.builds(
    Guardian,
    reason=st.sampled_from(list(Reason)),
    days_per_month=st.none() | st.integers(0, 31),
    hours_per_day=hours,
    days_per_week=st.none() | st.integers(0, 7),
    hours_per_week=st.none() | st.floats(0, 168).map(lambda h: round(h, 2)),
    grade=st.none() | words,
)


FACT_MAX = {"waiting_months": 240, "children_under_school_age": 20}


@st.composite
def household(draw: st.DrawFn, hid: str) -> Household:
    facts = {
        # Within the readers' plausible ranges (kyodo_layout._NUMERIC_FACT_PARSERS).
        key: (draw(st.none() | st.integers(0, FACT_MAX.get(key, 10**6))) if key in NUMERIC_FACTS
              else draw(st.booleans()))
        for key in HOUSEHOLD_FACTS
    }
    return Household(hid, tuple(draw(st.lists(guardians, max_size=2))), bool(facts["single_parent"]), facts)


@st.composite
def instances(draw: st.DrawFn) -> Instance:
    facility_map = draw(facilities())
    fids = list(facility_map)
    child_ids = draw(st.lists(ids, min_size=1, max_size=8, unique=True))
    household_ids = draw(st.lists(ids, min_size=1, max_size=len(child_ids), unique=True))
    with_points = draw(st.booleans())
    children = {}
    taken = {
        fid: set(f.vacancies) | {a for g in f.shared_capacity for a in g} for fid, f in facility_map.items()
    }
    for cid in child_ids:
        birth = draw(st.none() | st.dates(date(FISCAL_YEAR - 6, 4, 2), date(FISCAL_YEAR, 4, 1)))
        age = age_class_on(birth, FISCAL_YEAR) if birth else draw(st.sampled_from(AGE_CLASSES))
        # Only facilities that take the child's age class (or name none): Instance refuses the others.
        allowed = [f for f in fids if not taken[f] or age in taken[f]]
        if not allowed:
            birth, allowed = None, fids
            age = draw(st.sampled_from(sorted(taken[fids[0]])))
            allowed = [f for f in fids if not taken[f] or age in taken[f]]
        choices = tuple(
            draw(st.lists(st.sampled_from(allowed), min_size=1, max_size=len(allowed), unique=True))
        )
        others = [f for f in fids if f not in choices]
        siblings = tuple(draw(st.lists(st.sampled_from(fids), max_size=2, unique=True)))
        children[cid] = Child(
            id=cid,
            household_id=draw(st.sampled_from(household_ids)),
            age_class=age,
            choices=choices,
            birth_date=birth,
            current_facility=draw(st.none() | st.sampled_from(others)) if others else None,
            sibling_facilities=siblings,
            sibling_graduating=tuple(f for f in siblings if draw(st.booleans())),
            sibling_pattern=draw(st.integers(1, 7)),
            facts={key: draw(st.booleans()) for key in CHILD_FACTS},
            given_points=draw(st.integers(-5, 120)) if with_points else None,
            name=draw(st.none() | words),
            guardian_name=draw(st.none() | words),
        )
    used = {c.household_id for c in children.values()}
    households = {hid: draw(household(hid)) for hid in household_ids if hid in used}
    return Instance(facility_map, households, children, fiscal_year=FISCAL_YEAR)


def _same(a: Instance, b: Instance) -> bool:
    return dataclasses.replace(a, source={}) == dataclasses.replace(b, source={})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance=instances(), fmt=st.sampled_from(["csv", "xlsx"]))
def test_the_kyodo_template_round_trips(instance: Instance, fmt: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        directory = Path(d)
        write_instance(instance, directory, formats=(fmt,))
        got = read_instance(
            directory / f"children.{fmt}", directory / f"facilities.{fmt}", fiscal_year=FISCAL_YEAR
        )
    assert _same(got, instance)


@st.composite
def chilmai_instances(draw: st.DrawFn) -> Instance:
    base = draw(instances())
    facility_map = {
        f.id: Facility(f.id, f.name, vacancies={a: f.vacancy(a) for a in AGE_CLASSES})
        for f in base.facilities.values()
    }
    children = {}
    for c in base.children.values():
        later = draw(st.lists(st.sampled_from(c.choices[1:]), unique=True)) if len(c.choices) > 1 else []
        children[c.id] = Child(
            c.id,
            c.household_id,
            c.age_class,
            c.choices,
            current_facility=c.current_facility,
            sibling_pattern=c.sibling_pattern,
            given_points=draw(st.integers(0, 300)),
            given_points_at={f: draw(st.integers(0, 300)) for f in later},
        )
    households = {hid: Household(hid) for hid in base.households}
    return Instance(facility_map, households, children)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance=chilmai_instances(), fmt=st.sampled_from(["csv", "xlsx"]))
def test_the_chilmai_format_round_trips(instance: Instance, fmt: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        directory = Path(d)
        write_instance(instance, directory, formats=(fmt,), layout="chilmai")
        got = read_instance(directory / f"children.{fmt}", directory / f"facilities.{fmt}")
    assert _same(got, instance)


def test_a_generated_ward_round_trips_in_both_formats(tmp_path: Path) -> None:
    ward = generate_ward(children=300, facilities=30, seed=5, fiscal_year=FISCAL_YEAR)
    written = write_instance(ward, tmp_path)
    assert sorted(p.name for p in written) == [
        "children.csv",
        "children.xlsx",
        "facilities.csv",
        "facilities.xlsx",
    ]
    for fmt in ("csv", "xlsx"):
        got = read_instance(
            tmp_path / f"children.{fmt}", tmp_path / f"facilities.{fmt}", fiscal_year=FISCAL_YEAR
        )
        assert _same(got, ward)


def test_chilmai_output_carries_computed_points(tmp_path: Path) -> None:
    ward = generate_ward(children=50, facilities=10, seed=2, fiscal_year=FISCAL_YEAR)
    points = {cid: 30 + i % 9 for i, cid in enumerate(ward.children)}
    write_instance(ward, tmp_path, formats=("csv",), layout="chilmai", points=points)
    got = read_instance(tmp_path / "children.csv", tmp_path / "facilities.csv")
    assert {cid: c.given_points for cid, c in got.children.items()} == points
    given = with_given_points(ward, points)
    write_instance(given, tmp_path / "given", formats=("csv",), layout="chilmai")
    assert (tmp_path / "given" / "children.csv").read_bytes() == (tmp_path / "children.csv").read_bytes()


def test_csv_starts_with_a_bom_so_excel_reads_it(tmp_path: Path) -> None:
    ward = generate_ward(children=5, facilities=3, seed=1, fiscal_year=FISCAL_YEAR)
    write_instance(ward, tmp_path, formats=("csv",))
    assert (tmp_path / "children.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_it_refuses_unknown_layouts_and_formats(tmp_path: Path) -> None:
    ward = generate_ward(children=5, facilities=3, seed=1, fiscal_year=FISCAL_YEAR)
    with pytest.raises(ValueError, match="layout"):
        write_instance(ward, tmp_path, layout="excel")
    with pytest.raises(ValueError, match="format"):
        write_instance(ward, tmp_path, formats=("ods",))
    with pytest.raises(ValueError, match="points"):
        write_instance(ward, tmp_path, layout="chilmai")
    assert list(tmp_path.iterdir()) == []


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    ward = Instance(
        {"A": Facility("A", '=HYPERLINK("x")', vacancies={1: 1})},
        {"H": Household("H")},
        {"1": Child("1", "H", 1, ("A",), name="=1+1")},
    )
    write_instance(ward, tmp_path, formats=("xlsx",))
    got = read_instance(tmp_path / "children.xlsx", tmp_path / "facilities.xlsx")
    assert got.children["1"].name == "=1+1"
    assert got.facilities["A"].name == '=HYPERLINK("x")'


def test_the_xlsx_template_offers_drop_downs_for_coded_columns(tmp_path: Path) -> None:
    import openpyxl

    ward = generate_ward(children=5, facilities=3, seed=1, fiscal_year=FISCAL_YEAR)
    write_instance(ward, tmp_path, formats=("xlsx",))
    sheet = openpyxl.load_workbook(tmp_path / "children.xlsx").worksheets[0]
    headers = [c.value for c in sheet[1]]
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    reason_column = openpyxl.utils.get_column_letter(headers.index("保護者1_事由") + 1)
    assert "就労(居宅外)" in lists[f"{reason_column}2"]
    kinds = openpyxl.load_workbook(tmp_path / "facilities.xlsx").worksheets[0].data_validations.dataValidation
    assert any("小規模保育" in v.formula1 for v in kinds)
