"""A synthetic Tokyo-wide picture: 62 municipalities × 20 systems with a monthly history up to December 2026.

Shape (seeded, deterministic; figures are plausible, not any municipality's real ones):
- most pairs migrated to the government cloud by the end of FY2025 (2026-03-31), a few a little after;
- a share of municipalities hold 特定移行支援システム (reasons weighted: vendor capacity, heavy customisation,
  mainframe — mostly large wards' tax and resident systems —, no compliant product), with later deadlines; most of
  those are in progress at the end of 2026, some stalled for months, some too slow for their deadline;
- operating costs before (by population) and, for migrated pairs, after: spread around a 10% cut, a minority
  meeting the 30% target and some rising (as many real reports did).
Vendor and product names are fictitious.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from kyodo.hyojunka.catalog import Day, catalog
from kyodo.hyojunka.model import MigrationForm, PairKey, Plan
from kyodo.municipalities import MUNICIPALITIES, Municipality

HORIZON = date(2026, 12, 31).toordinal()  # the history stops here
PROGRAMME_START = date(2022, 4, 1).toordinal()
VENDORS = ("東都システム", "武蔵野情報サービス", "多摩電算", "関東ソリューションズ", "湾岸データ", "大江戸クラウド")
REASON_WEIGHTS = {"vendor_capacity": 45, "customisation": 25, "mainframe": 15, "no_product": 10, "other": 5}
MAINFRAME_SYSTEMS = ("juki", "kotei", "kojin_juminzei", "hojin_juminzei", "keijidosha", "kokuho")
TOKUTEI_DEADLINES = tuple(date(y, 3, 31).toordinal() for y in (2027, 2028, 2029, 2030, 2031))


@dataclass(frozen=True, slots=True)
class Generated:
    plans: tuple[Plan, ...]
    steps: dict[PairKey, dict[int, Day]]


def generate(seed: int = 1, municipalities: Sequence[Municipality] = MUNICIPALITIES) -> Generated:
    rng = random.Random(seed)
    plans: list[Plan] = []
    steps: dict[PairKey, dict[int, Day]] = {}
    for m in municipalities:
        tokutei = _tokutei_systems(rng, m)
        vendor = rng.choice(VENDORS)
        for system in catalog().systems:
            reason = tokutei.get(system.id)
            plan, done = _pair(rng, m, system.id, system.name, vendor, reason)
            plans.append(plan)
            steps[plan.key] = done
    return Generated(tuple(plans), steps)


def _tokutei_systems(rng: random.Random, m: Municipality) -> dict[str, str]:
    """system id → reason category id, for the municipality's 特定移行支援システム (often none)."""
    if rng.random() > (0.55 if m.population >= 200_000 else 0.3):
        return {}
    reasons: dict[str, str] = {}
    if m.population >= 400_000 and rng.random() < 0.35:
        reasons |= dict.fromkeys(MAINFRAME_SYSTEMS, "mainframe")
    others = [s.id for s in catalog().systems if s.id not in reasons]
    for system in rng.sample(others, rng.randint(1, 5)):
        reasons[system] = rng.choices(list(REASON_WEIGHTS), weights=list(REASON_WEIGHTS.values()))[0]
    return reasons


def _pair(
    rng: random.Random, m: Municipality, system: str, system_name: str, vendor: str, reason: str | None
) -> tuple[Plan, dict[int, Day]]:
    total = catalog().step_count
    deadline = rng.choice(TOKUTEI_DEADLINES) if reason else catalog().policy.default_deadline
    start = PROGRAMME_START + rng.randint(0, 300)
    # 特定移行支援: the later deadline is used, and sometimes missed.
    finish = _regular_finish(rng, deadline) if reason is None else deadline + rng.randint(-700, 200)
    done = _spread(rng, start, finish, total)
    if reason is not None and rng.random() < 0.3:
        stall = HORIZON - rng.randint(100, 400)  # stalled: nothing after this day
        done = {n: d for n, d in done.items() if d <= stall}
    done = {n: d for n, d in done.items() if d <= HORIZON}
    complete = len(done) == total
    before = _cost_before(rng, m, system)
    after = round(before * (1 + rng.gauss(-0.1, 0.14))) if complete else None
    platform = "ガバメントクラウド" if complete else ("メインフレーム" if reason == "mainframe" else
                                                  rng.choice(("オンプレミス", "データセンター")))
    shared = m.kind in ("町", "村") or rng.random() < 0.1
    plan = Plan(
        municipality=m.code, system=system, deadline=deadline, tokutei=reason is not None, reason=reason,
        vendor=vendor, product=f"{vendor} 標準準拠{system_name}", platform=platform,
        form=MigrationForm.SHARED if shared else MigrationForm.SOLE, cost_before=before, cost_after=after,
    )
    return plan, done


def _regular_finish(rng: random.Random, deadline: Day) -> Day:
    roll = rng.random()
    if roll < 0.9:
        return deadline - rng.randint(0, 280)  # on time
    if roll < 0.97:
        return deadline + rng.randint(20, 250)  # finished late, in 2026
    return deadline + rng.randint(500, 900)  # still going at the end of 2026, past its deadline


def _spread(rng: random.Random, start: Day, finish: Day, total: int) -> dict[int, Day]:
    """Step days in order from start to finish, with uneven gaps (planning is slow, cut-over is quick)."""
    weights = [rng.uniform(0.5, 1.5) * (1.6 if n <= 13 else 1.0) for n in range(1, total + 1)]
    scale = (finish - start) / sum(weights)
    done, day = {}, float(start)
    for n, w in enumerate(weights, start=1):
        day += w * scale
        done[n] = min(int(day), finish)
    return done


def _cost_before(rng: random.Random, m: Municipality, system: str) -> int:
    base = 4_000_000 + m.population * rng.uniform(20, 45)  # yen per year
    if system in ("juki", "kojin_juminzei", "kokuho", "kaigo"):
        base *= 1.8
    return int(round(base, -3))
