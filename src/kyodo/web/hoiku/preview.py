"""What a staff decision would change: two allocations of the same round compared child by child.

Plain Python (no Django): the web's decision preview and `benchmarks/hoiku_preview.py` both use it.
"Better" follows each child's own list: a choice higher on its list, then its current seat (a transfer
applicant who stays), then a seat staff gave it outside its list, then no seat (保留).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kyodo.hoiku.outcome import Outcome


@dataclass(frozen=True, slots=True)
class Placement:
    """Where one child is in one allocation, with what is needed to compare and to show it."""

    child_id: str
    name: str
    household_id: str
    age_class: int
    facility_id: str | None
    choice: int | None  # 第n希望 of the seat it holds (None: none, or a seat not on its list)
    choices: int  # how many choices it listed
    stays: bool = False  # a transfer applicant keeping its current seat

    @property
    def standing(self) -> float:
        """Smaller is better for the child (see the module docstring)."""
        if self.facility_id is None:
            return float("inf")
        if self.choice is not None:
            return float(self.choice)
        return self.choices + (1.0 if self.stays else 2.0)


@dataclass(frozen=True, slots=True)
class Move:
    child_id: str
    name: str
    age_class: int
    before: Placement | None
    after: Placement | None


@dataclass(frozen=True, slots=True)
class Family:
    """A household with two or more applicants, one of whom moved: together (one facility, or all 保留) or not."""

    household_id: str
    children: tuple[str, ...]
    together_before: bool
    together_after: bool

    @property
    def split(self) -> bool:
        return self.together_before and not self.together_after

    @property
    def joined(self) -> bool:
        return not self.together_before and self.together_after


@dataclass(frozen=True, slots=True)
class Preview:
    target: Move
    gains: tuple[Move, ...]
    displaced: tuple[Move, ...]  # worse off than before, the decision's own child aside
    families: tuple[Family, ...] = field(default=())

    @property
    def moves(self) -> int:
        return len(self.gains) + len(self.displaced)


def placements(outcome: Outcome) -> dict[str, Placement]:
    """Every child of an Outcome (a withdrawn child is not in it)."""
    found = {}
    for cid, child in outcome.instance.children.items():
        e = outcome.explanations[cid]
        found[cid] = Placement(
            cid, child.name or "", child.household_id, child.age_class, e.assigned, e.choice_rank,
            len(child.choices), stays=e.assigned is not None and e.assigned == child.current_facility,
        )
    return found


def compare(before: Mapping[str, Placement], after: Mapping[str, Placement], target: str) -> Preview:
    """Who gains and who is displaced going from `before` to `after`; the target child reported apart."""
    gains: list[Move] = []
    displaced: list[Move] = []
    moved: set[str] = set()
    for cid in sorted(before.keys() | after.keys()):
        x, y = before.get(cid), after.get(cid)
        if cid == target or x is None or y is None or x.facility_id == y.facility_id:
            continue
        move = Move(cid, y.name, y.age_class, x, y)
        (gains if y.standing < x.standing else displaced).append(move)
        moved.add(cid)
    any_row = after.get(target) or before.get(target)
    target_move = Move(target, any_row.name if any_row else "", any_row.age_class if any_row else 0,
                       before.get(target), after.get(target))
    if target_move.before != target_move.after:
        moved.add(target)
    return Preview(target_move, tuple(gains), tuple(displaced), _families(before, after, moved))


def _families(before: Mapping[str, Placement], after: Mapping[str, Placement], moved: set[str]) -> tuple[Family, ...]:
    households: dict[str, list[str]] = {}
    for p in before.values():
        households.setdefault(p.household_id, []).append(p.child_id)
    found = []
    for hid, members in sorted(households.items()):
        if len(members) < 2 or not moved.intersection(members):
            continue
        found.append(Family(hid, tuple(sorted(members)), _together(before, members), _together(after, members)))
    return tuple(found)


def _together(placed: Mapping[str, Placement], members: Iterable[str]) -> bool:
    """All at one facility, or all without a seat (a withdrawn member no longer counts)."""
    seats = {placed[c].facility_id for c in members if c in placed}
    return len(seats) <= 1
