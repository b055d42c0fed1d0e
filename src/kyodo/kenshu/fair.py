"""The fair allocation: progressive filling (water-filling) of municipal shares on a flow network.

Why this method (and why it is exact). Seat a set of nominees is feasible when each can be routed through

    municipality m ─► (m, course) ─► nominee ─► (m, session) ─► session ─► seats
                       ≤ cap_phase    1         listed only      ≤ 団体あたり上限   ≤ 定員

The vectors "seats per municipality" of all feasible plans form an integral polymatroid (they are the flow values
out of the municipality nodes). On a polymatroid, raising one unit at a time the coordinate with the smallest
current share seats_m / nominations_m, among those that can still be raised (an augmenting path from m exists),
ends at a base that is lexicographically max-min in the shares (Fujishige's lexicographically optimal base;
Groenevelt's greedy for separable concave objectives), and every base has the maximum number of seats — so fair
uses at least as many seats as FCFS, never fewer. Augmenting paths may move seated nominees to another session they
listed, and may let a municipality swap which of its nominees holds a seat, but never take a seat from a
municipality; once a municipality cannot be raised it never can again (polymatroid monotonicity), so each is
given up once.

Steps:
1. Phase 1, every (municipality, course) limited to two seats: water-filling until no municipality can be raised.
   A municipality left without a seat in a course could not be seated there even with every other one held to two,
   so "everyone seated in a course before anyone gets a third seat", where the seats allow.
2. Phase 2, the limit lifted: water-filling again from the phase-1 flow (it ends at a base: the maximum seats).
   Where the two-seat rule and max-min disagree, the rule wins (step 1 cannot be undone).
3. Within each municipality and course, its own order: a better nominee left without a seat takes the seat of a
   worse one in a session it listed (same counts, same caps); then each seated nominee moves to a session it listed
   earlier when there is room or a worse nominee of its municipality there can take its place.
Between equal shares the municipality with fewer nominations goes first (its share rises more: the sorted shares
are compared from the bottom), then the one drawn first in the seeded lottery; a municipality's nominees are tried
in its own order (explain.member_key). `tests/kenshu/test_allocation_properties.py` checks the whole sorted share
vector against brute force on small instances where the two-seat rule cannot bind.
"""

from __future__ import annotations

import heapq
from collections import defaultdict, deque
from fractions import Fraction
from itertools import pairwise

from kyodo.kenshu.explain import Eligibility, Lottery, build_plan, eligibility, member_key
from kyodo.kenshu.model import Instance, Nomination, Plan

PHASE_ONE_CAP = 2
Node = tuple[str, ...]  # ("m", code) ("mc", code, course) ("n", id) ("ms", code, session) ("s", session) ("t",)
SINK: Node = ("t",)


class _Network:
    def __init__(self, instance: Instance, elig: Eligibility, lottery: Lottery) -> None:
        self.order = {n.id: member_key(n, lottery) for n in elig.eligible}
        self.draw = dict(lottery.municipal_draw)
        self.sessions = instance.session_map
        self.nominees: dict[str, Nomination] = {n.id: n for n in elig.eligible}
        self.by_mc: dict[tuple[str, str], list[str]] = defaultdict(list)  # in member order
        self.courses_of: dict[str, list[str]] = defaultdict(list)
        self.listing: dict[tuple[str, str], list[str]] = defaultdict(list)  # (m, s) → nominees listing s
        self.pairs_of: dict[str, list[str]] = defaultdict(list)  # session → municipalities listing it
        for n in elig.eligible:
            if not self.by_mc[(n.municipality, n.course_id)]:
                self.courses_of[n.municipality].append(n.course_id)
            self.by_mc[(n.municipality, n.course_id)].append(n.id)
            for sid in n.sessions:
                if not self.listing[(n.municipality, sid)]:
                    self.pairs_of[sid].append(n.municipality)
                self.listing[(n.municipality, sid)].append(n.id)
        self.seat: dict[str, str] = {}
        self.mc: dict[tuple[str, str], int] = defaultdict(int)
        self.ms: dict[tuple[str, str], int] = defaultdict(int)
        self.taken: dict[str, int] = defaultdict(int)
        self.occupants: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.cap: int | None = PHASE_ONE_CAP
        # Nodes from which no augmenting path reaches the seats. They stay so while the caps stay (an augmentation
        # only reverses edges among nodes that do reach them), so a search never enters them again.
        self.dead: set[Node] = set()
        self.no_direct: set[tuple[str, str]] = set()  # (m, course) whose nominees found no free seat directly

    # -- capacities
    def ms_room(self, m: str, sid: str) -> bool:
        limit = self.sessions[sid].municipal_cap
        return limit is None or self.ms[(m, sid)] < limit

    def s_room(self, sid: str) -> bool:
        return self.taken[sid] < self.sessions[sid].capacity

    def mc_room(self, m: str, c: str) -> bool:
        return self.cap is None or self.mc[(m, c)] < self.cap

    # -- seating
    def place(self, nid: str, sid: str) -> None:
        m = self.nominees[nid].municipality
        self.seat[nid] = sid
        self.ms[(m, sid)] += 1
        self.taken[sid] += 1
        self.occupants[(m, sid)].add(nid)

    def unplace(self, nid: str) -> str:
        m = self.nominees[nid].municipality
        sid = self.seat.pop(nid)
        self.ms[(m, sid)] -= 1
        self.taken[sid] -= 1
        self.occupants[(m, sid)].discard(nid)
        return sid

    def direct(self, m: str) -> bool:
        """Seat m's best nominee that fits without moving anyone (the common case; a one-step augmenting path)."""
        best: tuple[tuple[object, ...], str, str] | None = None
        for c in self.courses_of[m]:
            if not self.mc_room(m, c) or (m, c) in self.no_direct:
                continue
            found = False
            for nid in self.by_mc[(m, c)]:
                if nid in self.seat:
                    continue
                sid = next((s for s in self.nominees[nid].sessions if self.s_room(s) and self.ms_room(m, s)), None)
                if sid is not None:
                    key = self.order[nid]
                    if best is None or key < best[0]:
                        best = (key, nid, sid)
                    found = True
                    break  # the later ones of (m, c) come after this one
            if not found:
                # Rarely room opens again for (m, c) (a move along an augmenting path); the search still finds it.
                self.no_direct.add((m, c))
        if best is None:
            return False
        self.mc[(m, self.nominees[best[1]].course_id)] += 1
        self.place(best[1], best[2])
        return True

    def augment(self, m: str) -> bool:
        """Breadth-first search for an augmenting path from m in the residual network; apply it if found."""
        start: Node = ("m", m)
        parent: dict[Node, Node] = {start: start}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for nxt in self._residual(node):
                if nxt in parent or nxt in self.dead:
                    continue
                parent[nxt] = node
                if nxt[0] == "s" and self.s_room(nxt[1]):  # the path ends here: no need to search further
                    parent[SINK] = nxt
                    self._apply(parent)
                    return True
                queue.append(nxt)
        self.dead.update(parent)
        return False

    def _residual(self, node: Node) -> list[Node]:
        kind = node[0]
        out: list[Node] = []
        if kind == "m":
            out = [("mc", node[1], c) for c in self.courses_of[node[1]] if self.mc_room(node[1], c)]
        elif kind == "mc":
            m, c = node[1], node[2]
            out = [("n", nid) for nid in self.by_mc[(m, c)] if nid not in self.seat]
            if self.mc[(m, c)] > 0:
                out.append(("m", m))
        elif kind == "n":
            n = self.nominees[node[1]]
            here = self.seat.get(n.id)
            out = [("ms", n.municipality, s) for s in n.sessions if s != here]
            if here is not None:
                out.append(("mc", n.municipality, n.course_id))
        elif kind == "ms":
            m, sid = node[1], node[2]
            if self.ms_room(m, sid):
                out.append(("s", sid))
            out += [("n", nid) for nid in sorted(self.occupants[(m, sid)])]
        elif kind == "s":
            if self.s_room(node[1]):
                out.append(SINK)
            out += [("ms", m, node[1]) for m in self.pairs_of[node[1]] if self.ms[(m, node[1])] > 0]
        return out

    def _apply(self, parent: dict[Node, Node]) -> None:
        path: list[Node] = [SINK]
        while parent[path[-1]] != path[-1]:
            path.append(parent[path[-1]])
        path.reverse()
        moves: list[tuple[str, str | None]] = []  # (nominee, new session or None = loses the seat)
        for a, b in pairwise(path):
            if a[0] == "m" and b[0] == "mc":
                self.mc[(b[1], b[2])] += 1
            elif a[0] == "mc" and b[0] == "m":
                self.mc[(a[1], a[2])] -= 1
            elif a[0] == "n" and b[0] == "ms":
                moves.append((a[1], b[2]))
            elif a[0] == "n" and b[0] == "mc":
                moves.append((a[1], None))
        for nid, _ in moves:
            if nid in self.seat:
                self.unplace(nid)
        for nid, sid in moves:
            if sid is not None:
                self.place(nid, sid)

    def fill(self) -> None:
        """Water-filling: raise the municipality with the smallest share (ties: the lottery) until none can be."""
        total = {m: sum(len(self.by_mc[(m, c)]) for c in cs) for m, cs in self.courses_of.items()}
        seats: dict[str, int] = defaultdict(int)
        for nid in self.seat:
            seats[self.nominees[nid].municipality] += 1
        heap = [self._key(seats[m], total[m], m) for m in total]
        heapq.heapify(heap)
        while heap:
            *_, m = heapq.heappop(heap)
            if self.direct(m) or self.augment(m):
                seats[m] += 1
                heapq.heappush(heap, self._key(seats[m], total[m], m))

    def _key(self, seats: int, total: int, m: str) -> tuple[Fraction, Fraction, int, str]:
        # Smallest share first; among equal shares the one whose share rises most (fewest nominations): one
        # seat lifts a village of 3 nominations to 1/3, a ward of 30 only to 1/30, and the sorted shares are compared
        # from the bottom. Then the lottery.
        return Fraction(seats, total), -Fraction(seats + 1, total), self.draw[m], m

    def shares(self) -> dict[str, Fraction]:
        seats: dict[str, int] = defaultdict(int)
        for nid in self.seat:
            seats[self.nominees[nid].municipality] += 1
        return {m: Fraction(seats[m], sum(len(self.by_mc[(m, c)]) for c in cs)) for m, cs in self.courses_of.items()}

    # -- the municipality's own order (step 3)
    def respect_order(self) -> None:
        changed = True
        while changed:
            changed = False
            for ids in self.by_mc.values():
                changed |= self._promote_better(ids) or self._prefer_earlier(ids)

    def _promote_better(self, ids: list[str]) -> bool:
        for i, better in enumerate(ids):
            if better in self.seat:
                continue
            wanted = set(self.nominees[better].sessions)
            worse = [w for w in ids[i + 1:] if self.seat.get(w) in wanted]
            if worse:
                sid = self.unplace(worse[-1])
                self.place(better, sid)
                return True
        return False

    def _prefer_earlier(self, ids: list[str]) -> bool:
        for i, nid in enumerate(ids):
            here = self.seat.get(nid)
            if here is None:
                continue
            n = self.nominees[nid]
            for sid in n.sessions[: n.sessions.index(here)]:
                if self.s_room(sid) and self.ms_room(n.municipality, sid):
                    self.unplace(nid)
                    self.place(nid, sid)
                    return True
                swap = [w for w in ids[i + 1:] if self.seat.get(w) == sid and here in self.nominees[w].sessions]
                if swap:
                    self.unplace(swap[-1])
                    self.unplace(nid)
                    self.place(nid, sid)
                    self.place(swap[-1], here)
                    return True
        return False


def solve(instance: Instance, seed: int) -> Plan:
    lottery = Lottery.draw(instance, seed)
    elig = eligibility(instance, lottery)
    net = _Network(instance, elig, lottery)
    net.fill()  # phase 1: two seats per municipality and course
    net.cap, net.dead, net.no_direct = None, set(), set()
    net.fill()  # phase 2: the rest
    net.respect_order()
    final = net.shares()
    return build_plan(
        instance, method="fair", seed=seed, elig=elig, seats=dict(net.seat),
        waitlist_key=lambda n, i: (i, final[n.municipality], lottery.municipal_draw[n.municipality],
                                   member_key(n, lottery)),
    )
