"""Child-proposing deferred acceptance (受入保留方式) with capacities per facility and age class.

Steps:
1. Each child's list is its choices in order, then (for a transfer) its current facility, where
   its own seat is guaranteed: that seat is counted in the capacity and the child ranks first there.
2. Every child without a tentative seat proposes to the next place on its list.
3. Each seat keeps the best applicants by priority up to its capacity and rejects the rest.
4. Repeat until nobody is rejected with places left to try. A transfer child who moves on frees
   its old seat for others, so chains of transfers resolve by themselves.
The result is the child-optimal stable allocation for the given strict priorities.
Places shared across age classes (Facility.shared_capacity) are not handled here; the pipeline
allocates with `kyodo.hoiku.engine.joint`, which handles them.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping

from kyodo.hoiku.model.instance import Instance
from kyodo.hoiku.model.result import Group, Priority, Seat


def seat_capacities(instance: Instance) -> dict[Seat, int]:
    """Vacancies per seat plus the seats held by transfer applicants (which they may free)."""
    capacity: dict[Seat, int] = {}
    for facility in instance.facilities.values():
        for age, vacancies in facility.vacancies.items():
            capacity[(facility.id, age)] = vacancies
    for child in instance.children.values():
        if child.current_facility is not None:
            seat = (child.current_facility, child.age_class)
            capacity[seat] = capacity.get(seat, 0) + 1
    return capacity


def group_capacities(instance: Instance) -> dict[Group, int]:
    """Shared places per group of age classes (Facility.shared_capacity), plus the seats held by
    transfer applicants in those age classes: like a seat's capacity, a transfer child's own seat
    counts inside its group, holds one of the group's places while the child stays, and frees it
    when the child moves on. (Groups of one facility never overlap; the pipeline checks.)"""
    capacity: dict[Group, int] = {}
    group_of: dict[Seat, Group] = {}
    for facility in instance.facilities.values():
        for ages, places in facility.shared_capacity.items():
            group = (facility.id, tuple(ages))
            capacity[group] = places
            group_of.update({(facility.id, a): group for a in ages})
    if group_of:
        for child in instance.children.values():
            if child.current_facility is not None:
                found = group_of.get((child.current_facility, child.age_class))
                if found is not None:
                    capacity[found] += 1
    return capacity


def preference_lists(instance: Instance) -> dict[str, tuple[str, ...]]:
    lists: dict[str, tuple[str, ...]] = {}
    for cid, child in instance.children.items():
        own = child.current_facility
        lists[cid] = child.choices + ((own,) if own is not None and own not in child.choices else ())
    return lists


def deferred_acceptance(
    instance: Instance,
    priority: Priority,
    *,
    capacity: Mapping[Seat, int] | None = None,
    preferences: Mapping[str, tuple[str, ...]] | None = None,
) -> dict[str, str | None]:
    """Child id → facility id, or None when not admitted (保留)."""
    capacity = seat_capacities(instance) if capacity is None else capacity
    preferences = preference_lists(instance) if preferences is None else preferences
    position: dict[Seat, dict[str, int]] = {
        seat: {cid: i for i, cid in enumerate(order)} for seat, order in priority.order.items()
    }
    age = {cid: child.age_class for cid, child in instance.children.items()}
    next_choice = dict.fromkeys(preferences, 0)
    # Per seat, a heap of (-position, child): the worst tentatively accepted child on top.
    held: dict[Seat, list[tuple[int, str]]] = {}
    free = [cid for cid in reversed(list(preferences))]
    while free:
        cid = free.pop()
        prefs = preferences[cid]
        while next_choice[cid] < len(prefs):
            facility_id = prefs[next_choice[cid]]
            next_choice[cid] += 1
            seat = (facility_id, age[cid])
            places = capacity.get(seat, 0)
            rank = position.get(seat, {}).get(cid)
            if places <= 0 or rank is None:
                continue
            heap = held.setdefault(seat, [])
            if len(heap) < places:
                heapq.heappush(heap, (-rank, cid))
                break
            worst_rank, worst = heap[0]
            if -worst_rank > rank:
                heapq.heapreplace(heap, (-rank, cid))
                free.append(worst)
                break
    assignment: dict[str, str | None] = dict.fromkeys(preferences)
    for (facility_id, _age), heap in held.items():
        for _, cid in heap:
            assignment[cid] = facility_id
    return assignment
