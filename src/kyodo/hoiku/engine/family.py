"""Sibling families (きょうだい同時申込): what combinations a family accepts, best first.

The seven sibling patterns follow ChilmAI's numbering and meaning, so a ChilmAI file gives the
same family preferences:

| no. | name          | which combinations                                  | order                  |
|-----|---------------|-----------------------------------------------------|------------------------|
| 1   | 同保同時       | all admitted, all at one facility                   | ranks                  |
| 2   | 同保順次(上)   | one new facility at most; the oldest admitted first | oldest first, then 1's |
| 3   | 同保順次(下)   | one new facility at most; the youngest first        | youngest first         |
| 4   | 別保同時(同)   | all admitted, facilities may differ                 | same facility first    |
| 5   | 別保順次(同)   | at least one admitted                               | same facility first    |
| 6   | 別保同時(希)   | all admitted, facilities may differ                 | each child's choices   |
| 7   | 別保順次(希)   | at least one admitted                               | each child's choices   |

Common application-form options map to them as follows (documented for clerks):
同じ施設でなければ入所しない → 1; 同じ施設を優先、1人だけの入所も可(上の子を先に) → 2 (下の子を先に → 3);
別の施設でもよいが全員同時 → 4 (希望順を優先 → 6); 別の施設でも1人ずつでもよい → 5 (希望順を優先 → 7).

Ordering inside a pattern ("ranks"): more children admitted (W) first, then more children at the
same facility (S, patterns 1-5), then the product of the children's choice ranks, then each
child's rank, oldest first. A transfer child kept at its current facility counts as not newly
admitted, and the combination "everyone stays where they are" comes last.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import product

from kyodo.hoiku.model.instance import Child, Instance

Combination = tuple[str | None, ...]
NOT_CHOSEN_RANK = 99  # ChilmAI's rank for "not admitted" when multiplying ranks
PATTERN_NAMES: Mapping[int, str] = {
    1: "同保同時",
    2: "同保順次(上)",
    3: "同保順次(下)",
    4: "別保同時(同)",
    5: "別保順次(同)",
    6: "別保同時(希)",
    7: "別保順次(希)",
}


@dataclass(frozen=True, slots=True)
class Family:
    """Children of one household applying together, oldest first, and the combinations they accept."""

    household_id: str
    children: tuple[str, ...]
    pattern: int | None  # None when the family ranked explicit combinations itself
    combinations: tuple[Combination, ...]

    def rank_of(self, combination: Combination) -> int | None:
        try:
            return self.combinations.index(combination)
        except ValueError:
            return None


def families(instance: Instance) -> dict[str, Family]:
    """Households with two or more children applying, with their ranked combinations.

    Explicit combinations from a combination file (Instance.family_combinations) win over patterns.
    """
    members: dict[str, list[Child]] = {}
    for child in instance.children.values():
        members.setdefault(child.household_id, []).append(child)
    found: dict[str, Family] = {}
    for household_id, kids in members.items():
        if len(kids) < 2:
            continue
        explicit = instance.family_combinations.get(household_id)
        listed = instance.family_children.get(household_id, ())
        # A child withdrawn or fixed by staff leaves the family's explicit ranking unusable: fall back.
        if explicit is not None and sorted(listed) == sorted(k.id for k in kids):
            order = tuple(instance.family_children[household_id])
            found[household_id] = Family(household_id, order, None, tuple(explicit))
            continue
        kids.sort(key=_oldest_first)
        patterns = {k.sibling_pattern for k in kids}
        if len(patterns) != 1:
            ids = "、".join(k.id for k in kids)
            raise ValueError(
                f"世帯{household_id}の児童({ids})できょうだいパターンが異なります: {sorted(patterns)}"
            )
        pattern = patterns.pop()
        found[household_id] = Family(
            household_id, tuple(k.id for k in kids), pattern, combinations_for(kids, pattern)
        )
    return found


def _oldest_first(child: Child) -> tuple[int, int, str]:
    born = child.birth_date.toordinal() if child.birth_date else 0
    return (-child.age_class, born, child.id)


def combinations_for(kids: Sequence[Child], pattern: int) -> tuple[Combination, ...]:
    """Ranked combinations for children (oldest first) under a sibling pattern (1-7)."""
    if pattern not in PATTERN_NAMES:
        raise ValueError(f"きょうだいパターンは1〜7です: {pattern}")
    current = [k.current_facility for k in kids]
    options: list[list[str | None]] = [[*k.choices, k.current_facility] for k in kids]
    rank_of = [{f: i + 1 for i, f in reversed(list(enumerate(k.choices)))} for k in kids]
    keyed: list[tuple[list[int], Combination]] = []
    for combo in product(*options):
        eff = _effective(combo, current)
        admitted = [f for f in eff if f is not None]
        if not admitted:
            continue
        if pattern == 1 and (None in eff or len(set(eff)) != 1):
            continue
        if pattern in (2, 3):
            if len(set(admitted)) > 1:
                continue
            lead = eff[0] if pattern == 2 else eff[-1]
            if lead is None:
                continue
        if pattern in (4, 6) and None in eff:
            continue
        keyed.append((_sort_key(pattern, eff, admitted, rank_of), combo))
    # Stable sort on a descending key keeps generation order between equals, as ChilmAI does.
    keyed.sort(key=lambda item: item[0], reverse=True)
    ranked = [combo for _, combo in keyed]
    stay = tuple(current)
    if any(c is not None for c in current):
        ranked = [c for c in ranked if c != stay] + [stay]
    return tuple(dict.fromkeys(ranked))


def _sort_key(
    pattern: int, eff: Combination, admitted: list[str], rank_of: list[dict[str, int]]
) -> list[int]:
    """ChilmAI's ordering: W (children admitted), S (most at one facility), ranks (see module doc)."""
    counts = sorted(Counter(admitted).values(), reverse=True)
    same = counts[0]
    ranks = [rank_of[i][f] if f is not None else NOT_CHOSEN_RANK for i, f in enumerate(eff)]
    rank_product = 1
    for r in ranks:
        rank_product *= r
    if pattern == 2:
        return [
            *(1 if f is not None else 0 for f in eff),
            len(admitted),
            same,
            -rank_product,
            *(-r for r in ranks),
        ]
    if pattern == 3:
        mask = [1 if f is not None else 0 for f in reversed(eff)]
        return [*mask, len(admitted), same, -rank_product, *(-r for r in reversed(ranks))]
    if pattern in (6, 7):
        return [len(admitted), -rank_product, *(-r for r in ranks)]
    return [len(admitted), same, -rank_product, *(-r for r in ranks)]


def _effective(combo: Combination, current: Sequence[str | None]) -> Combination:
    """The combination with 'stays at its current facility' written as None (not newly admitted)."""
    return tuple(None if (cur is not None and f == cur) else f for f, cur in zip(combo, current, strict=True))
