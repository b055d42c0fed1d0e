"""Waitlist promotion when a seated nominee cancels (繰り上げ).

The freed seat goes to the first nominee on that session's waitlist who is still without a seat and whose
municipality is below the session's cap. Inside the cut-off (by default two days before the session) nobody is
promoted: there is no time to arrange a day away, so the place is offered online instead where the format allows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from kyodo.kenshu.explain import Lottery, eligibility, measure
from kyodo.kenshu.model import Assignment, Instance, Plan, Unseated

CUTOFF_DAYS = 2


@dataclass(frozen=True, slots=True)
class Promotion:
    cancelled: str  # nomination id
    session: str
    promoted: str | None  # nomination id, or None
    waitlist_position: int | None  # where the promoted nominee stood on the session's waitlist
    reason: str  # Japanese, for the audit record and the notice
    offered_online: bool  # inside the cut-off, and the session can be joined online


def promote(instance: Instance, plan: Plan, cancelled: str, *, today: date,
            cutoff_days: int = CUTOFF_DAYS) -> tuple[Plan, Promotion]:
    """The plan after `cancelled` gives up its seat, and what happened to the seat. ValueError if not seated."""
    seats = plan.seat_of()
    if cancelled not in seats:
        raise ValueError(f"nomination {cancelled} holds no seat")
    sid = seats.pop(cancelled)
    session = instance.session(sid)
    days_left = (session.starts_at.date() - today).days
    promoted, position = None, None
    if days_left < cutoff_days:
        online = session.format.online_possible
        reason = f"開催まで{cutoff_days}日を切っているため繰り上げません" + (
            "(オンラインでの参加枠として案内します)" if online else ""
        )
        result = Promotion(cancelled, sid, None, None, reason, online)
    else:
        nominations = instance.nomination_map
        for place, nid in enumerate(plan.waitlists.get(sid, ()), start=1):
            m = nominations[nid].municipality
            own = sum(1 for other, s in seats.items() if s == sid and nominations[other].municipality == m)
            if nid not in seats and (session.municipal_cap is None or own < session.municipal_cap):
                promoted, position = nid, place
                break
        if promoted is None:
            reason = "キャンセル待ちの推薦者がいないため、空席のままです"
        else:
            seats[promoted] = sid
            reason = f"{cancelled} のキャンセルにより、キャンセル待ち{position}番目から繰り上げ"
        result = Promotion(cancelled, sid, promoted, position, reason, False)
    return _replan(instance, plan, seats, promoted, result.reason), result


def _replan(instance: Instance, plan: Plan, seats: dict[str, str], promoted: str | None, note: str) -> Plan:
    waitlists = {s: tuple(n for n in ids if n != promoted) for s, ids in plan.waitlists.items()}
    waitlists = {s: ids for s, ids in waitlists.items() if ids}
    position = {(s, n): i for s, ids in waitlists.items() for i, n in enumerate(ids, start=1)}
    unseated = tuple(
        Unseated(u.nomination, u.reason, tuple((s, position[(s, u.nomination)]) for s, _ in u.waitlist
                                               if (s, u.nomination) in position))
        for u in plan.unseated if u.nomination != promoted
    )
    elig = eligibility(instance, Lottery.draw(instance, plan.seed))
    return replace(
        plan,
        assignments=tuple(Assignment(n, s) for n, s in sorted(seats.items(), key=lambda p: (p[1], p[0]))),
        waitlists=waitlists, unseated=unseated, fairness=measure(instance, elig, seats),
        notes=(*plan.notes, note),
    )
