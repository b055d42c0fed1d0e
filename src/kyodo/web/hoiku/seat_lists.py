"""Every facility's lists of a finished run: per age class, the children placed there in priority order and its
waiting list in order.

Read from each child's stored choices (rank, 待機順位, points and the order step that put it behind the child above,
all from the Outcome); a child staff placed at a facility it did not choose comes last there. All facilities are
read in one pass over the run's rows and kept per process (`run_cache`): the facility pages of a large ward are
opened one after another, each for a different facility, and each would otherwise read the run's rows again.
"""

from __future__ import annotations

from typing import Any

from kyodo.web.hoiku.models import Run, RunChild
from kyodo.web.hoiku.run_cache import FinishedRunCache

Lists = dict[int, dict[str, list[dict[str, Any]]]]  # age class → {"placed": [...], "waiting": [...]}
FIELDS = ("child_id", "name", "age_class", "facility_id", "points", "choice_number", "choices", "status",
          "current_facility")


def _entry(row: dict[str, Any], choice: dict[str, Any] | None, wish: int | None, facility_id: str) -> dict[str, Any]:
    placed = row["facility_id"] == facility_id
    return {
        "child_id": row["child_id"], "name": row["name"], "choice_number": row["choice_number"], "wish": wish,
        "points": choice["points"] if choice else row["points"],
        "rank": choice["rank"] if choice else None, "waitlist": choice.get("waitlist") if choice else None,
        "decided_by": choice.get("decided_by", "") if choice else "", "status": row["status"],
        "stays": placed and row["current_facility"] == facility_id,
    }


def _add(lists: dict[str, Lists], facility_id: str, row: dict[str, Any], entry: dict[str, Any]) -> None:
    ages = lists.setdefault(facility_id, {})
    both = ages.setdefault(row["age_class"], {"placed": [], "waiting": []})
    both["placed" if row["facility_id"] == facility_id else "waiting"].append(entry)


def all_lists(run: Run) -> dict[str, Lists]:
    """facility id → its lists, for every facility a child chose or was placed at."""
    lists: dict[str, Lists] = {}
    rows = RunChild.objects.for_org(run.organisation_id).filter(run=run).values(*FIELDS)
    for row in rows.iterator(chunk_size=2000):
        seen: set[str] = set()
        for wish, choice in enumerate(row["choices"], start=1):
            facility_id = choice["facility_id"]
            if facility_id in seen:
                continue  # the first time a facility is chosen is the child's wish for it
            seen.add(facility_id)
            _add(lists, facility_id, row, _entry(row, choice, wish, facility_id))
        if row["facility_id"] and row["facility_id"] not in seen:  # placed by staff outside its choices
            _add(lists, row["facility_id"], row, _entry(row, None, None, row["facility_id"]))
    for ages in lists.values():
        for both in ages.values():
            both["placed"].sort(key=lambda e: (e["rank"] is None, e["rank"] or 0, e["child_id"]))
            both["waiting"].sort(key=lambda e: (e["waitlist"] is None, e["waitlist"] or 0, e["child_id"]))
    return {facility_id: dict(sorted(ages.items())) for facility_id, ages in lists.items()}


# A 3,000-child ward's lists are a few MB; a process keeps those of the runs shown most recently.
SEAT_LISTS = FinishedRunCache(all_lists, size=4)


def seat_lists(run: Run, facility_id: str) -> Lists:
    """The facility's lists (empty when no child chose it). The caller has checked the run's organisation."""
    return SEAT_LISTS.of(run).get(facility_id, {})
