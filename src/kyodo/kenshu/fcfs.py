"""The baseline: first come, first served (FCFS).

Municipalities in order of their first submission (ties: the seeded lottery); each municipality's nominees in its
own order (explain.member_key), each seated in the first session it listed that has room and where the
municipality is below its cap. A session's waitlist follows the same order.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from kyodo.kenshu.explain import Lottery, build_plan, eligibility, member_key
from kyodo.kenshu.model import Instance, Plan


def solve(instance: Instance, seed: int) -> Plan:
    lottery = Lottery.draw(instance, seed)
    elig = eligibility(instance, lottery)
    first: dict[str, datetime] = {}
    for n in instance.nominations:
        first[n.municipality] = min(first.get(n.municipality, n.submitted_at), n.submitted_at)
    turn = {m: (at, lottery.municipal_draw[m]) for m, at in first.items()}
    sessions = instance.session_map
    taken: dict[str, int] = defaultdict(int)
    own: dict[tuple[str, str], int] = defaultdict(int)
    seats: dict[str, str] = {}
    for n in sorted(elig.eligible, key=lambda n: (turn[n.municipality], member_key(n, lottery))):
        for sid in n.sessions:
            s = sessions[sid]
            if taken[sid] < s.capacity and (s.municipal_cap is None or own[(n.municipality, sid)] < s.municipal_cap):
                seats[n.id] = sid
                taken[sid] += 1
                own[(n.municipality, sid)] += 1
                break
    return build_plan(
        instance, method="fcfs", seed=seed, elig=elig, seats=seats,
        waitlist_key=lambda n, i: (turn[n.municipality], member_key(n, lottery)),
    )
