"""write_instance: an Instance → children.{xlsx,csv} and facilities.{xlsx,csv} that read_instance reads back.

Round trip: read_instance(write_instance(x)) == x for every fact the layout carries (Kyodo's template
carries all of model.py except given_points_at; ChilmAI's format carries ids, age class, choices,
transfers, sibling pattern and points).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from kyodo.hoiku.io import template as t
from kyodo.hoiku.io.facilities import format_shared
from kyodo.hoiku.io.reader import CHILMAI, KYODO
from kyodo.hoiku.model.instance import AGE_CLASSES, REASON_LABELS, Child, FactValue, Guardian, Instance
from kyodo.tables import write_csv, write_xlsx

Cell = str | int | float
FORMATS = ("xlsx", "csv")


def write_instance(
    instance: Instance,
    directory: Path,
    *,
    formats: Sequence[str] = FORMATS,
    layout: str = KYODO,
    points: Mapping[str, int] | None = None,
) -> list[Path]:
    """Write children.<fmt> and facilities.<fmt> for each format; return the paths written.

    layout="kyodo" writes Kyodo's template, layout="chilmai" ChilmAI's default format, which needs
    points: each child's given_points, or else points[child id] (e.g. scores computed by Kyodo, so
    that ChilmAI can be run on the same round). CSV is UTF-8 with BOM so that Excel opens it.
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format(s) {unknown}; expected some of {FORMATS}")
    if layout == KYODO:
        tables = [
            ("children", "児童", *_kyodo_children(instance)),
            ("facilities", "施設", *_kyodo_facilities(instance)),
        ]
    elif layout == CHILMAI:
        tables = [
            ("children", "児童", *_chilmai_children(instance, points or {})),
            ("facilities", "保育所", *_chilmai_facilities(instance)),
        ]
    else:
        raise ValueError(f"unknown layout {layout!r}; expected {KYODO!r} or {CHILMAI!r}")
    directory = Path(directory)
    written: list[Path] = []
    for stem, sheet_title, header, rows in tables:
        for fmt in formats:
            path = directory / f"{stem}.{fmt}"
            if fmt == "csv":
                write_csv(path, header, [[_text(v) for v in row] for row in rows])
            else:
                write_xlsx(path, sheet_title, header, rows, _dropdowns() if layout == KYODO else None)
            written.append(path)
    return written


def _dropdowns() -> dict[str, list[str]]:
    """Drop-down lists for the template's coded columns (Excel's list limit is 255 characters)."""
    reasons = list(REASON_LABELS.values())
    lists: dict[str, list[str]] = {
        t.guardian_header(n, "事由"): reasons for n in range(1, t.GUARDIAN_COUNT + 1)
    }
    yes_no = [
        h
        for key, h in [*t.HOUSEHOLD_FACT_HEADERS.items(), *t.CHILD_FACT_HEADERS.items()]
        if key not in t.NUMERIC_FACTS
    ]
    lists.update({h: ["○"] for h in yes_no})
    lists[t.SIBLING_PATTERN] = [str(n) for n in range(1, 8)]
    lists[t.KIND] = list(t.KINDS)
    return lists


def _text(value: Cell) -> str:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _fact(value: FactValue) -> Cell:
    if value is None or value is False:
        return ""
    if value is True:
        return "○"
    return value


def _number(value: float | int | None) -> Cell:
    if value is None:
        return ""
    return value


def _guardian_cells(guardian: Guardian | None) -> list[Cell]:
    if guardian is None:
        return [""] * len(t.GUARDIAN_FIELDS)
    getters: dict[str, Callable[[Guardian], Cell]] = {
        "reason": lambda g: REASON_LABELS[g.reason],
        "days_per_month": lambda g: _number(g.days_per_month),
        "hours_per_day": lambda g: _number(g.hours_per_day),
        "days_per_week": lambda g: _number(g.days_per_week),
        "hours_per_week": lambda g: _number(g.hours_per_week),
        "grade": lambda g: g.grade or "",
    }
    return [getters[fld](guardian) for fld, _, _ in t.GUARDIAN_FIELDS]


def _choice_count(children: Sequence[Child]) -> int:
    return max((len(c.choices) for c in children), default=1) or 1


def _kyodo_children(instance: Instance) -> tuple[list[str], list[list[Cell]]]:
    children = list(instance.children.values())
    n_choices = _choice_count(children)
    with_points = any(c.given_points is not None for c in children)
    # Optional columns only when some child has them, so that files written before stay the same.
    with_guardian = any(c.guardian_name for c in children)
    with_graduating = any(c.sibling_graduating for c in children)
    header = [t.CHILD_ID, t.HOUSEHOLD_ID, t.NAME, t.BIRTH_DATE, t.AGE_CLASS]
    header += [t.choice_header(n) for n in range(1, n_choices + 1)]
    header += [t.CURRENT, t.SIBLING_FACILITIES, t.SIBLING_PATTERN]
    header += [
        t.guardian_header(n, suffix)
        for n in range(1, t.GUARDIAN_COUNT + 1)
        for _, suffix, _ in t.GUARDIAN_FIELDS
    ]
    header += list(t.HOUSEHOLD_FACT_HEADERS.values()) + list(t.CHILD_FACT_HEADERS.values())
    if with_points:
        header.append(t.POINTS)
    header += [t.GUARDIAN_NAME] * with_guardian + [t.SIBLING_GRADUATING] * with_graduating
    rows: list[list[Cell]] = []
    for child in children:
        household = instance.households.get(child.household_id)
        guardians = household.guardians if household else ()
        if len(guardians) > t.GUARDIAN_COUNT:
            raise ValueError(
                f"household {child.household_id} has {len(guardians)} guardians; the template holds 2"
            )
        h_facts: dict[str, FactValue] = dict(household.facts) if household else {}
        if household is not None:
            h_facts["single_parent"] = household.single_parent
        row: list[Cell] = [
            child.id,
            child.household_id,
            child.name or "",
            child.birth_date.isoformat() if child.birth_date else "",
            child.age_class,
        ]
        row += list(child.choices) + [""] * (n_choices - len(child.choices))
        row += [child.current_facility or "", "、".join(child.sibling_facilities), child.sibling_pattern]
        for i in range(t.GUARDIAN_COUNT):
            row += _guardian_cells(guardians[i] if i < len(guardians) else None)
        row += [_fact(h_facts.get(key)) for key in t.HOUSEHOLD_FACT_HEADERS]
        row += [_fact(child.facts.get(key)) for key in t.CHILD_FACT_HEADERS]
        if with_points:
            row.append(_number(child.given_points))
        row += [child.guardian_name or ""] * with_guardian
        row += ["、".join(child.sibling_graduating)] * with_graduating
        rows.append(row)
    return header, rows


def _kyodo_facilities(instance: Instance) -> tuple[list[str], list[list[Cell]]]:
    header = [t.FACILITY_ID, t.FACILITY_NAME, t.KIND]
    header += [t.vacancy_header(age) for age in AGE_CLASSES]
    header += [t.LATITUDE, t.LONGITUDE, t.SHARED]
    rows: list[list[Cell]] = []
    for f in instance.facilities.values():
        row: list[Cell] = [f.id, f.name, f.kind]
        row += [_number(f.vacancies.get(age)) for age in AGE_CLASSES]  # blank: the facility has no such class
        row += [_number(f.latitude), _number(f.longitude), format_shared(dict(f.shared_capacity))]
        rows.append(row)
    return header, rows


def _chilmai_children(instance: Instance, points: Mapping[str, int]) -> tuple[list[str], list[list[Cell]]]:
    children = list(instance.children.values())
    n_choices = _choice_count(children)
    header = [t.CM_CHILD_ID, t.CM_HOUSEHOLD_ID, t.CM_AGE]
    header += [t.cm_score_header(n) for n in range(1, n_choices + 1)]
    header += [t.cm_choice_header(n) for n in range(1, n_choices + 1)]
    header += [t.CM_CURRENT, t.CM_SIBLING_PATTERN]
    rows: list[list[Cell]] = []
    missing = []
    for child in children:
        base = child.given_points if child.given_points is not None else points.get(child.id)
        if base is None:
            missing.append(child.id)
            continue
        scores: list[Cell] = [base]
        for n in range(1, n_choices):
            at = child.given_points_at.get(child.choices[n]) if n < len(child.choices) else None
            scores.append("" if at is None else at)
        row: list[Cell] = [child.id, child.household_id, child.age_class, *scores]
        row += list(child.choices) + [""] * (n_choices - len(child.choices))
        row += [child.current_facility or "", child.sibling_pattern]
        rows.append(row)
    if missing:
        raise ValueError(
            f"ChilmAI's format needs points; none for {len(missing)} children (e.g. {missing[0]})"
        )
    return header, rows


def _chilmai_facilities(instance: Instance) -> tuple[list[str], list[list[Cell]]]:
    header = [t.CM_FACILITY_ID, t.CM_FACILITY_NAME] + [t.cm_vacancy_header(age) for age in AGE_CLASSES]
    rows: list[list[Cell]] = [
        [f.id, f.name] + [f.vacancy(age) for age in AGE_CLASSES] for f in instance.facilities.values()
    ]
    return header, rows
