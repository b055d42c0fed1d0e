"""A plan as JSON (for machines and the web) and as an Excel workbook (for coordinators, in Japanese)."""

from __future__ import annotations

from typing import Any

from kyodo.jinzai.aggregate import JointProject
from kyodo.jinzai.fairness import Fairness
from kyodo.jinzai.io import Cell, Sheet
from kyodo.jinzai.model import Instance, Plan, Unit
from kyodo.jinzai.skills import describe
from kyodo.municipalities import BY_CODE


def plan_json(instance: Instance, plan: Plan, fairness: Fairness, projects: tuple[JointProject, ...]) -> dict[str, Any]:
    p = instance.policy
    assignments = []
    for a in plan.assignments:
        r, s = instance.request(a.request_id), instance.specialist(a.specialist_id)
        assignments.append(
            {
                "request": r.id,
                "municipality": {"code": r.municipality, "name": BY_CODE[r.municipality].name},
                "specialist": {"id": s.id, "name": s.name},
                "mode": r.mode.value,
                "hours": r.hours(p),
                "days": r.amount if r.unit is Unit.DAYS else None,
                "period": {"start": r.start.isoformat(), "end": r.end.isoformat()},
                "confirmed": a.confirmed,
            }
        )
    unmatched = [
        {
            "request": u.request_id,
            "municipality": {"code": (m := instance.request(u.request_id).municipality), "name": BY_CODE[m].name},
            "reason_code": u.reason.value,
            "reason": u.message,
            "full_specialists": list(u.candidates),
        }
        for u in plan.unmatched
    ]
    return {
        "method": plan.method,
        "status": plan.status,
        "objective": plan.objective,
        "solve_seconds": round(plan.solve_seconds, 3),
        "summary": {
            "requests": len(instance.requests),
            "served": len(plan.assignments),
            "hours_requested": sum(r.hours(p) for r in instance.requests),
            "hours_served": sum(instance.request(a.request_id).hours(p) for a in plan.assignments),
        },
        "assignments": assignments,
        "unmatched": unmatched,
        "fairness": {
            "bands": [
                {"band": b.band, "municipalities": b.municipalities, "requests": b.requests, "served": b.served,
                 "hours": b.hours, "hours_served": b.hours_served, "rate": round(b.rate, 4),
                 "servable": b.servable, "lost_to_competition": b.lost}
                for b in fairness.bands
            ],
            "min_band_rate": round(fairness.min_band_rate, 4),
            "band_gap": round(fairness.band_gap, 4),
            "small_vs_large": round(fairness.small_vs_large, 4),
            "jain": round(fairness.jain, 4),
            "unserved_municipalities": list(fairness.unserved_municipalities),
        },
        "joint_projects": [
            {
                "kind": jp.group.label,
                "requests": list(jp.group.request_ids),
                "base_cost_yen": jp.base_cost_yen,
                "hourly_rate_yen": jp.hourly_rate_yen,
                "total_yen": jp.total_yen,
                "saving_yen": jp.saving_yen,
                "ledger": [
                    {"municipality": line.municipality, "name": BY_CODE[line.municipality].name, "hours": line.hours,
                     "base_share_yen": line.base_share_yen, "service_yen": line.service_yen,
                     "total_yen": line.total_yen}
                    for line in jp.ledger
                ],
            }
            for jp in projects
        ],
    }


def plan_sheets(
    instance: Instance, plan: Plan, fairness: Fairness, projects: tuple[JointProject, ...]
) -> dict[str, Sheet]:
    p = instance.policy
    assigned: list[list[Cell]] = []
    for a in plan.assignments:
        r, s = instance.request(a.request_id), instance.specialist(a.specialist_id)
        assigned.append(
            [r.id, BY_CODE[r.municipality].name, r.category, describe(r.skills), s.id, s.name, r.mode.value,
             r.amount, r.unit.value, r.hours(p), r.start, r.end, r.urgency.value, "確定" if a.confirmed else "提案"]
        )
    unmatched: list[list[Cell]] = [
        [u.request_id, BY_CODE[instance.request(u.request_id).municipality].name, u.message, "; ".join(u.candidates)]
        for u in plan.unmatched
    ]
    bands: list[list[Cell]] = [
        [b.band, b.municipalities, b.requests, b.served, round(b.rate, 3), b.lost, b.hours, b.hours_served]
        for b in fairness.bands
    ]
    ledger: list[list[Cell]] = [
        [jp.group.label, BY_CODE[line.municipality].name, line.hours, line.base_share_yen, line.service_yen,
         line.total_yen]
        for jp in projects
        for line in jp.ledger
    ]
    return {
        "割当": (
            ["依頼ID", "団体", "相談分野", "必要スキル", "人材ID", "氏名", "支援形態", "工数", "工数単位", "時間",
             "開始日", "終了日", "緊急度", "状態"],
            assigned,
        ),
        "未割当": (["依頼ID", "団体", "理由", "埋まっている人材"], unmatched),
        "公平性": (["規模区分", "団体数", "依頼数", "割当数", "割当率", "競合で取りこぼし", "依頼時間", "割当時間"], bands),
        "共同化候補": (["依頼の種類", "団体", "時間", "基本費用の負担(円)", "利用料(円)", "計(円)"], ledger),
    }
