"""How evenly a plan serves municipalities of different sizes.

Measured, per size band (`policy.size_bands`, by population — a public stand-in for IT staff): requests and hours asked
and served, and the share served. Summaries:
- `min_band_rate` — the share served in the worst-served band (higher is better);
- `band_gap` — best band's share minus worst band's (0 is even);
- `small_vs_large` — 小規模 share minus 特大 share (≥ 0: small municipalities do not lose out);
- `jain` — Jain's index over municipalities' shares, 1.0 when every municipality gets the same share;
- `unserved_municipalities` — municipalities that asked and got nothing.
Some requests cannot be served by anyone (no skill, mode, conflict, exclusion, no time in the
period) whatever the plan does.
`servable` counts the others, and `lost` (servable − served) is what a band lost to competition for specialists:
the figure that shows whether small municipalities lose out to large ones.
Shares are reported as floats for reading; the plan itself stays in integers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from kyodo.jinzai.feasibility import analyse
from kyodo.jinzai.model import Instance
from kyodo.municipalities import BY_CODE


@dataclass(frozen=True, slots=True)
class BandFigures:
    band: str
    municipalities: int  # municipalities in the band that asked
    requests: int
    served: int
    hours: int
    hours_served: int
    servable: int  # requests someone in the pool could serve, before competition

    @property
    def rate(self) -> float:
        return self.served / self.requests if self.requests else 1.0

    @property
    def lost(self) -> int:
        return self.servable - self.served

    @property
    def rate_servable(self) -> float:
        return self.served / self.servable if self.servable else 1.0


@dataclass(frozen=True, slots=True)
class Fairness:
    bands: tuple[BandFigures, ...]
    min_band_rate: float
    band_gap: float
    small_vs_large: float
    jain: float
    unserved_municipalities: tuple[str, ...]  # codes


def measure(instance: Instance, assignment: Mapping[str, str]) -> Fairness:
    p = instance.policy
    candidates = analyse(instance).candidates
    # municipality → requests, served, hours, hours served, servable
    asked: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for r in instance.requests:
        row = asked[r.municipality]
        hours = r.hours(p)
        row[0] += 1
        row[2] += hours
        row[4] += 1 if candidates[r.id] else 0
        if r.id in assignment:
            row[1] += 1
            row[3] += hours
    bands = []
    for name in p.band_names:
        rows = [v for m, v in asked.items() if p.band(BY_CODE[m].population) == name]
        bands.append(
            BandFigures(name, len(rows), *(sum(v[i] for v in rows) for i in range(5)))
        )
    rates = [b.rate for b in bands if b.requests]
    by_name = {b.band: b for b in bands}
    shares = [v[1] / v[0] for v in asked.values()]
    squares = sum(x * x for x in shares)
    jain = (sum(shares) ** 2) / (len(shares) * squares) if squares else 0.0
    small, large = p.band_names[-1], p.band_names[0]
    return Fairness(
        bands=tuple(bands),
        min_band_rate=min(rates, default=1.0),
        band_gap=(max(rates) - min(rates)) if rates else 0.0,
        small_vs_large=by_name[small].rate - by_name[large].rate,
        jain=jain,
        unserved_municipalities=tuple(sorted(m for m, v in asked.items() if v[1] == 0)),
    )
