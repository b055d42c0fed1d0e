"""The next round's applications (二次調整, a monthly round) from a finished round: who is carried over, with what.

    result = carry_over(previous, placements, withdrawals={"17"}, transfers={"23"}, added=new_applications)
    result.instance    # the next round's Instance: carried children, new applications, the remaining places

1. A child who got no seat (保留), or a transfer applicant who kept its seat (在園継続), is carried over with its
   application as it stands.
2. A child who got a seat (内定・転園内定) is dropped, unless it is listed in `transfers`: it then applies to
   transfer from its new seat (the seat becomes its 在園施設) to the choices it ranked above that seat.
3. Children listed in `withdrawals` (取り下げ) are removed.
4. New applications (`added`, read against the next round's facilities) are added; one with the id of a carried
   child replaces that child's application (a changed application), and its household replaces the old one.
5. Places: the given `facilities` (the month's 空き定員), or else what the previous round left: its vacancies less
   the new seats it filled, plus the seats its transfers left.
Siblings placed in the previous round are enrolled now, so their facility is added to the carried children's
きょうだい在園施設. A family that ranked its own combinations (the combination file) keeps its ranking when every
one of its children is carried as it applied and no new child joins it, less the combinations that name a facility
the next round no longer has; otherwise its sibling pattern applies again.
`months` (the months since the previous round) is added to the 待機月数 of every household carried over from it;
a household a new application replaces states its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from kyodo.hoiku.model.instance import Child, Facility, Household, Instance
from kyodo.hoiku.model.result import Status
from kyodo.problems import InputError, Problem

WITHDRAWALS = "取り下げ"
TRANSFERS = "転園希望"


@dataclass(frozen=True, slots=True)
class Placement:
    """The previous round's result for one child (kyodo.hoiku.Outcome: statuses and assignment)."""

    status: Status
    facility_id: str | None = None


@dataclass(frozen=True, slots=True)
class CarryOver:
    instance: Instance
    carried: tuple[str, ...]  # children carried with their application (保留, 在園継続)
    continuing: tuple[str, ...]  # placed children who go on applying to transfer from their new seat
    dropped: tuple[str, ...]  # placed children not carried
    withdrawn: tuple[str, ...]
    added: tuple[str, ...]  # new applications
    replaced: tuple[str, ...]  # carried children whose application a new one replaced
    families: tuple[str, ...] = ()  # households whose own ranked combinations are carried


def carry_over(
    previous: Instance,
    placements: Mapping[str, Placement],
    *,
    facilities: Mapping[str, Facility] | None = None,
    withdrawals: Iterable[str] = (),
    transfers: Iterable[str] = (),
    added: Instance | None = None,
    months: int = 0,
) -> CarryOver:
    """The next round's Instance. Raises InputError naming each listed child id that cannot be used."""
    if months < 0:
        raise ValueError(f"months must not be negative: {months}")
    withdrawn, continuing = set(withdrawals), set(transfers)
    problems = _listed_problems(previous, placements, withdrawn, continuing)
    if problems:
        raise InputError(problems)
    children: dict[str, Child] = {}
    dropped: list[str] = []
    for cid, child in previous.children.items():
        status = placements[cid].status
        if cid in withdrawn:
            continue
        if status in (Status.WAITLISTED, Status.STAYS):
            children[cid] = child
        elif cid in continuing:
            children[cid] = _from_new_seat(child, placements[cid])
        else:
            dropped.append(cid)
    children = {cid: _with_placed_siblings(c, previous, placements) for cid, c in children.items()}
    households = {c.household_id: _waited(previous.households[c.household_id], months) for c in children.values()}
    new = dict(added.children) if added is not None else {}
    replaced = tuple(cid for cid in new if cid in children)
    children.update(new)
    households.update(added.households if added is not None else {})
    households = {hid: h for hid, h in households.items() if any(c.household_id == hid for c in children.values())}
    places = dict(facilities) if facilities is not None else remaining_places(previous, placements)
    if problems := class_problems(children.values(), places):
        raise InputError(problems)
    carried = tuple(cid for cid in children if cid in previous.children and cid not in continuing and cid not in new)
    combinations = _kept_combinations(previous, children, set(carried), places)
    instance = Instance(
        facilities=places,
        households=households,
        children=children,
        fiscal_year=previous.fiscal_year,
        family_combinations=combinations,
        family_children={hid: previous.family_children[hid] for hid in combinations},
    )
    return CarryOver(
        instance,
        carried=carried,
        continuing=tuple(sorted(continuing, key=list(previous.children).index)),
        dropped=tuple(dropped),
        withdrawn=tuple(c for c in previous.children if c in withdrawn),
        added=tuple(cid for cid in new if cid not in replaced),
        replaced=replaced,
        families=tuple(combinations),
    )


def _waited(household: Household, months: int) -> Household:
    """The household with `months` more of 待機月数, where it states any."""
    waited = household.facts.get("waiting_months")
    if not months or not isinstance(waited, int) or isinstance(waited, bool):
        return household
    return replace(household, facts={**household.facts, "waiting_months": waited + months})


def _kept_combinations(
    previous: Instance, children: Mapping[str, Child], carried: set[str], places: Mapping[str, Facility]
) -> dict[str, tuple[tuple[str | None, ...], ...]]:
    """The explicit combinations still true of the next round: those of families whose children are all carried
    as they applied, with no child added, less any that names a facility the round does not have. A family left
    with no combination that admits anyone is left to its sibling pattern."""
    members: dict[str, set[str]] = {}
    for cid, child in children.items():
        members.setdefault(child.household_id, set()).add(cid)
    kept: dict[str, tuple[tuple[str | None, ...], ...]] = {}
    for household, ranked in previous.family_combinations.items():
        kids = previous.family_children.get(household, ())
        if not kids or members.get(household) != set(kids) or not set(kids) <= carried:
            continue
        still = tuple(c for c in ranked if all(f is None or f in places for f in c))
        current = tuple(children[k].current_facility for k in kids)
        if any(f is not None and f != own for c in still for f, own in zip(c, current, strict=True)):
            kept[household] = still
    return kept


def _listed_problems(
    previous: Instance, placements: Mapping[str, Placement], withdrawn: set[str], continuing: set[str]
) -> list[Problem]:
    problems = []
    missing = [cid for cid in previous.children if cid not in placements]
    if missing:
        raise ValueError(f"no placement for {len(missing)} children (e.g. {missing[0]})")
    for cid in sorted(withdrawn - previous.children.keys()):
        problems.append(Problem(f"児童番号「{cid}」は前回の申込にありません", file=WITHDRAWALS))
    for cid in sorted(continuing):
        placement = placements.get(cid)
        if placement is None:
            problems.append(Problem(f"児童番号「{cid}」は前回の申込にありません", file=TRANSFERS))
        elif not placement.status.new_seat:
            problems.append(Problem(f"児童番号「{cid}」は前回{placement.status.label}で、内定していません。"
                                    "保留・在園継続の児童はそのまま引き継ぎます", file=TRANSFERS))
        elif not _better_choices(previous.children[cid], placement):
            problems.append(Problem(f"児童番号「{cid}」は第1希望に内定したので、転園を希望する施設がありません",
                                    file=TRANSFERS))
        elif cid in withdrawn:
            problems.append(Problem(f"児童番号「{cid}」が取り下げにも書かれています", file=TRANSFERS))
    return problems


def _better_choices(child: Child, placement: Placement) -> tuple[str, ...]:
    if placement.facility_id not in child.choices:
        return ()  # placed by a staff decision outside its choices: nothing it ranked above the seat
    return child.choices[: child.choices.index(placement.facility_id)]


def _from_new_seat(child: Child, placement: Placement) -> Child:
    return replace(child, choices=_better_choices(child, placement), current_facility=placement.facility_id)


def _with_placed_siblings(child: Child, previous: Instance, placements: Mapping[str, Placement]) -> Child:
    placed = [
        placements[other.id].facility_id
        for other in previous.children.values()
        if other.household_id == child.household_id and other.id != child.id and placements[other.id].status.new_seat
    ]
    more = tuple(f for f in dict.fromkeys(placed) if f is not None and f not in child.sibling_facilities)
    return replace(child, sibling_facilities=child.sibling_facilities + more) if more else child


def remaining_places(previous: Instance, placements: Mapping[str, Placement]) -> dict[str, Facility]:
    """The previous vacancies less the new seats filled, plus the seats left by children who transferred.

    The same counts for seats shared by age classes (共有枠). A class filled beyond its places by a staff
    decision has none left (never fewer than 0)."""
    change: Counter[tuple[str, int]] = Counter()
    for cid, child in previous.children.items():
        placement = placements[cid]
        if placement.status.new_seat and placement.facility_id is not None:
            change[placement.facility_id, child.age_class] -= 1
        if placement.status is Status.TRANSFERRED and child.current_facility is not None:
            change[child.current_facility, child.age_class] += 1
    result = {}
    for fid, facility in previous.facilities.items():
        vacancies = dict(facility.vacancies)
        for (at, age), n in change.items():
            if at == fid and (age in vacancies or n > 0):
                vacancies[age] = max(vacancies.get(age, 0) + n, 0)
        shared = {
            ages: max(places + sum(change[fid, a] for a in ages), 0) for ages, places in facility.shared_capacity.items()
        }
        result[fid] = replace(facility, vacancies=vacancies, shared_capacity=shared)
    return result


def placements_of(statuses: Mapping[str, Status], assignment: Mapping[str, str | None]) -> dict[str, Placement]:
    """Placements from an Outcome's statuses and the assignment (child id → facility id or None)."""
    return {cid: Placement(status, assignment.get(cid)) for cid, status in statuses.items()}



def class_problems(children: Iterable[Child], facilities: Mapping[str, Facility]) -> list[Problem]:
    """One problem per facility and age class that children choose but the facilities no longer take (its
    number left blank), naming how many and the first of them: a clerk who blanked a class meant 0."""
    chosen: dict[tuple[str, int], list[str]] = {}
    for child in children:
        for facility_id in child.choices:
            chosen.setdefault((facility_id, child.age_class), []).append(child.id)
    problems = []
    for (facility_id, age), ids in chosen.items():
        facility = facilities.get(facility_id)
        if facility is None:
            problems.append(Problem(f"施設「{facility_id}」がありません。{len(ids)}人が希望しています"
                                    f"(児童番号 {_first(ids)})", column="施設番号"))
        elif facility.vacancies and age not in facility.vacancies and not any(
            age in ages for ages in facility.shared_capacity
        ):
            problems.append(Problem(
                f"{facility.name}({facility_id})の{age}歳児が空欄(受け入れない)ですが、{len(ids)}人が希望しています"
                f"(児童番号 {_first(ids)})。空きがないときは空欄でなく 0 にしてください",
                column=f"{age}歳募集人数",
            ))
    return problems


def _first(ids: list[str], shown: int = 5) -> str:
    return "、".join(ids[:shown]) + (f" ほか{len(ids) - shown}人" if len(ids) > shown else "")
