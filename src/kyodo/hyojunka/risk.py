"""Progress and the at-risk rule, for one pair at one as-of date.

The rule (issue 13), with no other input than the completion days and the deadline:
1. completed = steps with a completion day on or before the as-of date; progress = 2.5% per completed step.
2. recent = steps completed in the window of `window_days` (90) days up to the as-of date: day > as_of − 90 and
   day ≤ as_of (the as-of date is the window's last day, the day 90 days before it is outside).
3. pace = recent / 90 steps a day; projected completion = as_of + ceil(remaining / pace) days
   = as_of + ceil(remaining × 90 / recent), computed in integers.
4. A pair is at risk when it is not complete and either the pace is zero (停滞) or the projected completion is
   after its deadline (遅延見込み). A complete pair is never at risk; its projected completion is its last step's day.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass

from kyodo.hyojunka.catalog import Catalog, Day, japanese_date
from kyodo.hyojunka.model import Plan, RiskKind


@dataclass(frozen=True, slots=True)
class Timeline:
    """A pair's completions sorted by day, so that any as-of date is two bisections."""

    days: tuple[Day, ...]
    numbers: tuple[int, ...]

    @staticmethod
    def of(done: Mapping[int, Day]) -> Timeline:
        ordered = sorted(zip(done.values(), done.keys(), strict=True))
        return Timeline(tuple(d for d, _ in ordered), tuple(n for _, n in ordered))

    def completed(self, as_of: Day) -> int:
        return bisect_right(self.days, as_of)


@dataclass(frozen=True, slots=True)
class Verdict:
    completed: int
    recent: int
    kind: RiskKind
    projected: Day | None
    last_index: int  # index into the timeline of the last completion by as_of, −1 when none


def judge(timeline: Timeline, deadline: Day, as_of: Day, *, total: int, window: int) -> Verdict:
    completed = timeline.completed(as_of)
    recent = completed - timeline.completed(as_of - window)
    last = completed - 1
    if completed >= total:
        return Verdict(completed, recent, RiskKind.COMPLETE, timeline.days[last], last)
    if recent == 0:
        return Verdict(completed, recent, RiskKind.STALLED, None, last)
    remaining = total - completed
    projected = as_of + -(-remaining * window // recent)  # ceil without floats
    kind = RiskKind.LATE if projected > deadline else RiskKind.ON_TRACK
    return Verdict(completed, recent, kind, projected, last)


def next_step(done: Mapping[int, Day], as_of: Day, total: int) -> int | None:
    return next((n for n in range(1, total + 1) if done.get(n, as_of + 1) > as_of), None)


def reason_text(verdict: Verdict, timeline: Timeline, plan: Plan, cat: Catalog, as_of: Day) -> str:
    """Why the pair is at risk, in Japanese; empty when it is not."""
    remaining = cat.step_count - verdict.completed
    deadline = japanese_date(plan.deadline)
    window = cat.policy.window_days
    if verdict.kind == RiskKind.STALLED:
        if verdict.last_index < 0:
            return f"停滞: まだ手順が1つも完了していません(残り{remaining}手順、移行期限 {deadline})"
        day = timeline.days[verdict.last_index]
        step = cat.step(timeline.numbers[verdict.last_index])
        return (
            f"停滞: {japanese_date(day)}に手順{step.number}「{step.name}」を完了して以来、直近{window}日に"
            f"完了した手順がありません(残り{remaining}手順、移行期限 {deadline})"
        )
    if verdict.kind == RiskKind.LATE and verdict.projected is not None:
        over = verdict.projected - plan.deadline
        return (
            f"遅延の見込み: 直近{window}日のペース({verdict.recent}手順)では完了見込みが"
            f"{japanese_date(verdict.projected)}で、移行期限 {deadline} を{over}日過ぎます(残り{remaining}手順)"
        )
    return ""
