"""A realistic synthetic ward (合成データ) for demos, tests and benchmarks.

`generate_ward` builds an Instance from a seed alone; the same arguments give the same ward.
Its proportions follow the published data in `shared/data/real/` (港区・台東区・中央区):

- kinds: 認可保育所 about 70% of facilities, 小規模保育 (ages 0-2 only) about 17%, a few 認定こども園,
  家庭的保育 and 事業所内保育 (港区 82 認可 / 12 小規模 of ~110; 台東区 45 認可 / 22 小規模 / 5 こども園);
- vacancies: age 1 the most, age 0 fewer, age 2 a few, ages 3-5 none at many facilities and 空有 at others
  (the `―` and `空有` cells of the cut-off tables); 1.3-2 applicants per seat at ages 0-2;
- points: most couples both work full time, so most households reach the full-time couple score and
  the cut-offs cluster there (港区 40, 台東区 48-50): ties at the top are normal and tie-breaks decide;
- 住民税所得割額 in yen with a wide spread, so the income tie-break separates those ties.

Locations are around 江東区 (35.67N, 139.82E); the area grows with the number of facilities so
that the density of nurseries stays that of a Tokyo ward.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

import numpy as np

from kyodo.hoiku.model.instance import (
    AGE_CLASSES,
    CHILD_FACTS,
    Child,
    Facility,
    FactValue,
    Household,
    Instance,
)
from kyodo.hoiku.tools.generate_calibration import (
    APPLICANT_AGES,
    AREAS,
    BRANDS,
    CENTER,
    CHOICE_COUNT_CUM,
    CHOICE_COUNTS,
    DEMAND_RATIO,
    DISTANCE_SCALE_KM,
    ENROLLED_SIBLING_SHARE,
    FAMILY_NAMES,
    GIVEN_NAMES,
    KIND_SUFFIX,
    KINDS,
    KM_PER_DEGREE_LAT,
    NO_VACANCY_WEIGHT,
    REACH_KM,
    RECRUITING,
    SHARE_FROM_AGE_1,
    SIBLING_PATTERN_CUM,
    SIBLING_PATTERNS,
    SIDE_KM_AT_311,
    TILE_KM,
    TRANSFER_AGES,
)
from kyodo.hoiku.tools.generate_households import draw_household, with_later_facts
from kyodo.hoiku.tools.generate_households import pick as _pick

_Placer = Callable[[float], tuple[float, float]]  # spread in km → a point, km east and north of the centre

@dataclass(slots=True)
class _Draft:
    """A child while the ward is being drawn (mutable; becomes a model.Child at the end)."""

    household: int
    age: int
    home: tuple[float, float]  # km east, km north of the centre
    birth_date: date | None = None
    pattern: int = 7
    twins: bool = False
    transfer: bool = False
    enrolled_sibling: bool = False
    small_scale_graduate: bool = False
    choices: list[int] = field(default_factory=list)
    current: int | None = None
    sibling_facility: int | None = None


@dataclass(slots=True)
class _Site:
    kind: str
    ages: tuple[int, ...]
    x: float
    y: float
    size: float
    appeal: float  # log-weight: new, large or well-known facilities draw more applications


def generate_ward(
    *,
    children: int,
    facilities: int,
    seed: int,
    fiscal_year: int,
    sibling_share: float = 0.10,
    transfer_share: float = 0.05,
    max_choices: int = 10,
) -> Instance:
    """A synthetic ward of `children` applications and `facilities` nurseries, the same for the same seed.

    `sibling_share` and `transfer_share` are shares of children (not of households): the children who
    apply together with a sibling, and those applying to transfer. `max_choices` caps each child's
    list (pass the ward's choice limit, e.g. 5 for 江東区, to stay within its rules).

    1. Place facilities around a few station areas and give each a kind.
    2. Draw households: sibling families (`sibling_share` of the children), transfers (`transfer_share`),
       then single applicants; ages, birth dates and homes.
    3. Give facilities vacancies per age so that demand exceeds supply at ages 0-2.
    4. Let each child (or family, for patterns 1-5) choose 1-`max_choices` nearby facilities that take
       its age, weighted by distance; transfers keep a current facility they like less.
    5. Draw guardians and household facts (every fact of HOUSEHOLD_FACTS and CHILD_FACTS is set).
    """
    if children < 0 or facilities < 1:
        raise ValueError("children must be >= 0 and facilities >= 1")
    if not (
        0.0 <= sibling_share <= 1.0 and 0.0 <= transfer_share <= 1.0 and sibling_share + transfer_share <= 1.0
    ):
        raise ValueError("sibling_share and transfer_share must be in [0, 1] and sum to at most 1")
    if max_choices < 1:
        raise ValueError("max_choices must be >= 1")
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    side = max(3.0, SIDE_KM_AT_311 * math.sqrt(facilities / 311))
    centres = [
        (rng.uniform(-side / 2, side / 2), rng.uniform(-side / 2, side / 2))
        for _ in range(3 + facilities // 60)
    ]

    def place(spread: float) -> tuple[float, float]:
        if rng.random() < 0.4:
            return rng.uniform(-side / 2, side / 2), rng.uniform(-side / 2, side / 2)
        cx, cy = rng.choice(centres)
        return cx + rng.gauss(0, spread), cy + rng.gauss(0, spread)

    sites = _place_facilities(rng, facilities, place)
    drafts, household_sizes = _draw_children(
        rng, children, fiscal_year, sibling_share, transfer_share, place, sites
    )
    vacancies = _draw_vacancies(rng, sites, drafts)
    _draw_choices(rng, nrng, sites, vacancies, drafts, max_choices)
    return _build(rng, sites, vacancies, drafts, household_sizes, fiscal_year)


def with_given_points(instance: Instance, points: Mapping[str, int]) -> Instance:
    """A copy in which every child carries its points as given (ChilmAI's 点数 column)."""
    missing = [cid for cid in instance.children if cid not in points]
    if missing:
        raise ValueError(f"no points for {len(missing)} children, e.g. {missing[0]}")
    children = {cid: replace(c, given_points=int(points[cid])) for cid, c in instance.children.items()}
    return replace(instance, children=children)


def _place_facilities(rng: random.Random, count: int, place: _Placer) -> list[_Site]:
    # Counts per kind by largest remainder, so that even a small ward has a few of each.
    quotas = {kind: share * count for kind, (_, share, _) in KINDS.items()}
    counts = {kind: int(q) for kind, q in quotas.items()}
    for kind in sorted(quotas, key=lambda k: quotas[k] - counts[k], reverse=True)[
        : count - sum(counts.values())
    ]:
        counts[kind] += 1
    kinds = [kind for kind, n in counts.items() for _ in range(n)]
    rng.shuffle(kinds)
    kinds[0] = "認可保育所"  # every age class has somewhere to go
    sites = []
    for i, kind in enumerate(kinds):
        ages, _, size = KINDS[kind]
        if kind == "認可保育所" and i > 0 and rng.random() < SHARE_FROM_AGE_1:
            ages = ages[1:]
        x, y = place(0.9)
        sites.append(_Site(kind, ages, x, y, size * rng.lognormvariate(0, 0.35), rng.gauss(0, 0.5)))
    return sites


def _age_from(rng: random.Random, weights: Sequence[float]) -> int:
    return _pick(rng, AGE_CLASSES, tuple(accumulate(weights)))


def _birth_date(rng: random.Random, age: int, fiscal_year: int, after: date | None = None) -> date:
    """A birth date in the age class, at least 57 days old on April 1 (the youngest age accepted)."""
    first = date(fiscal_year - age - 1, 4, 2)
    last = date(fiscal_year - age, 4, 1)
    if age == 0:
        last = date(fiscal_year, 4, 1) - timedelta(days=57)
    if after is not None:
        first = max(first, after + timedelta(days=300))  # a younger sibling, not born within ten months
        if first > last:
            first = last
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _family_ages(rng: random.Random, size: int) -> tuple[list[int], bool]:
    """Ages, oldest first, of siblings applying together, and whether the two youngest are twins."""
    twins = rng.random() < (0.15 if size == 2 else 0.3)
    distinct = size - 1 if twins else size
    weights = [w if age <= 6 - distinct else 0.0 for age, w in enumerate((0.45, 0.33, 0.14, 0.06, 0.02, 0.0))]
    ages = [_age_from(rng, weights)] * (2 if twins else 1)
    while len(ages) < size:
        still_needed = size - len(ages) - 1  # distinct older ages after this one
        ages.append(min(5 - still_needed, ages[-1] + _pick(rng, (1, 2, 3, 4), (15, 55, 90, 100))))
    return sorted(ages, reverse=True), twins


def _draw_children(
    rng: random.Random,
    count: int,
    fiscal_year: int,
    sibling_share: float,
    transfer_share: float,
    place: _Placer,
    sites: list[_Site],
) -> tuple[list[_Draft], list[int]]:
    transfers_wanted = round(transfer_share * count)
    siblings_wanted = min(round(sibling_share * count), count - transfers_wanted)
    households: list[list[_Draft]] = []
    sibling_children = transfers = 0
    while siblings_wanted - sibling_children >= 2:
        size = 3 if rng.random() < 0.15 and siblings_wanted - sibling_children >= 3 else 2
        ages, twins = _family_ages(rng, size)
        home = place(1.0)
        pattern = _pick(rng, SIBLING_PATTERNS, SIBLING_PATTERN_CUM)
        family = [_Draft(len(households), age, home, pattern=pattern) for age in ages]
        if twins:
            family[-1].twins = family[-2].twins = True
        previous: date | None = None
        for d in family:
            twin = d.twins and d is family[-1]  # the second twin shares the first one's birthday
            d.birth_date = previous if twin else _birth_date(rng, d.age, fiscal_year, previous)
            previous = d.birth_date
        # An older sibling already enrolled elsewhere may move to where the younger ones go.
        if family[0].age >= 1 and transfers < transfers_wanted and rng.random() < 0.2:
            family[0].transfer = True
            transfers += 1
        households.append(family)
        sibling_children += size
    has_small_scale = any(s.ages[-1] < 3 for s in sites)
    for _ in range(count - sibling_children):
        transfer = transfers < transfers_wanted
        age = _age_from(rng, TRANSFER_AGES if transfer else APPLICANT_AGES)
        d = _Draft(len(households), age, place(1.0), birth_date=_birth_date(rng, age, fiscal_year))
        d.transfer = transfer
        transfers += transfer
        d.small_scale_graduate = not transfer and age == 3 and has_small_scale and rng.random() < 0.35
        d.enrolled_sibling = not transfer and age <= 4 and rng.random() < ENROLLED_SIBLING_SHARE
        households.append([d])
    rng.shuffle(households)  # application numbers do not follow the kind of household
    drafts = []
    for number, family in enumerate(households):
        for d in family:
            d.household = number
            drafts.append(d)
    return drafts, [len(h) for h in households]


def _draw_vacancies(rng: random.Random, sites: list[_Site], drafts: list[_Draft]) -> list[dict[int, int]]:
    demand = [0] * len(AGE_CLASSES)
    for d in drafts:
        demand[d.age] += 1
    vacancies: list[dict[int, int]] = [dict.fromkeys(s.ages, 0) for s in sites]
    for age in AGE_CLASSES:
        taking = [i for i, s in enumerate(sites) if age in s.ages]
        recruiting = [i for i in taking if rng.random() < RECRUITING[age]] or [
            max(taking, key=lambda i: sites[i].size)
        ]
        low, high = DEMAND_RATIO[age]
        seats = max(1, round(demand[age] / rng.uniform(low, high))) if demand[age] else 0
        # Young classes are wider (more staff per child at age 0, fewer places at 2).
        weights = [sites[i].size * (0.4 if age == 2 and sites[i].ages[-1] < 3 else 1.0) for i in recruiting]
        for i in rng.choices(recruiting, weights, k=seats):
            vacancies[i][age] += 1
    return vacancies


def _draw_choices(
    rng: random.Random,
    nrng: np.random.Generator,
    sites: list[_Site],
    vacancies: list[dict[int, int]],
    drafts: list[_Draft],
    max_choices: int,
) -> None:
    """Weighted sampling without replacement by the Gumbel top-k trick, one block of choosers at a time.

    A chooser is a child, or a family of patterns 1-5 choosing one list for all (facilities taking
    every sibling's age). Sampled order is preference order: near and attractive facilities come first.
    """
    choosers: dict[tuple[int, ...], list[list[_Draft]]] = {}
    by_household: dict[int, list[_Draft]] = {}
    for d in drafts:
        by_household.setdefault(d.household, []).append(d)
    for family in by_household.values():
        if len(family) > 1 and family[0].pattern <= 5:
            choosers.setdefault(tuple(sorted({d.age for d in family})), []).append(family)
        else:
            for d in family:
                choosers.setdefault((d.age,), []).append([d])
    fx = np.array([s.x for s in sites])
    fy = np.array([s.y for s in sites])
    for ages, groups in sorted(choosers.items()):
        eligible = np.array(
            [i for i, s in enumerate(sites) if all(a in s.ages for a in ages)], dtype=np.int64
        )
        base = np.array(
            [
                sites[i].appeal
                + (0.0 if all(vacancies[i][a] > 0 for a in ages) else math.log(NO_VACANCY_WEIGHT))
                for i in eligible
            ]
        )
        # Only facilities within reach of a tile are candidates, so a large ward costs N x (nearby),
        # not N x (all): beyond REACH_KM a facility's weight is under e^-5 of one next door.
        tiles: dict[tuple[int, int], list[list[_Draft]]] = {}
        for g in groups:
            x, y = g[0].home
            tiles.setdefault((math.floor(x / TILE_KM), math.floor(y / TILE_KM)), []).append(g)
        for (tx, ty), tile in sorted(tiles.items()):
            near = (np.abs(fx[eligible] - (tx + 0.5) * TILE_KM) <= TILE_KM / 2 + REACH_KM) & (
                np.abs(fy[eligible] - (ty + 0.5) * TILE_KM) <= TILE_KM / 2 + REACH_KM
            )
            local = eligible[near] if near.any() else eligible
            local_base = base[near] if near.any() else base
            ranked = _gumbel_top(
                nrng, tile, fx[local], fy[local], local_base, min(len(local), max_choices + 1)
            )
            for family, order in zip(tile, ranked, strict=True):
                _take_choices(rng, family, local[order].tolist(), max_choices, sites)


def _gumbel_top(
    nrng: np.random.Generator,
    choosers: list[list[_Draft]],
    fx: np.ndarray[Any, np.dtype[np.float64]],
    fy: np.ndarray[Any, np.dtype[np.float64]],
    base: np.ndarray[Any, np.dtype[np.float64]],
    depth: int,
) -> list[np.ndarray[Any, np.dtype[np.int64]]]:
    """For each chooser, `depth` facility positions in sampled order (weight e^(base - distance/scale))."""
    out: list[np.ndarray[Any, np.dtype[np.int64]]] = []
    block = max(1, 2_000_000 // max(1, len(fx)))
    for start in range(0, len(choosers), block):
        part = choosers[start : start + block]
        hx = np.array([g[0].home[0] for g in part])[:, None]
        hy = np.array([g[0].home[1] for g in part])[:, None]
        keys = base - np.hypot(hx - fx, hy - fy) / DISTANCE_SCALE_KM + nrng.gumbel(size=(len(part), len(fx)))
        if depth < len(fx):
            top = np.argpartition(-keys, depth - 1, axis=1)[:, :depth]
        else:
            top = np.broadcast_to(np.arange(len(fx)), keys.shape)
        order = np.take_along_axis(top, np.argsort(-np.take_along_axis(keys, top, axis=1), axis=1), axis=1)
        out.extend(order)
    return out


def _take_choices(
    rng: random.Random, family: list[_Draft], ranked: list[int], max_choices: int, sites: list[_Site]
) -> None:
    k = min(_pick(rng, CHOICE_COUNTS, CHOICE_COUNT_CUM), max_choices, len(ranked))
    if any(d.transfer for d in family) and len(ranked) >= 2:
        # The current facility is one the family likes less than every choice.
        k = min(k, len(ranked) - 1)
        for d in family:
            if d.transfer:
                d.current = ranked[k]
    for d in family:
        d.transfer = d.current is not None  # with a single facility in reach there is nothing to leave
        d.choices = ranked[:k]
        if d.enrolled_sibling:
            _put_enrolled_sibling_first(d, sites)


def _put_enrolled_sibling_first(d: _Draft, sites: list[_Site]) -> None:
    # The older sibling is enrolled at a facility that takes an older child; the family puts it first.
    for i in d.choices:
        if sites[i].ages[-1] > d.age:
            d.sibling_facility = i
            d.choices.remove(i)
            d.choices.insert(0, i)
            return
    d.enrolled_sibling = False




def _build(
    rng: random.Random,
    sites: list[_Site],
    vacancies: list[dict[int, int]],
    drafts: list[_Draft],
    household_sizes: list[int],
    fiscal_year: int,
) -> Instance:
    lat0, lon0 = CENTER
    km_per_degree_lon = KM_PER_DEGREE_LAT * math.cos(math.radians(lat0))
    ids = [str(1001 + i) for i in range(len(sites))]  # numeric, as ChilmAI's 保育所ID must be
    used: set[str] = set()
    facilities: dict[str, Facility] = {}
    for i, s in enumerate(sites):
        area = AREAS[min(len(AREAS) - 1, int((s.x + 20) * 7) % len(AREAS))]
        public = s.kind == "認可保育所" and rng.random() < 0.3
        prefix = "区立" if public else rng.choice(BRANDS)
        name = f"{prefix}{area}{KIND_SUFFIX[s.kind]}"
        n = 1
        while name in used:
            n += 1
            name = f"{prefix}{area}第{n}{KIND_SUFFIX[s.kind]}"
        used.add(name)
        facilities[ids[i]] = Facility(
            id=ids[i],
            name=name,
            kind=s.kind,
            vacancies=dict(vacancies[i]),
            latitude=round(lat0 + s.y / KM_PER_DEGREE_LAT, 6),
            longitude=round(lon0 + s.x / km_per_degree_lon, 6),
        )
    households: dict[str, Household] = {}
    children: dict[str, Child] = {}
    # Facts added later (grandparents, allergy, re-admission, guardians' names) come from their own stream,
    # seeded from the main one's state, so that a seed still gives the same ward in everything drawn before.
    later = random.Random(repr(rng.getstate()[1][:16]))
    start = 0
    for size in household_sizes:
        family = drafts[start : start + size]
        start += size
        enrolled = any(d.sibling_facility is not None or d.transfer for d in family)
        household = draw_household(rng, str(family[0].household + 1), [d.age for d in family], enrolled)
        household = with_later_facts(later, household)
        households[household.id] = household
        surname = rng.choice(FAMILY_NAMES)
        for d in family:
            facts: dict[str, FactValue] = {
                "twins": d.twins,
                "disability": rng.random() < 0.01,
                "small_scale_graduate": d.small_scale_graduate,
                "allergy": later.random() < 0.04,
                "readmission_after_leave": d.age >= 1 and later.random() < 0.01,
                "born_during_leave": False,
            }
            assert set(facts) == set(CHILD_FACTS)
            cid = str(len(children) + 1)
            children[cid] = Child(
                id=cid,
                household_id=household.id,
                age_class=d.age,
                choices=tuple(ids[i] for i in d.choices),
                birth_date=d.birth_date,
                current_facility=ids[d.current] if d.current is not None else None,
                sibling_facilities=(ids[d.sibling_facility],) if d.sibling_facility is not None else (),
                sibling_pattern=d.pattern if size > 1 else 7,
                facts=facts,
                name=f"{surname} {rng.choice(GIVEN_NAMES)}",
                guardian_name=f"{surname} {later.choice(GIVEN_NAMES)}",
            )
    return Instance(facilities=facilities, households=households, children=children, fiscal_year=fiscal_year)
