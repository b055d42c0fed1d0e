"""Every facility's lists of a run: per age class, the children placed there in priority order and its waiting
list in order.

Built from each child's stored choices (rank, 待機順位, points and the order step that put it behind the child above,
all from the Outcome); a child staff placed at a facility it did not choose comes last there. They are built once,
when the run stores its per-child rows (`results.store`), and kept per facility (`RunFacility`): a facility page
reads its own row instead of every child of the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kyodo.web.hoiku.models import Run, RunFacility

Lists = dict[int, dict[str, list[dict[str, Any]]]]  # age class → {"placed": [...], "waiting": [...]}
# What `build` reads of each child's row (RunChild's fields of these names).
FIELDS = ("child_id", "name", "age_class", "facility_id", "points", "choice_number", "choices", "status",
          "current_facility")


def entry(row: Mapping[str, Any], choice: Mapping[str, Any] | None, wish: int | None, facility_id: str) -> dict[str, Any]:
    placed = row["facility_id"] == facility_id
    return {
        "child_id": row["child_id"], "name": row["name"], "choice_number": row["choice_number"], "wish": wish,
        "points": choice["points"] if choice else row["points"],
        "rank": choice["rank"] if choice else None, "waitlist": choice.get("waitlist") if choice else None,
        "decided_by": choice.get("decided_by", "") if choice else "", "status": row["status"],
        "stays": placed and row["current_facility"] == facility_id,
    }


def _add(lists: dict[str, Lists], facility_id: str, row: Mapping[str, Any], item: dict[str, Any]) -> None:
    ages = lists.setdefault(facility_id, {})
    both = ages.setdefault(row["age_class"], {"placed": [], "waiting": []})
    both["placed" if row["facility_id"] == facility_id else "waiting"].append(item)


def build(rows: Iterable[Mapping[str, Any]]) -> dict[str, Lists]:
    """facility id → its lists, for every facility a child chose or was placed at (rows: FIELDS of each child)."""
    lists: dict[str, Lists] = {}
    for row in rows:
        seen: set[str] = set()
        for wish, choice in enumerate(row["choices"], start=1):
            facility_id = choice["facility_id"]
            if facility_id in seen:
                continue  # the first time a facility is chosen is the child's wish for it
            seen.add(facility_id)
            _add(lists, facility_id, row, entry(row, choice, wish, facility_id))
        if row["facility_id"] and row["facility_id"] not in seen:  # placed by staff outside its choices
            _add(lists, row["facility_id"], row, entry(row, None, None, row["facility_id"]))
    for ages in lists.values():
        for both in ages.values():
            both["placed"].sort(key=lambda e: (e["rank"] is None, e["rank"] or 0, e["child_id"]))
            both["waiting"].sort(key=lambda e: (e["waitlist"] is None, e["waitlist"] or 0, e["child_id"]))
    return {facility_id: dict(sorted(ages.items())) for facility_id, ages in lists.items()}


def stored(run: Run, lists: Mapping[str, Lists]) -> list[RunFacility]:
    """The rows that keep `lists` with the run (JSON keys are text: the age classes are read back as numbers)."""
    return [RunFacility(organisation_id=run.organisation_id, run=run, facility_id=facility_id, lists=ages)
            for facility_id, ages in sorted(lists.items())]


def seat_lists(run: Run, facility_id: str) -> Lists:
    """The facility's lists in the run (empty when no child chose it). The caller has checked the organisation."""
    found = RunFacility.objects.for_org(run.organisation_id).filter(run=run, facility_id=facility_id).values_list(
        "lists", flat=True).first()
    return {int(age): both for age, both in sorted((found or {}).items(), key=lambda item: int(item[0]))}
