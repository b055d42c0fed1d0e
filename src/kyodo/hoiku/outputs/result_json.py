"""The result as JSON, for machines and for `kyodo hoiku reproduce`: every field read off the Outcome.

Format "kyodo.hoiku.result/2": {format, fiscal_year, run: {engine_version, seed, fiscal_year, rules_name,
rules_sha256, inputs_sha256, method, decisions: [{kind, child_id, facility_id, reason, by}]} | null,
summary (`Summary.to_dict`: counts by status offered | transferred | stays | waitlisted, by_age, by_facility,
flags, violations), assignment: {child: facility | null}, children: {child: {household_id, age_class, status,
assigned, choice_rank, choices, current_facility, points: {total, base, adjustment, lower_guardian, items,
facility_items, at: {facility: points}}, waitlist: {facility: place}, flags, summary (Japanese), reasons: [{choice,
facility_id, kind, label, criterion, points, position, waitlist, cutoff_points, cutoff_position, cutoff_label,
text}]}}, facilities: {facility: {name, kind, vacancies, assigned: {age: [child, ...]}}}, violations: [...],
flags: [...], cutoffs: [{facility_id, age_class, places, offered, vacancies_left, points, position, label}]}.
Every id is a string; ages are keys as strings ("0".."5").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson

from kyodo.hoiku.explain.cutoffs import cutoff_to_dict
from kyodo.hoiku.explain.reasons import explanation_to_dict
from kyodo.hoiku.model.instance import Child
from kyodo.hoiku.model.result import Score, ScoreItem
from kyodo.hoiku.outcome import Outcome
from kyodo.tables import write_all

JSON_FORMAT = "kyodo.hoiku.result/2"


def _item_dict(item: ScoreItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "label": item.label,
        "points": item.points,
        "reference": item.reference,
        "needs_confirmation": item.needs_confirmation,
        "citation": item.citation,
        "value": item.value,
    }


class _Items:
    """Score items as dicts, each distinct item built once (scoring shares item objects across children)."""

    def __init__(self) -> None:
        self.done: dict[int, tuple[ScoreItem, dict[str, Any]]] = {}  # the item is kept: its id stays its own

    def __call__(self, items: tuple[ScoreItem, ...]) -> list[dict[str, Any]]:
        done = self.done
        out = []
        for item in items:
            hit = done.get(id(item))
            if hit is None:
                hit = done[id(item)] = (item, _item_dict(item))
            out.append(hit[1])
        return out


def _points_dict(score: Score | None, child: Child, items: _Items) -> dict[str, Any] | None:
    if score is None:
        return None
    total, extra = score.total, score.facility_items
    places = (*child.choices, *((child.current_facility,) if child.current_facility else ()))
    return {
        "total": total,
        "base": score.base,
        "adjustment": score.adjustment,
        "lower_guardian": score.lower_guardian,
        "items": items(score.items),
        "facility_items": {str(f): items(i) for f, i in extra.items()},
        "at": {str(f): total + sum(i.points for i in extra[f]) if f in extra else total for f in places},
    }


def outcome_to_dict(outcome: Outcome) -> dict[str, Any]:
    """The whole outcome as plain JSON-ready data; every id is a string."""
    instance = outcome.instance
    flags_by_child: dict[str, list[dict[str, str]]] = {}
    for flag in outcome.flags:
        flags_by_child.setdefault(flag.child_id, []).append({"kind": str(flag.kind), "message": flag.message})
    explanations, statuses, scores = outcome.explanations, outcome.statuses, outcome.scores
    waitlist = _waitlist_by_child(outcome)
    items = _Items()
    children: dict[str, Any] = {}
    for cid, child in instance.children.items():
        e = explanations[cid]
        children[str(cid)] = {
            "household_id": str(child.household_id),
            "age_class": child.age_class,
            "status": str(statuses[cid]),
            "assigned": e.assigned,
            "choice_rank": e.choice_rank,
            "choices": [str(f) for f in child.choices],
            "current_facility": child.current_facility,
            "points": _points_dict(scores.get(cid), child, items),
            "waitlist": _in_choice_order(waitlist.get(cid), child.choices),
            "flags": flags_by_child.get(cid, []),
            **explanation_to_dict(e),
        }
    facilities = {
        str(fid): {
            "name": f.name,
            "kind": f.kind,
            "vacancies": {str(a): n for a, n in f.vacancies.items()},
            "assigned": {str(age): list(ids) for age, ids in outcome.offers.get(fid, {}).items()},
        }
        for fid, f in instance.facilities.items()
    }
    run = outcome.run
    return {
        "format": JSON_FORMAT,
        "fiscal_year": instance.fiscal_year,
        "run": None
        if run is None
        else {
            "engine_version": run.engine_version,
            "seed": run.seed,
            "fiscal_year": run.fiscal_year,
            "rules_name": run.rules_name,
            "rules_sha256": run.rules_sha256,
            "inputs_sha256": dict(run.inputs_sha256),
            "method": run.method,
            "decisions": [dict(d) for d in run.decisions],
        },
        "summary": outcome.summary.to_dict(),
        # 試行・未確定: the rules values not 確認済み this run used (null when every one is confirmed)
        "trial": outcome.trial.to_dict() if outcome.trial else None,
        "assignment": assignment_dict(outcome),
        "children": children,
        "facilities": facilities,
        "violations": [
            {
                "kind": str(v.kind),
                "label": v.kind.label,
                "message": v.message,
                "child_id": v.child_id,
                "facility_id": v.facility_id,
                "age_class": v.age_class,
                "other_child_id": v.other_child_id,
            }
            for v in outcome.violations
        ],
        "flags": [{"child_id": f.child_id, "kind": str(f.kind), "message": f.message} for f in outcome.flags],
        "cutoffs": [cutoff_to_dict(c) for c in outcome.cutoffs.values()],
    }


def _waitlist_by_child(outcome: Outcome) -> dict[str, dict[str, int]]:
    by_child: dict[str, dict[str, int]] = {}
    for (cid, fid), place in outcome.waitlist.items():
        by_child.setdefault(cid, {})[fid] = place
    return by_child


def _in_choice_order(places: dict[str, int] | None, choices: tuple[str, ...]) -> dict[str, int]:
    """{facility: place} in the order of the child's choices (a stable key order keeps the bytes stable)."""
    if not places:
        return {}
    return {str(f): places[f] for f in choices if f in places}


def assignment_dict(outcome: Outcome) -> dict[str, str | None]:
    return {cid: outcome.assignment.get(cid) for cid in outcome.instance.children}


def json_bytes(outcome: Outcome) -> bytes:
    """What write_json writes; `kyodo.hoiku.tools.reproduce` compares it byte for byte with a stored one.

    Compact UTF-8 (a ward of 50,000 children gives tens of megabytes indented), the same bytes as
    `json.dumps(..., ensure_ascii=False, separators=(",", ":"))` would give, from orjson (~10× faster).
    """
    return orjson.dumps(outcome_to_dict(outcome)) + b"\n"


def json_text(outcome: Outcome) -> str:
    return json_bytes(outcome).decode("utf-8")


def assignment_json_bytes(outcome: Outcome) -> bytes:
    """{child_id: facility_id or null} for every child."""
    return (json.dumps(assignment_dict(outcome), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def write_json(outcome: Outcome, path: Path) -> None:
    """outcome_to_dict as UTF-8 JSON (Japanese as is), written atomically."""
    write_all({Path(path): lambda tmp: tmp.write_bytes(json_bytes(outcome))})


def write_assignment_json(outcome: Outcome, path: Path) -> None:
    write_all({Path(path): lambda tmp: tmp.write_bytes(assignment_json_bytes(outcome))})
