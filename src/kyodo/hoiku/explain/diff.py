"""Who moved between two runs of the same round, and why.

    for change in diff_runs(before, after):
        print(change.text)     # 児童c17: A保育園 → 保留。理由: 児童c40がA保育園(1歳児)に入ったため

Causes, in the order they are looked for (a change may have several):
- decision: a staff decision about this child was added, removed or changed;
- withdrawn / new: the child left the round (辞退) or joined it;
- points: the child's points changed (rules or input);
- choices: the child's choices changed;
- others: someone else took the seat the child had, or left the seat the child got;
- seed / rules: the lottery seed or the rules file differs between the runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from kyodo.hoiku.model.instance import Child
from kyodo.hoiku.model.result import Result


class Cause:
    DECISION = "decision"
    WITHDRAWN = "withdrawn"
    NEW = "new"
    POINTS = "points"
    CHOICES = "choices"
    OTHERS = "others"
    SEED = "seed"
    RULES = "rules"


@dataclass(frozen=True, slots=True)
class Change:
    """One child whose outcome differs. `before`/`after` are facility ids, None for 保留."""

    child_id: str
    before: str | None
    after: str | None
    in_before: bool  # False for a child that applied only in the second run
    in_after: bool  # False for a child that left (辞退) before the second run
    causes: tuple[str, ...]
    text: str  # Japanese, ready for the staff


def diff_runs(a: Result, b: Result) -> list[Change]:
    """Children whose facility differs between `a` and `b`, children in `a`'s order, then new ones."""
    changes = []
    seen_a = _seats(a)
    seen_b = _seats(b)
    decisions_a, decisions_b = _decisions(a), _decisions(b)
    ids = list(a.instance.children) + [c for c in b.instance.children if c not in a.instance.children]
    for cid in ids:
        in_a, in_b = cid in a.instance.children, cid in b.instance.children
        before = a.assignment.get(cid) if in_a else None
        after = b.assignment.get(cid) if in_b else None
        if in_a and in_b and before == after:
            continue
        causes: list[str] = []
        notes: list[str] = []
        if decisions_a.get(cid, ()) != decisions_b.get(cid, ()):
            causes.append(Cause.DECISION)
            notes += [f"職員の判断({d})" for d in decisions_b.get(cid, ())] or ["職員の判断の取り消し"]
        if not in_b:
            causes.append(Cause.WITHDRAWN)
            if Cause.DECISION not in causes:
                notes.append("申込がなくなりました(辞退・取り下げ)")
        elif not in_a:
            causes.append(Cause.NEW)
            notes.append("新しい申込です")
        else:
            ca, cb = a.instance.children[cid], b.instance.children[cid]
            # Points where the child was offered a seat in either run (facility items count there), else in total.
            for where in dict.fromkeys(f for f in (after, before, None)):
                pa, pb = _points(a, cid, where), _points(b, cid, where)
                if pa != pb:
                    causes.append(Cause.POINTS)
                    at = f"{_names(b, where)}での" if where is not None else ""
                    notes.append(f"{at}指数が{pa}点から{pb}点に変わりました")
                    break
            if ca.choices != cb.choices:
                causes.append(Cause.CHOICES)
                notes.append("希望施設が変わりました")
            age = cb.age_class
            # Worse off: someone took the seat it had. Better off: someone left the seat it got.
            worse = after is None or (before is not None and _rank(cb, after) > _rank(cb, before))
            if worse and before is not None:
                came = sorted(seen_b.get((before, age), set()) - seen_a.get((before, age), set()))
                if came:
                    causes.append(Cause.OTHERS)
                    notes.append(f"{_names(b, before)}({age}歳児)に児童{'、'.join(came[:3])}が入ったため")
            if not worse and after is not None:
                left = sorted(seen_a.get((after, age), set()) - seen_b.get((after, age), set()))
                if left:
                    if Cause.OTHERS not in causes:
                        causes.append(Cause.OTHERS)
                    notes.append(
                        f"{_names(b, after)}({age}歳児)から児童{'、'.join(left[:3])}が移動・辞退したため"
                    )
        if a.run is not None and b.run is not None:
            if a.run.seed != b.run.seed:
                causes.append(Cause.SEED)
                notes.append(f"抽選の乱数の種が異なります({a.run.seed} → {b.run.seed})")
            if a.run.rules_sha256 != b.run.rules_sha256:
                causes.append(Cause.RULES)
                notes.append("利用調整基準が異なります")
        label_before = _names(a, before) if in_a else "(申込なし)"
        label_after = _names(b, after) if in_b else "(申込なし)"
        why = "。".join(notes) if notes else "他の児童の移動の連鎖による"
        changes.append(
            Change(
                cid,
                before,
                after,
                in_a,
                in_b,
                tuple(causes),
                f"児童{cid}: {label_before} → {label_after}。理由: {why}",
            )
        )
    return changes


def _rank(child: Child, facility_id: str) -> int:
    """Place of a facility in the child's list; its current facility comes after every choice."""
    return child.choices.index(facility_id) if facility_id in child.choices else len(child.choices)


def _seats(result: Result) -> dict[tuple[str, int], set[str]]:
    seats: dict[tuple[str, int], set[str]] = {}
    for cid, fid in result.assignment.items():
        child = result.instance.children.get(cid)
        if fid is not None and child is not None:
            seats.setdefault((fid, child.age_class), set()).add(cid)
    return seats


def _decisions(result: Result) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    kinds = {"fix": "固定", "forbid": "除外", "withdraw": "辞退"}
    for d in result.run.decisions if result.run is not None else ():
        text = f"{kinds.get(str(d['kind']), d['kind'])}"
        if d.get("facility_id"):
            text += f": {d['facility_id']}"
        if d.get("reason"):
            text += f"、理由: {d['reason']}"
        out.setdefault(str(d["child_id"]), []).append(text)
    return {k: tuple(v) for k, v in out.items()}


def _points(result: Result, cid: str, facility_id: str | None) -> int | None:
    score = result.scores.get(cid)
    if score is None:
        return None
    return score.at(facility_id) if facility_id is not None else score.total


def _names(result: Result, facility_id: str | None) -> str:
    if facility_id is None:
        return "保留"
    facility = result.instance.facilities.get(facility_id)
    return facility.name if facility is not None else facility_id
