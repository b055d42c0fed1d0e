"""Review flags (要確認): the few applicants staff should look at, each with why, in Japanese.

Kinds (FlagKind):
- lottery_tie: a lottery decided an offer. Children tied on points and on every tie-break
  criterion at a seat form a group; the lottery matters only where the group straddles who got
  the seat: a member offered the seat ranks above a member who wanted it more than what it got.
  A lottery among members who all got the seat, or who all did not (and are not behind an offered
  member of the group), changes no offer and is not flagged. The comparison is over the whole
  group, not neighbours only: with one place and a tie of three, the third child lost to the
  lottery as much as the second.
- suspect_data: values that are very likely typing mistakes (hours, days), a transfer whose
  current facility is among its choices, an age class that does not match the birth date.
- choices_over_limit: more choices than the ward allows.
(Blocking coalitions the exact solver could not remove are flagged by the pipeline from the
independent check's violations.)
"""

from __future__ import annotations

from collections.abc import Mapping

from kyodo.hoiku.model.instance import Child, Instance, Reason, age_class_on
from kyodo.hoiku.model.result import FLAG_LABELS, Flag, FlagKind, Priority, Seat

__all__ = ["FLAG_LABELS", "lottery_flags", "review_flags", "suspect_data"]

# Values beyond these are very likely typing mistakes (e.g. 80 for 8.0).
PLAUSIBLE_HOURS_PER_DAY = 16.0
PLAUSIBLE_DAYS_PER_MONTH = 27
PLAUSIBLE_DAYS_PER_WEEK = 7
PLAUSIBLE_HOURS_PER_WEEK = PLAUSIBLE_HOURS_PER_DAY * 7
WORK_REASONS = frozenset({Reason.EMPLOYMENT, Reason.EMPLOYMENT_HOME, Reason.STUDY})


def review_flags(
    instance: Instance,
    priority: Priority,
    assignment: Mapping[str, str | None],
    *,
    choice_limit: int | None = None,
    fiscal_year: int | None = None,
) -> list[Flag]:
    """Lottery, data and choice-limit flags, children in input order within each kind."""
    flags = lottery_flags(instance, priority, assignment)
    for cid, child in instance.children.items():
        if choice_limit is not None and len(child.choices) > choice_limit:
            flags.append(
                Flag(
                    cid,
                    FlagKind.CHOICES_OVER_LIMIT,
                    f"希望施設が{len(child.choices)}件あり、上限{choice_limit}件を超えています",
                )
            )
        flags += [Flag(cid, FlagKind.SUSPECT_DATA, m) for m in suspect_data(instance, child, fiscal_year)]
    return flags


def lottery_flags(instance: Instance, priority: Priority, assignment: Mapping[str, str | None]) -> list[Flag]:
    """Flags for children on both sides of an offer that only the lottery decided (see the module docstring)."""
    flags: list[Flag] = []
    ties = priority.lottery_ties
    for seat, order in priority.order.items():
        if ties.isdisjoint(order):
            continue  # no tie the lottery broke at this seat (every tied child is in lottery_ties)
        group: list[str] = []
        for cid in order:
            if group and priority.decided_by.get((seat, cid)) != "lottery":
                flags += _group_flags(instance, seat, group, assignment)
                group = []
            group.append(cid)
        flags += _group_flags(instance, seat, group, assignment)
    return flags


def _group_flags(
    instance: Instance, seat: Seat, group: list[str], assignment: Mapping[str, str | None]
) -> list[Flag]:
    if len(group) < 2:
        return []
    facility_id, age = seat
    got = [i for i, cid in enumerate(group) if assignment.get(cid) == facility_id]
    missed = [
        i for i, cid in enumerate(group) if _wanted_more(instance.children[cid], facility_id, assignment)
    ]
    if not got or not missed or min(got) > max(missed):
        return []
    name = instance.facilities[facility_id].name if facility_id in instance.facilities else facility_id
    where = f"{name}({age}歳児)"
    tied = len(group)
    flags = [
        Flag(
            group[i],
            FlagKind.LOTTERY_TIE,
            f"{where}で指数も同点時の基準も同じ{tied}人の順位を抽選で決め、その結果この施設に内定しました"
            "(抽選で内定が分かれています)",
        )
        for i in got
        if i < max(missed)
    ]
    flags += [
        Flag(
            group[i],
            FlagKind.LOTTERY_TIE,
            f"{where}で指数も同点時の基準も同じ{tied}人の順位を抽選で決め、その結果この施設に入れませんでした"
            "(抽選で内定が分かれています)",
        )
        for i in missed
        if i > min(got)
    ]
    return flags


def _wanted_more(child: Child, facility_id: str, assignment: Mapping[str, str | None]) -> bool:
    """The child did not get the facility and ranks it above what it got."""
    got = assignment.get(child.id)
    if got == facility_id or facility_id not in child.choices:
        return False
    if got is None or got not in child.choices:  # not admitted, or kept at its current seat
        return True
    return child.choices.index(facility_id) < child.choices.index(got)


def suspect_data(instance: Instance, child: Child, fiscal_year: int | None = None) -> list[str]:
    """Japanese messages for the values of one application that look wrong."""
    found: list[str] = []
    household = instance.households.get(child.household_id)
    for n, g in enumerate(household.guardians if household else (), start=1):
        who = f"保護者{n}"
        if g.hours_per_day is not None and g.hours_per_day > PLAUSIBLE_HOURS_PER_DAY:
            found.append(f"{who}の1日の就労時間{g.hours_per_day:g}時間は入力誤りの可能性があります")
        if g.days_per_month is not None and g.days_per_month > PLAUSIBLE_DAYS_PER_MONTH:
            found.append(f"{who}の月の就労日数{g.days_per_month}日は入力誤りの可能性があります")
        if g.days_per_week is not None and g.days_per_week > PLAUSIBLE_DAYS_PER_WEEK:
            found.append(f"{who}の週の就労日数{g.days_per_week}日は入力誤りの可能性があります")
        if g.hours_per_week is not None and g.hours_per_week > PLAUSIBLE_HOURS_PER_WEEK:
            found.append(f"{who}の週の就労時間{g.hours_per_week:g}時間は入力誤りの可能性があります")
        amounts = (g.days_per_month, g.hours_per_day, g.days_per_week, g.hours_per_week)
        if g.reason in WORK_REASONS and any(v == 0 for v in amounts):
            found.append(f"{who}の事由は就労・就学ですが、日数または時間が0です")
    if child.current_facility is not None and child.current_facility in child.choices:
        found.append(f"転園申込ですが、在園中の{child.current_facility}が希望施設に含まれています")
    if child.current_facility is not None and child.current_facility not in instance.facilities:
        found.append(f"在園施設{child.current_facility}が施設一覧にありません")
    year = fiscal_year if fiscal_year is not None else instance.fiscal_year
    if child.birth_date is not None and year is not None:
        expected = age_class_on(child.birth_date, year)
        if expected != child.age_class:
            found.append(
                f"年齢クラス{child.age_class}歳児は生年月日({child.birth_date.isoformat()})から求めた"
                f"{expected}歳児と一致しません"
            )
    return found
