"""Demand aggregation: the same kind of help asked by several municipalities, and joint projects with a cost ledger.

Requests are of the same kind when they share the consultation field (相談分野) and the set of skills asked (levels
aside). A group from two or more municipalities can become a joint project (共同プロジェクト): the base cost (common
preparation) is shared equally, the service cost follows each municipality's hours. All yen are integers; the yen that
an equal split leaves over go one each to the participants in code order, so the ledger always adds up exactly.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from kyodo.jinzai.model import Instance, Request
from kyodo.jinzai.skills import taxonomy


@dataclass(frozen=True, slots=True)
class DemandGroup:
    category: str
    skills: tuple[str, ...]  # skill ids, sorted
    request_ids: tuple[str, ...]
    municipalities: tuple[str, ...]  # codes, sorted

    @property
    def label(self) -> str:
        names = "・".join(taxonomy().name(s) for s in self.skills)
        return f"{self.category}({names})" if self.category else names


@dataclass(frozen=True, slots=True)
class LedgerLine:
    municipality: str
    hours: int
    base_share_yen: int
    service_yen: int

    @property
    def total_yen(self) -> int:
        return self.base_share_yen + self.service_yen


@dataclass(frozen=True, slots=True)
class JointProject:
    group: DemandGroup
    base_cost_yen: int
    hourly_rate_yen: int
    ledger: tuple[LedgerLine, ...]

    @property
    def total_yen(self) -> int:
        return sum(line.total_yen for line in self.ledger)

    @property
    def saving_yen(self) -> int:
        """What the participants save against each paying the base cost alone."""
        return self.base_cost_yen * (len(self.ledger) - 1)


def _kind(r: Request) -> tuple[str, tuple[str, ...]]:
    return r.category, tuple(sorted(r.skills))


def group_demand(instance: Instance) -> tuple[DemandGroup, ...]:
    """Every kind of help asked, with who asked; largest groups first."""
    by_kind: dict[tuple[str, tuple[str, ...]], list[Request]] = defaultdict(list)
    for r in instance.requests:
        by_kind[_kind(r)].append(r)
    groups = [
        DemandGroup(cat, skills, tuple(r.id for r in rs), tuple(sorted({r.municipality for r in rs})))
        for (cat, skills), rs in by_kind.items()
    ]
    return tuple(sorted(groups, key=lambda g: (-len(g.municipalities), g.category, g.skills)))


def joint_project(instance: Instance, group: DemandGroup) -> JointProject:
    """The cost-share ledger for a group of two or more municipalities (ValueError otherwise)."""
    if len(group.municipalities) < 2:
        raise ValueError("a joint project needs requests from at least two municipalities")
    p = instance.policy
    hours: dict[str, int] = defaultdict(int)
    for rid in group.request_ids:
        r = instance.request(rid)
        hours[r.municipality] += r.hours(p)
    n = len(group.municipalities)
    share, left_over = divmod(p.base_cost_yen, n)
    ledger = tuple(
        LedgerLine(m, hours[m], share + (1 if i < left_over else 0), hours[m] * p.hourly_rate_yen)
        for i, m in enumerate(group.municipalities)
    )
    return JointProject(group, p.base_cost_yen, p.hourly_rate_yen, ledger)


def joint_projects(instance: Instance) -> tuple[JointProject, ...]:
    return tuple(joint_project(instance, g) for g in group_demand(instance) if len(g.municipalities) >= 2)
