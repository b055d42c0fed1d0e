"""What an Instance checks about itself when it is built, whoever builds it (a reader, the generator, a test).

The readers report the same problems with file, row and column; this is the last line for instances built
in code, so that a child whose choice names no facility, say, never reaches the allocation silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from kyodo.problems import InputError, Problem

if TYPE_CHECKING:
    from kyodo.hoiku.model.instance import Instance

MAX_PROBLEMS = 200


def instance_problems(instance: Instance) -> list[Problem]:
    """Every problem found, in Japanese, children in input order."""
    from kyodo.hoiku.model.instance import AGE_CLASSES

    problems: list[Problem] = []
    facilities = instance.facilities
    for key, f in facilities.items():
        if key != f.id:
            problems.append(Problem(f"施設一覧の番号「{key}」と施設の番号「{f.id}」が一致しません"))
        for age, n in f.vacancies.items():
            if age not in AGE_CLASSES:
                problems.append(Problem(f"施設{f.id}の年齢クラス{age}歳は範囲外です(0〜5歳)"))
            if n < 0:
                problems.append(Problem(f"施設{f.id}の{age}歳児の募集人数が負です: {n}"))
    ages_of = {fid: _ages(f.vacancies, f.shared_capacity) for fid, f in facilities.items()}
    seen: dict[str, str] = {}
    for key, c in instance.children.items():
        if key != c.id:
            problems.append(Problem(f"申込一覧の番号「{key}」と児童番号「{c.id}」が一致しません"))
        if c.id in seen:
            problems.append(Problem(f"児童番号「{c.id}」が重複しています(申込は1人1件にしてください)"))
        seen[c.id] = key
        if c.household_id not in instance.households:
            problems.append(Problem(f"児童{c.id}の世帯「{c.household_id}」が世帯一覧にありません"))
        if c.age_class not in AGE_CLASSES:
            problems.append(Problem(f"児童{c.id}の年齢クラス{c.age_class}歳は範囲外です(0〜5歳)"))
        if c.current_facility is not None and c.current_facility not in facilities:
            problems.append(Problem(f"児童{c.id}の在園施設「{c.current_facility}」が施設一覧にありません"))
        first: dict[str, int] = {}
        for n, fid in enumerate(c.choices, start=1):
            if fid in first:
                problems.append(
                    Problem(f"児童{c.id}の希望に施設「{fid}」が2回あります(第{first[fid]}希望と第{n}希望)")
                )
                continue
            first[fid] = n
            if fid not in facilities:
                problems.append(Problem(f"児童{c.id}の第{n}希望「{fid}」が施設一覧にありません"))
            elif ages_of[fid] and c.age_class in AGE_CLASSES and c.age_class not in ages_of[fid]:
                # A facility that names its age classes takes no other (one that names none: nothing to judge).
                taken = "・".join(str(a) for a in sorted(ages_of[fid]))
                problems.append(
                    Problem(
                        f"児童{c.id}({c.age_class}歳児)の第{n}希望「{fid}」は{c.age_class}歳児を受け入れていません"
                        f"(受入: {taken}歳児)"
                    )
                )
    for household, members in instance.family_children.items():
        unknown = [m for m in members if m not in instance.children]
        if unknown:
            problems.append(
                Problem(
                    f"きょうだいの組み合わせ(世帯{household})の児童{'、'.join(unknown)}が申込にありません"
                )
            )
    return problems


def _ages(vacancies: Mapping[int, int], shared: Mapping[tuple[int, ...], int]) -> set[int]:
    """The age classes a facility takes: those with a vacancy entry, and those of its shared places."""
    ages = set(vacancies)
    for group in shared:
        ages |= set(group)
    return ages


def validate_instance(instance: Instance) -> None:
    """Raise InputError with every problem (at most MAX_PROBLEMS, then how many more)."""
    problems = instance_problems(instance)
    if len(problems) > MAX_PROBLEMS:
        rest = len(problems) - MAX_PROBLEMS
        problems = [*problems[:MAX_PROBLEMS], Problem(f"ほかにも{rest}件の問題があります")]
    if problems:
        raise InputError(problems)
