"""Turning an engine Outcome into stored rows, and stored rows into what the result pages show.

Only presentation: counts, statuses, cut-offs and reasons are read off the Outcome (its one Summary);
nothing here counts, explains or decides who gets a seat.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from kyodo.hoiku.explain.reasons import explanation_to_dict, order_step_label
from kyodo.hoiku.model.instance import AGE_CLASSES
from kyodo.hoiku.model.result import Status
from kyodo.hoiku.outcome import Outcome
from kyodo.web.hoiku.models import Run, RunChild

BATCH = 1000
MAX_VIOLATIONS_SHOWN = 200


def _item(item: Any, facility_id: str | None = None) -> dict[str, Any]:
    return {
        "label": item.label,
        "points": int(item.points),
        "reference": item.reference or "",
        "needs_confirmation": bool(item.needs_confirmation),
        "facility_id": facility_id or "",
    }


def store(run: Run, outcome: Outcome) -> None:
    """Replace the run's per-child rows and summary with those of `outcome`."""
    instance = outcome.instance
    priority = outcome.priority
    flags: dict[str, list[dict[str, str]]] = {}
    for flag in outcome.flags:
        flags.setdefault(flag.child_id, []).append({"kind": str(flag.kind), "message": flag.message})
    rows = []
    for cid, child in instance.children.items():
        score = outcome.scores[cid]
        e = outcome.explanations[cid]
        assigned = e.assigned
        choices = []
        for facility_id in child.choices:
            seat = (facility_id, child.age_class)
            rank = priority.rank(seat, cid)
            facility = instance.facilities.get(facility_id)
            choices.append({
                "facility_id": facility_id,
                "name": facility.name if facility else facility_id,
                "points": score.at(facility_id),
                "rank": rank + 1 if rank is not None else None,
                "applicants": len(priority.order.get(seat, ())),
                "offered": assigned == facility_id,
                "waitlist": outcome.waitlist.get((cid, facility_id)),
                # what put the child behind the one just above it there (a tie-break step, in Japanese)
                "decided_by": order_step_label(priority.decided_by.get((seat, cid)), outcome.rules),
            })
        breakdown = [_item(i) for i in score.items]
        for facility_id, items in score.facility_items.items():
            breakdown += [_item(i, facility_id) for i in items]
        first = outcome.waitlist.get((cid, child.choices[0])) if child.choices and not assigned else None
        status = outcome.statuses[cid]
        rows.append(RunChild(
            organisation_id=run.organisation_id, run=run, child_id=cid, household_id=child.household_id,
            name=child.name or "",
            age_class=child.age_class, facility_id=assigned or "", choice_number=e.choice_rank,
            points=score.at(assigned) if assigned else score.total, choices=choices, breakdown=breakdown,
            explanation={**explanation_to_dict(e), "status": str(status), "status_label": status.label},
            flags=flags.get(cid, []), flagged=cid in flags, current_facility=child.current_facility or "",
            best_waitlist=first, status=str(status),
        ))
    RunChild.objects.unscoped("replacing this run's own rows").filter(run=run).delete()
    RunChild.objects.bulk_create(rows, batch_size=BATCH)
    run.summary = summarize(outcome)
    run.record = _record(outcome)
    run.save(update_fields=["summary", "record"])


def _record(outcome: Outcome) -> dict[str, Any]:
    """The engine's run record as JSON data, every field of it (the record grows with the engine)."""
    if outcome.run is None:
        return {}
    return {f.name: _plain(getattr(outcome.run, f.name)) for f in fields(outcome.run)}


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def summarize(outcome: Outcome) -> dict[str, Any]:
    """The Outcome's Summary as the pages show it: the same counts (`Summary.to_dict`), with Japanese labels,
    and the cut-off table laid out per facility (最低指数 / 空有 / ― per age class)."""
    summary = outcome.summary
    data = summary.to_dict()
    cells = {(s.facility_id, s.age_class): s for s in summary.by_seat}
    facilities = []
    for facility in sorted(outcome.instance.facilities.values(), key=lambda f: f.id):
        ages: list[dict[str, Any]] = []
        for age in AGE_CLASSES:
            seat = cells.get((facility.id, age))
            ages.append({
                "age": age, "vacancies": facility.vacancy(age), "offered": seat.new_seats if seat else 0,
                "applicants": seat.applicants if seat else 0,
                "cutoff": seat.cutoff.points if seat else None,  # lowest points offered (None: none offered)
                "label": seat.cutoff.label if seat else "",  # as wards publish it: points, 空有 or ―
            })
        facilities.append({"id": facility.id, "name": facility.name, "kind": facility.kind, "ages": ages,
                           "offered": sum(a["offered"] for a in ages)})
    data["statuses"] = [{"key": str(s), "label": s.label, "count": summary.counts[s]} for s in Status]
    data["age_rows"] = [
        {"age": a.age_class, "applicants": a.applicants, "vacancies": a.vacancies,
         "counts": [a.counts[s] for s in Status], "waitlisted": a.counts[Status.WAITLISTED]}
        for a in summary.by_age
    ]
    data["facility_table"] = facilities
    data["flag_rows"] = [{"kind": str(k), "label": k.label, "count": n} for k, n in summary.flags.items()]
    data["violation_count"] = summary.violation_count
    data["violation_list"] = [
        {"kind": str(v.kind), "label": v.kind.label, "message": v.message}
        for v in outcome.violations[:MAX_VIOLATIONS_SHOWN]
    ]
    return data


def reasons(row: RunChild) -> list[str]:
    """The engine's explanation of the child's result: a summary, then one sentence per choice above it."""
    explanation = row.explanation or {}
    return [explanation.get("summary", ""), *(r["text"] for r in explanation.get("reasons", []))]


def diff(before: Run, after: Run) -> dict[str, Any]:
    """Children whose outcome differs between two runs of the same round."""
    fields = ("child_id", "facility_id", "points", "age_class")
    a = {r["child_id"]: r for r in before.children.values(*fields)}
    b = {r["child_id"]: r for r in after.children.values(*fields)}
    changes = []
    for cid in sorted(a.keys() | b.keys()):
        x, y = a.get(cid), b.get(cid)
        if x is not None and y is not None and x["facility_id"] == y["facility_id"] and x["points"] == y["points"]:
            continue
        changes.append({
            "child_id": cid,
            "age_class": (y or x or {}).get("age_class"),
            "before": None if x is None else (x["facility_id"] or ""),
            "after": None if y is None else (y["facility_id"] or ""),
            "points_before": x["points"] if x else None,
            "points_after": y["points"] if y else None,
        })
    return {
        "changes": changes,
        "placement_changes": len([c for c in changes if c["before"] != c["after"]]),
        "same": not changes,
    }


def facility_names(run: Run) -> dict[str, str]:
    return {f["id"]: f["name"] for f in run.summary.get("facility_table", [])}


def cutoff_chart_svg(summary: dict[str, Any], width: int = 640) -> str:
    """An inline SVG dot plot of the cut-off scores of every facility, one row per age class."""
    points = [
        (a["age"], a["cutoff"]) for f in summary.get("facility_table", []) for a in f["ages"] if a["cutoff"] is not None
    ]
    if not points:
        return ""
    low, high = min(p for _, p in points), max(p for _, p in points)
    span = max(high - low, 1)
    left, right, row_h = 70, 20, 34
    height = row_h * len(AGE_CLASSES) + 40

    def x(p: int) -> float:
        return float(left + (p - low) / span * (width - left - right))

    parts = [f'<svg class="chart" role="img" aria-label="年齢クラス別の最低指数の分布" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">']
    for i, age in enumerate(AGE_CLASSES):
        y = 20 + i * row_h + row_h / 2
        parts.append(f'<text x="8" y="{y + 4:.0f}" font-size="13">{age}歳クラス</text>')
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.0f}" y2="{y:.0f}" stroke="#d0d4da"/>')
        for age_of, p in points:
            if age_of == age:
                parts.append(f'<circle cx="{x(p):.1f}" cy="{y:.0f}" r="4" fill="#0b5cab" fill-opacity="0.45"/>')
    base = height - 12
    for p in sorted({low, (low + high) // 2, high}):
        parts.append(f'<text x="{x(p):.0f}" y="{base}" font-size="12" text-anchor="middle">{p}点</text>')
    parts.append("</svg>")
    return "".join(parts)
