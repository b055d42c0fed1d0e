"""Reasons for each child's result and the cut-off table, in Japanese ready for notices.

    explanations = explain_all(result, rules=load_rules("koto"))
    explanations["c17"].lines()           # 通知に載せる文章(1行ずつ)
    table = cutoff_table(result)          # (施設, 年齢クラス) → 最低指数 / 空有 / ―(/ 非公開)

For every choice a child ranked above its result this says what decided it: points below the
cut-off, the same points but a named tie-break criterion, the lottery, a sibling condition, no
vacancy at that age (募集なし), or a staff decision. Only reads the Result: what put a child
behind another is taken from the priority (`decided_by`) and the assignment, never recomputed.

The cut-off table itself is computed in `explain.cutoffs`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from kyodo.hoiku.explain.cutoffs import CutoffCell, cutoff_table, fixed_children
from kyodo.hoiku.model.result import STATUS_LABELS, Flag, Result, Seat, Status, status_of
from kyodo.hoiku.rules import Rules

__all__ = [
    "STATUS_LABELS",
    "CutoffCell",
    "Explainer",
    "Explanation",
    "ReasonKind",
    "cutoff_table",
    "explain_all",
]


class ReasonKind(StrEnum):
    """What decided a choice the child did not get. A StrEnum: JSON and the web keep the value as it is."""

    POINTS = "points"
    TIE_BREAK = "tie_break"
    LOTTERY = "lottery"
    SIBLING = "sibling"
    NO_VACANCY = "no_vacancy"
    DECISION = "decision"
    ADJUSTMENT = "adjustment"  # the places went to children staff fixed there: a staff adjustment decided it
    OTHER = "other"


REASON_LABELS: Mapping[ReasonKind, str] = {
    ReasonKind.POINTS: "指数が最低指数を下回った",
    ReasonKind.TIE_BREAK: "同点時の優先順位",
    ReasonKind.LOTTERY: "抽選",
    ReasonKind.SIBLING: "きょうだいの条件",
    ReasonKind.NO_VACANCY: "募集なし",
    ReasonKind.DECISION: "職員の判断",
    ReasonKind.ADJUSTMENT: "職員による調整",
    ReasonKind.OTHER: "要確認",
}
# Tie-break keys' labels when the rules file is not at hand (the rules' own labels win).
DEFAULT_CRITERIA: Mapping[str, str] = {
    "base_points": "基準指数の合計が高い",
    "adjustment_points": "調整指数が高い",
    "lower_guardian_points": "低い方の保護者の基準指数が高い",
    "choice_rank": "希望順位が高い",
    "birth_date": "生年月日",
    "single_parent": "ひとり親世帯",
    "municipal_tax": "住民税所得割額",
    "waiting_months": "待機期間",
}
# What put a child behind the one just above it in a seat's order (Priority.decided_by), besides the
# rules' tie-break criteria (whose labels come from the rules).
ORDER_STEPS: Mapping[str, str] = {
    "guaranteed": "在園児の席の保障",
    "points": "指数",
    "lottery": "抽選",
}
@dataclass(frozen=True, slots=True)
class PointsLine:
    """One line of the points breakdown, with the public document it comes from."""

    label: str
    points: int
    reference: str | None
    needs_confirmation: bool
    facility_id: str | None = None  # set for items that count only at one facility
    citation: str | None = None  # what residents' letters cite: the ward's document and section only


@dataclass(frozen=True, slots=True)
class ChoiceReason:
    """Why the child did not get one choice ranked above its result."""

    choice: int  # 第n希望
    facility_id: str
    facility_name: str
    age_class: int
    kind: ReasonKind
    criterion: str | None  # the tie-break's label when kind is tie_break
    points: int | None  # the child's points at this facility
    position: int | None  # the child's place in the priority order there (1-based)
    waitlist: int | None  # 待機順位 there (1-based)
    cutoff: CutoffCell | None
    text: str


@dataclass(frozen=True, slots=True)
class Explanation:
    """A child's result, its points item by item, and a reason for every choice above the result."""

    child_id: str
    status: Status
    assigned: str | None
    assigned_name: str | None
    choice_rank: int | None
    total: int | None
    points: tuple[PointsLine, ...]
    choices: tuple[ChoiceReason, ...]
    flags: tuple[Flag, ...]
    summary: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def lines(self) -> list[str]:
        """Plain Japanese text, one line each: the result, the points, then each choice's reason."""
        out = [self.summary, f"指数の内訳(合計 {self.total}点):" if self.total is not None else "指数の内訳:"]
        for p in self.points:
            where = f"({p.facility_id}のみ)" if p.facility_id else ""
            ref = f" [出典: {p.reference}]" if p.reference else ""
            out.append(f"  {p.label}{where} {p.points:+d}点{ref}")
        out += [c.text for c in self.choices]
        return out


def order_step_label(key: str | None, rules: Rules | None) -> str:
    """The Japanese name of one step of a seat's ordering (`Priority.decided_by`); "" for the first child."""
    if key is None:
        return ""
    chain = {t.key: t.label for t in rules.tie_break} if rules is not None else {}
    return ORDER_STEPS.get(key) or chain.get(key) or DEFAULT_CRITERIA.get(key, key)


def explain_all(
    result: Result, rules: Rules | None = None, *, withhold_small: bool = False
) -> dict[str, Explanation]:
    """child id → Explanation, for every applicant of the run. See `Explainer` for the reasons."""
    explainer = Explainer(result, rules, withhold_small=withhold_small)
    return {cid: explainer.explain(cid) for cid in result.instance.children}


def explain_child(result: Result, child_id: str, rules: Rules | None = None) -> Explanation:
    """The Explanation of one child (builds the cut-off table; use `Explainer` for many children)."""
    return Explainer(result, rules).explain(child_id)


class Explainer:
    """Explains children of one result; the cut-offs and priority positions are computed once.

    For a choice the child did not get, in this order:
    1. staff placed the child by decision → 職員の判断;
    2. the child's waiting place there is within the places taken by children staff fixed there who rank
       below it (or did not apply there) → 職員による調整: without the fix it would have had the place.
       The text names no other child;
    3. no places offered at that age and nothing left (―) → 募集なし;
    4. places left (空有), or the child ranks above the cut-off child → a sibling condition when the
       child applied with siblings (the family's combination did not fit), otherwise 要確認;
    5. below the cut-off: the first criterion in which the child differs from the cut-off child —
       points, a tie-break criterion (by the rules' label), or the lottery.
    """

    def __init__(
        self,
        result: Result,
        rules: Rules | None = None,
        *,
        withhold_small: bool = False,
        without_adjustments: Mapping[str, str | None] | None = None,
    ) -> None:
        self.result = result
        # Where each child would be without the staff's fixes and exclusions; a child who would have had one of
        # its better choices there lost it to an adjustment (the decisions' own children are told of those).
        self.without_adjustments = without_adjustments or {}
        run_decisions = getattr(result.run, "decisions", ()) if result.run is not None else ()
        self.decided = {str(d["child_id"]) for d in run_decisions}
        self.cutoffs = cutoff_table(result, withhold_small=withhold_small)
        # Tie-break labels come from the Rules object of the run (None: points given in the input).
        year = result.run.fiscal_year if result.run is not None else result.instance.fiscal_year
        chain = rules.tie_break_at(year) if rules is not None else ()
        self.names = ["guaranteed", "points", *(t.key for t in chain), "lottery"]
        self.criteria = {**DEFAULT_CRITERIA, **{t.key: t.label for t in chain}}
        self.waitlist = result.waitlist_ranks()
        self.fixed = fixed_children(result)
        self._fixed_at = _fixed_at(result, self.fixed)
        households: dict[str, int] = {}
        for child in result.instance.children.values():
            households[child.household_id] = households.get(child.household_id, 0) + 1
        self.with_siblings = {
            cid for cid, c in result.instance.children.items() if households[c.household_id] > 1
        }
        self.flags: dict[str, list[Flag]] = {}
        for flag in result.flags:
            self.flags.setdefault(flag.child_id, []).append(flag)
        self._positions: dict[Seat, dict[str, int]] = {}
        self._first_difference: dict[Seat, list[int]] = {}

    def explain(self, child_id: str) -> Explanation:
        result = self.result
        child = result.instance.children[child_id]
        facilities = result.instance.facilities
        assigned = result.assignment.get(child_id)
        status = status_of(child, assigned)
        rank = child.choices.index(assigned) + 1 if assigned in child.choices else None
        above = child.choices if rank is None else child.choices[: rank - 1]
        if child_id in self.fixed and assigned not in child.choices:
            above = child.choices
        reasons = tuple(self._reason(child_id, n, fid) for n, fid in enumerate(above, start=1))
        score = result.scores.get(child_id)
        points: list[PointsLine] = []
        if score is not None:
            points = [
                PointsLine(i.label, i.points, i.reference, i.needs_confirmation, None, i.citation)
                for i in score.items
            ]
            for fid in (*child.choices, *((child.current_facility,) if child.current_facility else ())):
                points += [
                    PointsLine(i.label, i.points, i.reference, i.needs_confirmation, fid, i.citation)
                    for i in score.facility_items.get(fid, ())
                ]
        name = facilities[assigned].name if assigned is not None and assigned in facilities else assigned
        total = None if score is None else score.total
        summary = _summary(status, name, rank, total, bool(reasons), self.fixed.get(child_id))
        if any(r.kind == ReasonKind.ADJUSTMENT for r in reasons):
            summary += "この結果には職員による調整が影響しています。"

        return Explanation(
            child_id,
            status,
            assigned,
            name,
            rank,
            total,
            tuple(points),
            reasons,
            tuple(self.flags.get(child_id, ())),
            summary,
        )

    def _reason(self, child_id: str, choice: int, facility_id: str) -> ChoiceReason:
        result = self.result
        child = result.instance.children[child_id]
        seat = (facility_id, child.age_class)
        facility = result.instance.facilities.get(facility_id)
        name = facility.name if facility is not None else facility_id
        cell = self.cutoffs.get(seat)
        positions = self._position_map(seat)
        mine = positions.get(child_id)
        score = result.scores.get(child_id)
        pts = score.at(facility_id) if score is not None else None
        waitlist = self.waitlist.get((child_id, facility_id))
        head = f"第{choice}希望 {name}({child.age_class}歳児)"
        tail = f"待機順位は{waitlist}位です。" if waitlist is not None else ""
        pos = None if mine is None else mine + 1
        criterion: str | None = None
        decision = self.fixed.get(child_id)
        if decision is not None:
            kind = ReasonKind.DECISION
            text = f"{head}: 職員の判断により入所先を指定しました{_why(decision)}。"
        elif self._displaced(seat, child_id, mine, waitlist) or (
            child_id not in self.decided and self.without_adjustments.get(child_id) == facility_id
        ):
            kind = ReasonKind.ADJUSTMENT
            text = (
                f"{head}: 職員による調整で入所先が指定されたため、この年齢クラスの枠が埋まり、"
                f"入所となりませんでした。{tail}"
            )
        elif cell is None or (cell.child_id is None and cell.vacancies_left <= 0):
            kind = ReasonKind.NO_VACANCY
            text = f"{head}: この年齢クラスの募集はありませんでした(募集なし)。"
        elif cell.vacancies_left > 0 or cell.position is None or mine is None or mine < cell.position - 1:
            kind = ReasonKind.SIBLING if child_id in self.with_siblings else ReasonKind.OTHER
            where = (
                "空きがありました"
                if cell.vacancies_left > 0
                else f"あなたの優先順位({pos}位)は内定の範囲内でした"
            )
            if kind == ReasonKind.SIBLING:
                text = (
                    f"{head}: {where}が、きょうだいの申込で希望された組み合わせ(同じ施設・同時入所など)では"
                    f"入所先がそろわなかったため、入所となりませんでした。{tail}"
                )
            else:
                text = f"{head}: {where}が、入所となっていません。担当者が確認します。{tail}"
        else:
            by = self.names[self._criterion_index(seat, cell.position - 1, mine)]
            cut = f"内定した方の最低指数は{cell.points}点(優先順位{cell.position}位)でした。"
            if by == "points":
                kind = ReasonKind.POINTS
                text = (
                    f"{head}: {cut}あなたの指数は{pts}点(優先順位{pos}位)で、最低指数を下回りました。{tail}"
                )
            elif by == "lottery":
                kind = ReasonKind.LOTTERY
                text = (
                    f"{head}: {cut}あなたも同じ{pts}点で、同点時の優先順位の基準でも差がなかったため、"
                    f"抽選により順位が決まりました(あなたは{pos}位)。{tail}"
                )
            elif by == "guaranteed":  # cannot happen: cut-off children are never kept in their own seat
                kind = ReasonKind.OTHER
                text = f"{head}: {cut}担当者が確認します。{tail}"
            else:
                kind = ReasonKind.TIE_BREAK
                criterion = self.criteria.get(by, by)
                text = (
                    f"{head}: {cut}あなたも同じ{pts}点でしたが、同点時の優先順位「{criterion}」により"
                    f"後の順位になりました(あなたは{pos}位)。{tail}"
                )
        return ChoiceReason(
            choice, facility_id, name, child.age_class, kind, criterion, pts, pos, waitlist, cell, text
        )

    def _displaced(self, seat: Seat, child_id: str, mine: int | None, waitlist: int | None) -> bool:
        """Whether children fixed at this seat by staff, ranked below this child (or not applicants here), took
        a place it would otherwise have had: its waiting place is within the number of such places."""
        fixed_here = self._fixed_at.get(seat, ())
        if not fixed_here or waitlist is None or mine is None:
            return False
        positions = self._position_map(seat)
        behind = sum(1 for cid in fixed_here if cid != child_id and positions.get(cid, len(positions)) > mine)
        return waitlist <= behind

    def _position_map(self, seat: Seat) -> dict[str, int]:
        found = self._positions.get(seat)
        if found is None:
            found = {cid: i for i, cid in enumerate(self.result.priority.order.get(seat, ()))}
            self._positions[seat] = found
        return found

    def _criterion_index(self, seat: Seat, upper: int, lower: int) -> int:
        """Index in self.names of the first key in which the children at positions upper < lower differ.

        In a sorted order that is the smallest 'first difference' between neighbours in between.
        Computed once per seat as a running minimum from the cut-off child down.
        """
        running = self._first_difference.get(seat)
        if running is None:
            order = self.result.priority.order.get(seat, ())
            decided = self.result.priority.decided_by
            rank = {name: i for i, name in enumerate(self.names)}
            running, best = [len(self.names) - 1] * len(order), len(self.names) - 1
            for i in range(upper + 1, len(order)):
                best = min(best, rank.get(decided.get((seat, order[i]), "lottery"), len(self.names) - 1))
                running[i] = best
            self._first_difference[seat] = running
        return running[lower]


def _summary(
    status: Status,
    name: str | None,
    rank: int | None,
    total: int | None,
    has_reasons: bool,
    decision: str | None,
) -> str:
    points = f"指数は{total}点です。" if total is not None else ""
    if decision is not None:
        head = f"職員の判断により{name}に内定しました{_why(decision)}。"
    elif status == Status.OFFERED:
        head = f"{name}(第{rank}希望)に内定しました。" if rank else f"{name}に内定しました。"
    elif status == Status.TRANSFERRED:
        head = f"転園先の{name}(第{rank}希望)に内定しました。" if rank else f"転園先の{name}に内定しました。"
    elif status == Status.STAYS:
        head = f"転園の希望施設には入所できず、現在の{name}で引き続き保育を受けます(在園継続)。"
    else:
        head = "いずれの希望施設にも入所できませんでした(保留)。"
    more = (
        "より希望順位の高い施設に入所できなかった理由は次のとおりです。"
        if has_reasons and status.new_seat
        else ""
    )
    if has_reasons and not status.new_seat:
        more = "希望施設ごとの状況は次のとおりです。"
    return head + points + more


def _why(reason: str) -> str:
    return f"(理由: {reason})" if reason else ""


def _fixed_at(result: Result, fixed: Mapping[str, str]) -> dict[Seat, tuple[str, ...]]:
    """Seat → the children staff fixed there who hold it (a fix to a facility the child was not placed at
    holds nothing)."""
    at: dict[Seat, list[str]] = {}
    for cid in fixed:
        child = result.instance.children.get(cid)
        got = result.assignment.get(cid)
        if child is not None and got is not None and got != child.current_facility:
            at.setdefault((got, child.age_class), []).append(cid)
    return {seat: tuple(ids) for seat, ids in at.items()}


def explanation_to_dict(explanation: Explanation) -> dict[str, object]:
    """The reasons of one child as JSON-ready data (the points breakdown is in the result's `points`)."""
    return {
        "summary": explanation.summary,
        "reasons": [
            {
                "choice": c.choice,
                "facility_id": c.facility_id,
                "kind": c.kind,
                "label": REASON_LABELS[c.kind],
                "criterion": c.criterion,
                "points": c.points,
                "position": c.position,
                "waitlist": c.waitlist,
                "cutoff_points": None if c.cutoff is None else c.cutoff.points,
                "cutoff_position": None if c.cutoff is None else c.cutoff.position,
                "cutoff_label": None if c.cutoff is None else c.cutoff.label,
                "text": c.text,
            }
            for c in explanation.choices
        ],
    }
