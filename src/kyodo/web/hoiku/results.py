"""Turning an engine Result into stored rows, and stored rows into what the result pages show.

Only presentation: counts, cut-offs (the lowest points offered a seat), reasons in words and diffs
are read off the engine's result; nothing here decides who gets a seat.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from kyodo.hoiku.explain.reasons import CutoffCell, Explainer, explanation_to_dict
from kyodo.hoiku.model.instance import AGE_CLASSES
from kyodo.hoiku.model.result import CHECK_KINDS, FlagKind, Result
from kyodo.web.hoiku.models import Run, RunChild

FLAG_LABELS = {
    FlagKind.LOTTERY_TIE: "抽選で順位決定",
    FlagKind.BLOCKING: "正当な不満の可能性",
    FlagKind.SUSPECT_DATA: "入力誤りの可能性",
    FlagKind.CHOICES_OVER_LIMIT: "希望数が上限超過",
}
BATCH = 1000


def _item(item: Any, facility_id: str | None = None) -> dict[str, Any]:
    return {
        "label": item.label,
        "points": int(item.points),
        "reference": item.reference or "",
        "needs_confirmation": bool(item.needs_confirmation),
        "facility_id": facility_id or "",
    }


def store(run: Run, result: Result) -> None:
    """Replace the run's per-child rows and summary with those of `result`."""
    instance = result.instance
    waitlist = result.waitlist_ranks()
    # The engine's reasons (kyodo.hoiku.explain.reasons): the rules file is found again from the run record.
    explainer = Explainer(result)
    flags: dict[str, list[dict[str, str]]] = defaultdict(list)
    for flag in result.flags:
        flags[flag.child_id].append({"kind": flag.kind, "message": flag.message})
    rows = []
    for cid, child in instance.children.items():
        score = result.scores[cid]
        assigned = result.assignment.get(cid)
        choices = []
        for facility_id in child.choices:
            seat = (facility_id, child.age_class)
            rank = result.priority.rank(seat, cid)
            facility = instance.facilities.get(facility_id)
            choices.append({
                "facility_id": facility_id,
                "name": facility.name if facility else facility_id,
                "points": score.at(facility_id),
                "rank": rank + 1 if rank is not None else None,
                "applicants": len(result.priority.order.get(seat, ())),
                "offered": assigned == facility_id,
                "waitlist": waitlist.get((cid, facility_id)),
            })
        breakdown = [_item(i) for i in score.items]
        for facility_id, items in score.facility_items.items():
            breakdown += [_item(i, facility_id) for i in items]
        number = child.choices.index(assigned) + 1 if assigned in child.choices else None
        first = waitlist.get((cid, child.choices[0])) if child.choices and not assigned else None
        rows.append(RunChild(
            organisation_id=run.organisation_id, run=run, child_id=cid, household_id=child.household_id,
            name=child.name or "",
            age_class=child.age_class, facility_id=assigned or "", choice_number=number,
            points=score.at(assigned) if assigned else score.total, choices=choices, breakdown=breakdown,
            explanation=explanation_to_dict(explainer.explain(cid)),
            flags=flags.get(cid, []), flagged=cid in flags, current_facility=child.current_facility or "", best_waitlist=first,
        ))
    RunChild.objects.unscoped("replacing this run's own rows").filter(run=run).delete()
    RunChild.objects.bulk_create(rows, batch_size=BATCH)
    run.summary = summarize(result, explainer.cutoffs)
    run.record = _record(result)
    run.save(update_fields=["summary", "record"])


def _record(result: Result) -> dict[str, Any]:
    """The engine's run record as JSON data, every field of it (the record grows with the engine)."""
    if result.run is None:
        return {}
    return {f.name: _plain(getattr(result.run, f.name)) for f in fields(result.run)}


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def summarize(result: Result, cutoffs: Mapping[tuple[str, int], CutoffCell]) -> dict[str, Any]:
    """Counts by age class and facility, with the engine's cut-off table (最低指数 / 空有 / ―) per seat."""
    instance = result.instance
    applicants: Counter[int] = Counter(c.age_class for c in instance.children.values())
    offered: Counter[int] = Counter()
    offered_at: Counter[tuple[str, int]] = Counter()
    for cid, facility_id in result.assignment.items():
        child = instance.children.get(cid)
        if child is None or not facility_id:
            continue
        offered[child.age_class] += 1
        offered_at[(facility_id, child.age_class)] += 1
    vacancies: Counter[int] = Counter()
    facilities = []
    for facility in sorted(instance.facilities.values(), key=lambda f: f.id):
        ages = []
        for age in AGE_CLASSES:
            seat = (facility.id, age)
            vacancies[age] += facility.vacancy(age)
            cell = cutoffs.get(seat)
            ages.append({
                "age": age, "vacancies": facility.vacancy(age), "offered": offered_at[seat],
                "applicants": len(result.priority.order.get(seat, ())),
                "cutoff": cell.points if cell else None,  # lowest points offered (None: none offered)
                "label": cell.label if cell else "",  # as wards publish it: points, 空有 or ―
            })
        facilities.append({"id": facility.id, "name": facility.name, "kind": facility.kind, "ages": ages,
                           "offered": sum(offered_at[(facility.id, age)] for age in AGE_CLASSES)})
    by_age = [
        {"age": age, "applicants": applicants[age], "offered": offered[age],
         "waitlisted": applicants[age] - offered[age], "vacancies": vacancies[age]}
        for age in AGE_CLASSES
    ]
    flag_counts = Counter(f.kind for f in result.flags)
    return {
        "children": len(instance.children),
        "facilities": len(instance.facilities),
        "offered": sum(offered.values()),
        "waitlisted": len(instance.children) - sum(offered.values()),
        "vacancies": sum(vacancies.values()),
        "by_age": by_age,
        "facility_table": facilities,
        "flags": [{"kind": k, "label": FLAG_LABELS.get(k, k), "count": n} for k, n in sorted(flag_counts.items())],
        "violations": [
            {"kind": v.kind, "label": CHECK_KINDS.get(v.kind, v.kind), "message": v.message}
            for v in result.violations[:200]
        ],
        "violation_count": len(result.violations),
    }


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
