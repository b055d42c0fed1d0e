"""ChilmAI's optional combination file: families that rank explicit combinations themselves.

Columns: ファミリーコード (household id), 総当たり順位 (rank, 1 = best), 宛名コードN (child id of the
N-th child) and 希望施設N (facility for that child; blank = that child not admitted). Each row is
one combination. A transfer child left out of a row, or given no facility, stays at its current
facility; the combination "everyone stays where they are" always comes last.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from kyodo.hoiku.io.source import Source, read_source
from kyodo.hoiku.io.values import norm
from kyodo.hoiku.model.errors import InputError, Problem
from kyodo.hoiku.model.instance import Instance
from kyodo.tables import DEFAULT_LIMITS, Limits, TableError, header_key, visible
from kyodo.tables.writing import csv_text

FAMILY = "ファミリーコード"
RANK = "総当たり順位"
CHILD = re.compile(r"^宛名コード(\d+)$")
FACILITY = re.compile(r"^希望施設(\d+)$")


Pairs = dict[int, tuple[int, int]]  # N → (column of 宛名コードN, column of 希望施設N)
Placement = dict[str, str | None]  # child → facility (None: not admitted)


def read_combinations(source: Source, instance: Instance, *, limits: Limits = DEFAULT_LIMITS) -> Instance:
    """The instance with Instance.family_combinations filled from the file (a path, (name, bytes) or bytes).

    Steps: read the table; find the columns; read each row's household, rank and placement; rank each
    household's combinations. Raises InputError with every problem found.
    """
    try:
        table = read_source(source, role="combinations", limits=limits)
    except TableError as exc:
        raise InputError([exc.problem]) from exc
    name = table.file
    keys = [header_key(h) for h in table.headers]
    pairs = _columns(name, keys)
    family_col, rank_col = keys.index(header_key(FAMILY)), keys.index(header_key(RANK))
    members: dict[str, list[str]] = {}
    for cid, child in instance.children.items():
        members.setdefault(child.household_id, []).append(cid)
    problems: list[Problem] = []
    rows: dict[str, list[tuple[int, int, Placement]]] = {}
    for number, row in table.rows:
        cells = row + [""] * (len(keys) - len(row))
        where = _Where(name, number, problems)
        household = _household(where, cells[family_col], members)
        if household is None:
            continue
        rank = _rank(where, cells[rank_col])
        if rank is None:
            continue
        placement = _placement(where, cells, pairs, household, members[household], instance)
        rows.setdefault(household, []).append((rank, number, placement))
    combinations: dict[str, tuple[tuple[str | None, ...], ...]] = {}
    order: dict[str, tuple[str, ...]] = {}
    for household, ranked in rows.items():
        problems += _duplicate_ranks(name, household, ranked)
        order[household] = tuple(sorted(members[household]))
        combinations[household] = _ranked_combinations(instance, order[household], ranked)
    if problems:
        raise InputError(problems)
    return replace(
        instance,
        family_combinations={**instance.family_combinations, **combinations},
        family_children={**instance.family_children, **order},
        source={**instance.source, "combinations": name},
    )


def combinations_csv(instance: Instance) -> bytes | None:
    """The instance's explicit combinations as a combination file (CSV, UTF-8 with BOM) that reads back to the
    same combinations, or None when no family ranked its own. A transfer child staying is written with its own
    facility; a child not admitted, blank."""
    if not instance.family_combinations:
        return None
    width = max(len(instance.family_children[h]) for h in instance.family_combinations)
    header = [FAMILY, RANK, *(f"{name}{n}" for n in range(1, width + 1) for name in ("宛名コード", "希望施設"))]
    rows = []
    for household, combos in instance.family_combinations.items():
        kids = instance.family_children[household]
        for rank, combo in enumerate(combos, start=1):
            cells = [v for kid, f in zip(kids, combo, strict=True) for v in (kid, f or "")]
            rows.append([household, rank, *cells, *[""] * (len(header) - 2 - len(cells))])
    return csv_text(header, rows).encode("utf-8-sig")


@dataclass(frozen=True, slots=True)
class _Where:
    """A row of the file, and the list its problems go to."""

    file: str
    row: int
    problems: list[Problem]

    def problem(self, message: str, column: str) -> None:
        self.problems.append(Problem(message, file=self.file, row=self.row, column=column))


def _columns(name: str, keys: list[str]) -> Pairs:
    """The 宛名コードN / 希望施設N column pairs; InputError when a required column or half a pair is missing."""
    problems: list[Problem] = []
    for required in (FAMILY, RANK):
        if header_key(required) not in keys:
            problems.append(Problem(f"必須の列「{required}」がありません", file=name, row=1, column=required))
    found: dict[int, list[int | None]] = {}
    for i, key in enumerate(keys):
        for pattern, slot in ((CHILD, 0), (FACILITY, 1)):
            m = pattern.match(key)
            if m:
                found.setdefault(int(m.group(1)), [None, None])[slot] = i
    pairs: Pairs = {}
    for n, (child_col, facility_col) in sorted(found.items()):
        if child_col is None or facility_col is None:
            missing = f"宛名コード{n}" if child_col is None else f"希望施設{n}"
            problems.append(
                Problem(
                    f"「{missing}」の列がありません(宛名コードと希望施設は対で書きます)",
                    file=name,
                    row=1,
                    column=missing,
                )
            )
        else:
            pairs[n] = (child_col, facility_col)
    if problems:
        raise InputError(problems)
    return pairs


def _household(where: _Where, household: str, members: dict[str, list[str]]) -> str | None:
    if not household:
        where.problem("ファミリーコードが空です", FAMILY)
        return None
    kids = members.get(household)
    if kids is None or len(kids) < 2:
        where.problem(f"世帯「{household}」は2人以上の同時申込の世帯ではありません", FAMILY)
        return None
    return household


def _rank(where: _Where, text: str) -> int | None:
    rank_text = norm(text)
    if not (rank_text.isascii() and rank_text.isdigit() and len(rank_text) <= 6):
        where.problem(f"順位「{visible(rank_text)}」は整数ではありません(1から順に書いてください)", RANK)
        return None
    return int(rank_text)


def _placement(
    where: _Where, cells: list[str], pairs: Pairs, household: str, kids: list[str], instance: Instance
) -> Placement:
    """Child → facility of one row; a child cell that is blank, not of the household or names no facility
    is a problem (and left out)."""
    placement: Placement = {}
    for n, (child_col, facility_col) in sorted(pairs.items()):
        child_id, facility_id = cells[child_col], cells[facility_col]
        if not child_id:
            if facility_id:
                where.problem("宛名コードが空なのに希望施設があります", f"宛名コード{n}")
            continue
        if child_id not in kids:
            where.problem(f"児童「{child_id}」は世帯「{household}」の申込にありません", f"宛名コード{n}")
            continue
        if facility_id and facility_id not in instance.facilities:
            where.problem(f"施設「{facility_id}」は施設一覧にありません", f"希望施設{n}")
            continue
        placement[child_id] = facility_id or None
    return placement


def _duplicate_ranks(name: str, household: str, ranked: list[tuple[int, int, Placement]]) -> list[Problem]:
    problems: list[Problem] = []
    seen_ranks: dict[int, int] = {}
    for rank, number, _ in ranked:
        if rank in seen_ranks:
            problems.append(
                Problem(
                    f"世帯「{household}」の順位{rank}が{seen_ranks[rank]}行目と重複しています",
                    file=name,
                    row=number,
                    column=RANK,
                )
            )
        seen_ranks[rank] = number
    return problems


def _ranked_combinations(
    instance: Instance, kids: tuple[str, ...], ranked: list[tuple[int, int, Placement]]
) -> tuple[tuple[str | None, ...], ...]:
    """Best first, each a facility per child of `kids`; a child left out stays at its current facility,
    and "everyone stays" comes last."""
    current = tuple(instance.children[k].current_facility for k in kids)
    combos: list[tuple[str | None, ...]] = []
    for _, _, placement in sorted(ranked, key=lambda r: r[0]):
        combo = tuple(placement.get(k) or instance.children[k].current_facility for k in kids)
        if combo not in combos and any(f is not None for f in combo):
            combos.append(combo)
    if any(c is not None for c in current):
        combos = [c for c in combos if c != current] + [current]
    return tuple(combos)
