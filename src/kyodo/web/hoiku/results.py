"""Turning an engine Outcome into stored rows, and stored rows into what the result pages show.

Only presentation: counts, statuses, cut-offs and reasons are read off the Outcome (its one Summary);
nothing here counts, explains or decides who gets a seat.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from django.db import connection

from kyodo.hoiku.explain.cutoffs import NONE_OFFERED, VACANT
from kyodo.hoiku.explain.reasons import explanation_to_dict, order_step_label
from kyodo.hoiku.model.instance import AGE_CLASSES
from kyodo.hoiku.model.result import Status
from kyodo.hoiku.outcome import Outcome
from kyodo.web.hoiku import seat_lists
from kyodo.web.hoiku.models import Run, RunChild, RunFacility
from kyodo.web.hoiku.run_cache import FinishedRunCache

BATCH = 1000
ANALYSIS_LIMIT = 2000  # rows SQLite's ANALYZE reads of each index (a sample; enough to rank the indexes)
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
    RunFacility.objects.unscoped("replacing this run's own rows").filter(run=run).delete()
    lists = seat_lists.build({f: getattr(r, f) for f in seat_lists.FIELDS} for r in rows)
    RunFacility.objects.bulk_create(seat_lists.stored(run, lists), batch_size=BATCH)
    refresh_statistics()
    run.summary = summarize(outcome)
    run.record = _record(outcome)
    run.save(update_fields=["summary", "record"])


def refresh_statistics() -> None:
    """Let the database's planner know the per-child table as it now is.

    Without statistics SQLite reads a child's row through the organisation index (every row of every run of the
    organisation) instead of the run's own index, and a child's page gets slower with each run stored. SQLite's
    ANALYZE is bounded here (analysis_limit: it samples); PostgreSQL's samples anyway."""
    table = connection.ops.quote_name(RunChild._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        cursor.execute(f"ANALYZE {table}")


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
                # vacancies plus seats freed by children transferring away: what the cut-off was decided on
                "places": seat.cutoff.places if seat else facility.vacancy(age),
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


def _summary(run: Run) -> dict[str, Any]:
    summary: dict[str, Any] = run.summary
    return summary


# A 3,000-child ward's summary is about 300 KB of JSON that every facility and child page needs.
SUMMARIES = FinishedRunCache(_summary, size=16)


def _results_csv(run: Run) -> bytes:
    return bytes(run.results_csv or b"")


# The results CSV of a 3,000-child ward is a few hundred KB that the database would send again for every download.
RESULTS_CSV = FinishedRunCache(_results_csv, size=8)


def run_summary(run: Run) -> dict[str, Any]:
    """The run's summary (for a finished run, parsed once per process)."""
    return SUMMARIES.of(run)


def facility_names(run: Run) -> dict[str, str]:
    return {f["id"]: f["name"] for f in run_summary(run).get("facility_table", [])}


CHART_COLOUR = "#0b5cab"


def _chart_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Per age class: the cut-off points of the facilities that have one, and how many cells are 空有 or ―
    (the same cells and labels as the cut-off table under the chart)."""
    rows = []
    for age in AGE_CLASSES:
        cells = [a for f in summary.get("facility_table", []) for a in f["ages"] if a["age"] == age and a["label"]]
        rows.append({
            "age": age,
            "points": sorted(a["cutoff"] for a in cells if a["label"] == str(a["cutoff"])),
            "vacant": sum(1 for a in cells if a["label"] == VACANT),
            "none": sum(1 for a in cells if a["label"] == NONE_OFFERED),
        })
    return rows


def _ticks(low: int, high: int, count: int = 5) -> list[int]:
    step = max(1, -(-(high - low) // (count - 1)))
    return list(range(low, high + 1, step)) + ([high] if (high - low) % step else [])


def cutoff_chart_svg(summary: dict[str, Any], width: int = 720) -> str:
    """An inline SVG dot plot: one dot per facility at its cut-off score, one row per age class.

    Axes are labelled (年齢クラス, 最低指数(点)) with tick values; each row ends with its range and with how many
    cells are 空有 or ―, counted from the same cells as the table, so that the chart and the table agree."""
    rows = _chart_rows(summary)
    values = [p for r in rows for p in r["points"]]
    if not values:
        return ""
    low, high = min(values), max(values)
    span = max(high - low, 1)
    left, right, top, row_h = 90, 250, 30, 34
    plot_w = width - left - right
    axis_y = top + row_h * len(rows)
    height = axis_y + 62

    def x(p: int) -> float:
        return float(left + (p - low) / span * plot_w)

    parts = [f'<svg class="chart" role="img" aria-labelledby="cutoff-chart-title" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
             '<title id="cutoff-chart-title">年齢クラス別の最低指数の分布(1つの点が1施設)</title>',
             '<text x="8" y="16" font-size="12" font-weight="bold">年齢クラス</text>',
             f'<text x="{left + plot_w + 12}" y="16" font-size="12" font-weight="bold">最低指数の範囲・空有・―</text>']
    for i, row in enumerate(rows):
        y = top + i * row_h + row_h / 2
        parts.append(f'<g class="age-row" data-age="{row["age"]}"><text x="8" y="{y + 4:.0f}" font-size="13">'
                     f'{row["age"]}歳クラス</text>')
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.0f}" y2="{y:.0f}" stroke="#d0d4da"/>')
        parts += [f'<circle cx="{x(p):.1f}" cy="{y:.0f}" r="4" fill="{CHART_COLOUR}" fill-opacity="0.45">'
                  f'<title>{row["age"]}歳クラス {p}点</title></circle>' for p in row["points"]]
        pts = row["points"]
        span_text = (f"{pts[0]}〜{pts[-1]}点({len(pts)}施設)" if len(pts) > 1 else
                     f"{pts[0]}点(1施設)" if pts else "指数の内定なし")
        parts.append(f'<text x="{left + plot_w + 12}" y="{y + 4:.0f}" font-size="12">{span_text}・'
                     f'{VACANT} {row["vacant"]}・{NONE_OFFERED} {row["none"]}</text></g>')
    parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{axis_y}" y2="{axis_y}" stroke="#555"/>')
    for p in _ticks(low, high):
        parts.append(f'<line x1="{x(p):.1f}" x2="{x(p):.1f}" y1="{axis_y}" y2="{axis_y + 5}" stroke="#555"/>')
        parts.append(f'<text x="{x(p):.0f}" y="{axis_y + 18}" font-size="12" text-anchor="middle">{p}</text>')
    parts.append(f'<text x="{left + plot_w / 2:.0f}" y="{axis_y + 36}" font-size="12" text-anchor="middle">'
                 '最低指数(点)</text>')
    parts.append(f'<circle cx="{left + 6}" cy="{axis_y + 51}" r="4" fill="{CHART_COLOUR}" fill-opacity="0.45"/>'
                 f'<text x="{left + 16}" y="{axis_y + 55}" font-size="12">= 1施設の最低指数(表で点数の欄)。'
                 f'{VACANT} = 空きあり、{NONE_OFFERED} = 指数の順による内定なし(点は打ちません)</text>')
    parts.append("</svg>")
    return "".join(parts)
