"""A referee written for the tests alone (nothing imported from the engine's own checks): what a plan must never do.

Returns the broken rules as readable strings, so a failing property test says what went wrong.
"""

from __future__ import annotations

from collections import Counter

from kyodo.kenshu import Instance, Nomination


def _order(n: Nomination) -> tuple[bool, int, object]:
    """The municipality's own order as the issue states it: waitlisted last time first, then rank, then time."""
    return (not n.waitlisted_before, n.rank, n.submitted_at)


def broken_rules(instance: Instance, seats: dict[str, str]) -> list[str]:
    sessions = {s.id: s for s in instance.sessions}
    noms = {n.id: n for n in instance.nominations}
    out: list[str] = []
    per_session = Counter(seats.values())
    per_muni = Counter((noms[n].municipality, s) for n, s in seats.items())
    per_staff = Counter((noms[n].staff_id, noms[n].course_id) for n in seats)
    for sid, count in per_session.items():
        if count > sessions[sid].capacity:
            out.append(f"{sid}: {count} seats > capacity {sessions[sid].capacity}")
    for (m, sid), count in per_muni.items():
        cap = sessions[sid].municipal_cap
        if cap is not None and count > cap:
            out.append(f"{sid}: {m} holds {count} > cap {cap}")
    for key, count in per_staff.items():
        if count > 1:
            out.append(f"{key}: {count} seats in one course")
    for nid, sid in seats.items():
        n = noms[nid]
        if sid not in n.sessions:
            out.append(f"{nid} seated in {sid}, which it did not list")
        if not set(instance.courses[n.course_id].prerequisites) <= n.completed:
            out.append(f"{nid} seated without the prerequisites")
    twice = {k for k, c in Counter((n.staff_id, n.course_id) for n in instance.nominations).items() if c > 1}
    for b in instance.nominations:
        eligible = set(instance.courses[b.course_id].prerequisites) <= b.completed
        if b.id in seats or not eligible or (b.staff_id, b.course_id) in twice:
            continue  # a staff member nominated twice for a course: which one counts is tested on its own
        for wid, sid in seats.items():
            w = noms[wid]
            if (w.municipality, w.course_id) == (b.municipality, b.course_id) and sid in b.sessions \
                    and _order(b) < _order(w):
                out.append(f"{b.id} (better) left without a seat below {wid} in {sid}")
    return out


def worst_share(instance: Instance, seats: dict[str, str]) -> float:
    """Smallest seats/eligible nominations over municipalities (one nomination per staff member and course)."""
    return min(sorted_shares(instance, seats), default=1.0)


def sorted_shares(instance: Instance, seats: dict[str, str]) -> tuple[float, ...]:
    """Every municipality's seats/eligible nominations, smallest first (compared lexicographically)."""
    eligible: dict[str, set[tuple[str, str]]] = {}
    seated: Counter[str] = Counter()
    noms = {n.id: n for n in instance.nominations}
    for n in instance.nominations:
        if set(instance.courses[n.course_id].prerequisites) <= n.completed:
            eligible.setdefault(n.municipality, set()).add((n.staff_id, n.course_id))
    for nid in seats:
        seated[noms[nid].municipality] += 1
    return tuple(sorted(seated[m] / len(keys) for m, keys in eligible.items()))
