"""The cut-off table (最低指数) wards publish: per facility and age class, the lowest points offered, 空有 or ―.

The cut-off of a seat is the child offered a seat there with the lowest priority, not counting children who keep
their own seat (在園継続) or whom staff placed by decision.
"""

from __future__ import annotations

from dataclasses import dataclass

from kyodo.hoiku.model.instance import AGE_CLASSES
from kyodo.hoiku.model.result import Result, Seat

VACANT = "空有"
NONE_OFFERED = "―"
WITHHELD = "非公開"


@dataclass(frozen=True, slots=True)
class CutoffCell:
    """One cell of the published cut-off table (facility × age class)."""

    facility_id: str
    age_class: int
    places: int  # vacancies plus seats freed by children who transfer away
    offered: int  # new offers (not children keeping their own seat)
    vacancies_left: int
    points: int | None  # lowest points offered (None when nobody was offered by the allocation)
    position: int | None  # 1-based place in the priority order of that lowest offered child
    child_id: str | None
    label: str  # "42", 空有, ― or 非公開, as wards publish it

    def published(self, *, withhold_small: bool = False) -> str:
        """The label, or 非公開 where only 1-2 children were offered (as 台東区 publishes, for privacy)."""
        if (
            withhold_small
            and self.points is not None
            and self.label == str(self.points)
            and self.offered <= 2
        ):
            return WITHHELD
        return self.label


def fixed_children(result: Result) -> dict[str, str]:
    """child id → reason, for children staff placed by decision (recorded in the run record)."""
    run = result.run
    decisions = getattr(run, "decisions", ()) if run is not None else ()
    return {str(d["child_id"]): str(d.get("reason") or "") for d in decisions if d.get("kind") == "fix"}


def cutoff_table(result: Result, *, withhold_small: bool = False) -> dict[Seat, CutoffCell]:
    """(facility, age class) → the cell wards publish, for every age class a facility takes or was asked for.

    `withhold_small`: show 非公開 where only 1-2 children were offered a seat (as 台東区 does, for privacy).
    """
    instance = result.instance
    fixed = fixed_children(result)
    freed: dict[Seat, int] = {}
    new: dict[Seat, list[str]] = {}
    held: set[Seat] = set()  # seats anyone holds, kept ones (在園継続) included
    for cid, child in instance.children.items():
        got = result.assignment.get(cid)
        if child.current_facility is not None and got not in (None, child.current_facility):
            seat = (child.current_facility, child.age_class)
            freed[seat] = freed.get(seat, 0) + 1
        if got is not None and got != child.current_facility:
            new.setdefault((got, child.age_class), []).append(cid)
        if got is not None:
            held.add((got, child.age_class))
    table: dict[Seat, CutoffCell] = {}
    for fid, facility in instance.facilities.items():
        for age in AGE_CLASSES:
            seat = (fid, age)
            order = result.priority.order.get(seat, ())
            if age not in facility.vacancies and not order and seat not in held:
                continue
            offered = new.get(seat, [])
            places = facility.vacancy(age) + freed.get(seat, 0)
            left = places - len(offered)
            position = {cid: i for i, cid in enumerate(order)}
            ranked = [cid for cid in offered if cid not in fixed and cid in position]
            lowest = max(ranked, key=position.__getitem__) if ranked else None
            points = result.scores[lowest].at(fid) if lowest is not None and lowest in result.scores else None
            if left > 0:
                label = VACANT
            elif not offered:
                label = NONE_OFFERED
            elif withhold_small and len(offered) <= 2:
                label = WITHHELD
            else:
                label = NONE_OFFERED if points is None else str(points)
            table[seat] = CutoffCell(
                fid,
                age,
                places,
                len(offered),
                left,
                points,
                None if lowest is None else position[lowest] + 1,
                lowest,
                label,
            )
    return table


def cutoff_to_dict(cell: CutoffCell) -> dict[str, object]:
    """A cut-off cell as JSON-ready data."""
    return {
        "facility_id": cell.facility_id,
        "age_class": cell.age_class,
        "places": cell.places,
        "offered": cell.offered,
        "vacancies_left": cell.vacancies_left,
        "points": cell.points,
        "position": cell.position,
        "label": cell.label,
    }
