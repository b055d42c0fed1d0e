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

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from kyodo.hoiku.model.result import Result

if TYPE_CHECKING:
    from kyodo.hoiku.outcome import Outcome


class Cause(StrEnum):
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
    causes: tuple[Cause, ...]
    text: str  # Japanese, ready for the staff


@dataclass(frozen=True, slots=True)
class ChildSnapshot:
    age_class: int
    choices: tuple[str, ...]
    assigned: str | None
    total: int | None
    points_at: Mapping[str, int]  # at its choices and its current facility


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What a diff needs of one run; built from a Result/Outcome, or from its stored JSON (no re-run)."""

    children: Mapping[str, ChildSnapshot]
    facility_names: Mapping[str, str]
    seed: int | None
    rules_sha256: str | None
    decisions: tuple[Mapping[str, Any], ...]

    @classmethod
    def of(cls, run: Result | Outcome | Snapshot) -> Snapshot:
        if isinstance(run, Snapshot):
            return run
        result = run if isinstance(run, Result) else run.result
        children = {}
        for cid, c in result.instance.children.items():
            score = result.scores.get(cid)
            places = (*c.choices, *((c.current_facility,) if c.current_facility else ()))
            children[cid] = ChildSnapshot(
                c.age_class,
                c.choices,
                result.assignment.get(cid),
                None if score is None else score.total,
                {} if score is None else {f: score.at(f) for f in places},
            )
        record = result.run
        return cls(
            children,
            {fid: f.name for fid, f in result.instance.facilities.items()},
            None if record is None else record.seed,
            None if record is None else record.rules_sha256,
            () if record is None else tuple(record.decisions),
        )

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Snapshot:
        """From `kyodo.hoiku.outputs.result_json.outcome_to_dict` (as stored by the web or `--json`)."""
        children = {}
        for cid, c in (data.get("children") or {}).items():
            points = c.get("points") or {}
            children[cid] = ChildSnapshot(
                int(c["age_class"]),
                tuple(c.get("choices") or ()),
                c.get("assigned"),
                points.get("total"),
                {str(f): int(v) for f, v in (points.get("at") or {}).items()},
            )
        run = data.get("run") or {}
        return cls(
            children,
            {fid: f.get("name", fid) for fid, f in (data.get("facilities") or {}).items()},
            run.get("seed"),
            run.get("rules_sha256"),
            tuple(run.get("decisions") or ()),
        )


def diff_runs(first: Result | Outcome | Snapshot, second: Result | Outcome | Snapshot) -> list[Change]:
    """Children whose facility differs between two runs, children in the first's order, then new ones."""
    a, b = Snapshot.of(first), Snapshot.of(second)
    changes = []
    seen_a = _seats(a)
    seen_b = _seats(b)
    decisions_a, decisions_b = _decisions(a), _decisions(b)
    ids = list(a.children) + [c for c in b.children if c not in a.children]
    for cid in ids:
        in_a, in_b = cid in a.children, cid in b.children
        before = a.children[cid].assigned if in_a else None
        after = b.children[cid].assigned if in_b else None
        if in_a and in_b and before == after:
            continue
        causes: list[Cause] = []
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
            ca, cb = a.children[cid], b.children[cid]
            # Points where the child was offered a seat in either run (facility items count there), else in total.
            for where in dict.fromkeys(f for f in (after, before, None)):
                pa, pb = _points(ca, where), _points(cb, where)
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
        if a.seed is not None and b.seed is not None:
            if a.seed != b.seed:
                causes.append(Cause.SEED)
                notes.append(f"抽選の乱数の種が異なります({a.seed} → {b.seed})")
            if a.rules_sha256 != b.rules_sha256:
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


def _rank(child: ChildSnapshot, facility_id: str) -> int:
    """Place of a facility in the child's list; its current facility comes after every choice."""
    return child.choices.index(facility_id) if facility_id in child.choices else len(child.choices)


def _seats(run: Snapshot) -> dict[tuple[str, int], set[str]]:
    seats: dict[tuple[str, int], set[str]] = {}
    for cid, child in run.children.items():
        if child.assigned is not None:
            seats.setdefault((child.assigned, child.age_class), set()).add(cid)
    return seats


def _decisions(run: Snapshot) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    kinds = {"fix": "固定", "forbid": "除外", "withdraw": "辞退"}
    for d in run.decisions:
        text = f"{kinds.get(str(d['kind']), d['kind'])}"
        if d.get("facility_id"):
            text += f": {d['facility_id']}"
        if d.get("reason"):
            text += f"、理由: {d['reason']}"
        out.setdefault(str(d["child_id"]), []).append(text)
    return {k: tuple(v) for k, v in out.items()}


def _points(child: ChildSnapshot, facility_id: str | None) -> int | None:
    if facility_id is None:
        return child.total
    return child.points_at.get(facility_id, child.total)


def _names(run: Snapshot, facility_id: str | None) -> str:
    if facility_id is None:
        return "保留"
    return run.facility_names.get(facility_id, facility_id)
