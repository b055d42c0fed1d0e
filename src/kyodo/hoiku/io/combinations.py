"""ChilmAI's optional combination file: families that rank explicit combinations themselves.

Columns: ファミリーコード (household id), 総当たり順位 (rank, 1 = best), 宛名コードN (child id of the
N-th child) and 希望施設N (facility for that child; blank = that child not admitted). Each row is
one combination. A transfer child left out of a row, or given no facility, stays at its current
facility; the combination "everyone stays where they are" always comes last.
"""

from __future__ import annotations

import re
from dataclasses import replace

from kyodo.hoiku.io.source import Source, read_source
from kyodo.hoiku.io.values import norm
from kyodo.hoiku.model.errors import InputError, Problem
from kyodo.hoiku.model.instance import Instance
from kyodo.tables import DEFAULT_LIMITS, Limits, TableError, header_key, visible

FAMILY = "ファミリーコード"
RANK = "総当たり順位"
CHILD = re.compile(r"^宛名コード(\d+)$")
FACILITY = re.compile(r"^希望施設(\d+)$")


def read_combinations(source: Source, instance: Instance, *, limits: Limits = DEFAULT_LIMITS) -> Instance:
    """The instance with Instance.family_combinations filled from the file (a path, (name, bytes) or bytes).

    Raises InputError.
    """
    try:
        table = read_source(source, role="combinations", limits=limits)
    except TableError as exc:
        raise InputError([exc.problem]) from exc
    name = table.file
    keys = [header_key(h) for h in table.headers]
    problems: list[Problem] = []
    for required in (FAMILY, RANK):
        if header_key(required) not in keys:
            problems.append(Problem(f"必須の列「{required}」がありません", file=name, row=1, column=required))
    pairs: dict[int, tuple[int | None, int | None]] = {}
    for i, key in enumerate(keys):
        for pattern, slot in ((CHILD, 0), (FACILITY, 1)):
            m = pattern.match(key)
            if m:
                n = int(m.group(1))
                pair = list(pairs.get(n, (None, None)))
                pair[slot] = i
                pairs[n] = (pair[0], pair[1])
    for n, (child_col, facility_col) in sorted(pairs.items()):
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
    if problems:
        raise InputError(problems)

    family_col, rank_col = keys.index(header_key(FAMILY)), keys.index(header_key(RANK))
    members: dict[str, list[str]] = {}
    for cid, child in instance.children.items():
        members.setdefault(child.household_id, []).append(cid)
    rows: dict[str, list[tuple[int, int, dict[str, str | None]]]] = {}
    for number, row in table.rows:
        cells = row + [""] * (len(keys) - len(row))
        household = cells[family_col]
        if not household:
            problems.append(Problem("ファミリーコードが空です", file=name, row=number, column=FAMILY))
            continue
        kids = members.get(household)
        if kids is None or len(kids) < 2:
            problems.append(
                Problem(
                    f"世帯「{household}」は2人以上の同時申込の世帯ではありません",
                    file=name,
                    row=number,
                    column=FAMILY,
                )
            )
            continue
        rank_text = norm(cells[rank_col])
        if not (rank_text.isascii() and rank_text.isdigit() and len(rank_text) <= 6):
            problems.append(
                Problem(f"順位「{visible(rank_text)}」は整数ではありません(1から順に書いてください)",
                        file=name, row=number, column=RANK)
            )
            continue
        rank = int(rank_text)
        placement: dict[str, str | None] = {}
        for n, (child_col, facility_col) in sorted(pairs.items()):
            assert child_col is not None and facility_col is not None
            child_id, facility_id = cells[child_col], cells[facility_col]
            if not child_id:
                if facility_id:
                    problems.append(
                        Problem(
                            "宛名コードが空なのに希望施設があります",
                            file=name,
                            row=number,
                            column=f"宛名コード{n}",
                        )
                    )
                continue
            if child_id not in kids:
                problems.append(
                    Problem(
                        f"児童「{child_id}」は世帯「{household}」の申込にありません",
                        file=name,
                        row=number,
                        column=f"宛名コード{n}",
                    )
                )
                continue
            if facility_id and facility_id not in instance.facilities:
                problems.append(
                    Problem(
                        f"施設「{facility_id}」は施設一覧にありません",
                        file=name,
                        row=number,
                        column=f"希望施設{n}",
                    )
                )
                continue
            placement[child_id] = facility_id or None
        rows.setdefault(household, []).append((rank, number, placement))

    combinations: dict[str, tuple[tuple[str | None, ...], ...]] = {}
    order: dict[str, tuple[str, ...]] = {}
    for household, ranked in rows.items():
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
        kids = sorted(members[household])
        current = tuple(instance.children[k].current_facility for k in kids)
        combos = []
        for _, _, placement in sorted(ranked, key=lambda r: r[0]):
            combo = tuple(placement.get(k) or instance.children[k].current_facility for k in kids)
            if combo not in combos and any(f is not None for f in combo):
                combos.append(combo)
        if any(c is not None for c in current):
            combos = [c for c in combos if c != current] + [current]
        combinations[household] = tuple(combos)
        order[household] = tuple(kids)
    if problems:
        raise InputError(problems)
    return replace(
        instance,
        family_combinations={**instance.family_combinations, **combinations},
        family_children={**instance.family_children, **order},
        source={**instance.source, "combinations": name},
    )
