"""Why a request stayed unmatched: the first filter that left nobody, in words a municipality can act on."""

from __future__ import annotations

from collections.abc import Mapping

from kyodo.jinzai.feasibility import Analysis, Ledger
from kyodo.jinzai.model import Instance, ReasonCode, Request, Unmatched
from kyodo.jinzai.skills import describe, taxonomy
from kyodo.municipalities import BY_CODE


def explain(instance: Instance, analysis: Analysis, assignment: Mapping[str, str]) -> tuple[Unmatched, ...]:
    """A reason for every request not in `assignment`, in request order.

    Steps: 1. skills at the levels; 2. mode (現地/リモート); 3. conflicts of interest; 4. specialists excluded from
    this request (declined); 5. time in the period before this plan; 6. otherwise everyone who qualifies is full —
    checked against the plan, never assumed.
    """
    ledger = Ledger(instance, analysis)
    for request_id, specialist_id in assignment.items():
        ledger.add(request_id, specialist_id)
    return tuple(
        _reason(instance, analysis, ledger, r) for r in instance.requests if r.id not in assignment
    )


def _reason(instance: Instance, analysis: Analysis, ledger: Ledger, r: Request) -> Unmatched:
    period = f"{r.start:%Y-%m-%d}〜{r.end:%Y-%m-%d}"
    if not analysis.skilled[r.id]:
        tax = taxonomy()
        missing = [
            (skill, level)
            for skill, level in sorted(r.skills.items())
            if not any(s.skills.get(skill, 0) >= level for s in instance.specialists)
        ]
        if missing:
            what = "、".join(f"「{tax.name(k)}」レベル{lv}以上" for k, lv in missing)
            return Unmatched(r.id, ReasonCode.NO_SKILL, f"{what}の人材が登録されていません。")
        return Unmatched(r.id, ReasonCode.NO_SKILL, f"{describe(r.skills)}をすべて満たす人材がいません。")
    if not analysis.mode_ok[r.id]:
        n = len(analysis.skilled[r.id])
        return Unmatched(
            r.id, ReasonCode.NO_MODE, f"スキルを満たす人材{n}名は、いずれも{r.mode.value}での支援に対応していません。"
        )
    if not analysis.no_conflict[r.id]:
        n = len(analysis.mode_ok[r.id])
        name = BY_CODE[r.municipality].name
        return Unmatched(r.id, ReasonCode.CONFLICT, f"スキルと対応形態を満たす人材{n}名は、いずれも{name}と利益相反があります。")
    if not analysis.not_excluded[r.id]:
        n = len(analysis.no_conflict[r.id])
        return Unmatched(
            r.id, ReasonCode.EXCLUDED,
            f"候補となる人材{n}名は、いずれもこの依頼では辞退・除外済みです。",
        )
    if not analysis.candidates[r.id]:
        return Unmatched(
            r.id,
            ReasonCode.NOT_AVAILABLE,
            f"期間{period}に{describe(r.skills)}で週{_hours(analysis, r.id)}稼働できる人材がいません"
            "(不在・稼働時間の不足)。",
        )
    qualified = analysis.candidates[r.id]
    if any(ledger.fits(r.id, s) for s in qualified):
        raise ValueError(f"request {r.id} is unmatched although a qualified specialist still has room")
    return Unmatched(
        r.id,
        ReasonCode.ALL_FULL,
        f"条件を満たす人材{len(qualified)}名は、期間{period}にすべて他の依頼で埋まっています。",
        qualified,
    )


def _hours(analysis: Analysis, request_id: str) -> str:
    hours, minutes = divmod(analysis.needs[request_id].minutes_per_week, 60)
    if not minutes:
        return f"{hours}時間"
    return f"{hours}時間{minutes}分" if hours else f"{minutes}分"
