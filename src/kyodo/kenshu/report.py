"""Outputs of a plan: the JSON (`plan_json`) and the workbook sheets (`plan_sheets`). They only format the plan."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kyodo.kenshu.model import Instance, Plan
from kyodo.municipalities import BY_CODE

Sheet = tuple[Sequence[str], Sequence[Sequence[object]]]


def org_name(code: str) -> str:
    return "東京都" if code == "130001" else BY_CODE[code].name if code in BY_CODE else code


def plan_json(plan: Plan) -> dict[str, Any]:
    f = plan.fairness
    return {
        "method": plan.method,
        "seed": plan.seed,
        "assignments": [{"nomination": a.nomination, "session": a.session} for a in plan.assignments],
        "waitlist": [{"session": sid, "nominations": list(ids)} for sid, ids in plan.waitlists.items()],
        "unseated": [
            {"nomination": u.nomination, "reason": u.reason.value, "reason_code": u.reason.name,
             "waitlist": [{"session": sid, "position": pos} for sid, pos in u.waitlist]}
            for u in plan.unseated
        ],
        "fairness": {
            "municipalities": [
                {"code": s.municipality, "name": org_name(s.municipality), "nominations": s.nominations,
                 "seats": s.seats, "share": round(s.share, 6)}
                for s in f.shares
            ],
            "worst_share": round(f.worst_share, 6),
            "without_seat": list(f.without_seat),
            "jain_index": round(f.jain, 6),
        },
        "notes": list(plan.notes),
    }


def plan_json_text(plan: Plan) -> str:
    """The JSON as written: byte-identical for the same inputs, method and seed."""
    return json.dumps(plan_json(plan), ensure_ascii=False, indent=2) + "\n"


def plan_sheets(instance: Instance, plan: Plan) -> dict[str, Sheet]:
    sessions, nominations = instance.session_map, instance.nomination_map
    seated = [
        (a.session, instance.courses[sessions[a.session].course_id].title,
         f"{sessions[a.session].starts_at:%Y-%m-%d %H:%M}", a.nomination, nominations[a.nomination].staff_id,
         nominations[a.nomination].name, org_name(nominations[a.nomination].municipality))
        for a in plan.assignments
    ]
    waiting = [
        (sid, pos, nid, nominations[nid].name, org_name(nominations[nid].municipality))
        for sid, ids in plan.waitlists.items() for pos, nid in enumerate(ids, start=1)
    ]
    unseated = [
        (u.nomination, nominations[u.nomination].name, org_name(nominations[u.nomination].municipality),
         nominations[u.nomination].course_id, u.reason.value, "; ".join(f"{s}:{p}番" for s, p in u.waitlist))
        for u in plan.unseated
    ]
    shares = [
        (s.municipality, org_name(s.municipality), s.nominations, s.seats, round(s.share, 4))
        for s in plan.fairness.shares
    ]
    return {
        "座席": (("開催回ID", "研修名", "開催日時", "推薦ID", "職員ID", "氏名", "団体"), seated),
        "キャンセル待ち": (("開催回ID", "順位", "推薦ID", "氏名", "団体"), waiting),
        "未配席の理由": (("推薦ID", "氏名", "団体", "研修ID", "理由", "キャンセル待ち順位"), unseated),
        "団体別": (("団体コード", "団体", "推薦数", "座席数", "充足率"), shares),
    }


def write_sheets(target: Path, sheets: dict[str, Sheet]) -> None:
    """A workbook with one sheet per entry, through the shared writer (bold frozen header; text never a formula)."""
    from kyodo.tables import xlsx_writer

    xlsx_writer(sheets)(target)
