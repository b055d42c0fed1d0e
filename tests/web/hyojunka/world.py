"""Plans the hyojunka web tests share (plain functions, so the access matrix can use them too).

Alice and Bob (江東区) and Charlie (大田区) come from tests/web/conftest.py; 東京都's member is jinzai's Dora.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from kyodo.web.accounts.models import Organisation
from kyodo.web.hyojunka.models import Plan
from kyodo.web.hyojunka.services import ensure_plans

from ..jinzai import world as jinzai_world

KOTO_SECRET_VENDOR = "江東区だけが知る保守ベンダー"


def koto_plans(org: Organisation) -> dict[str, Plan]:
    ensure_plans(org.pk)
    return {p.system: p for p in Plan.objects.for_org(org)}


def stalled(plan: Plan, steps: int = 5, *, since: date | None = None) -> Plan:
    """Steps 1..steps done long ago: nothing in the last 90 days."""
    last = since or date.today() - timedelta(days=200)
    plan.steps = {str(n): (last - timedelta(days=10 * (steps - n))).isoformat() for n in range(1, steps + 1)}
    plan.save()
    return plan


def matrix_objects(o: dict[str, Any]) -> dict[str, Any]:
    """Hyojunka rows for the access matrix, made once per run; also jinzai's (for 東京都's client)."""
    if "hyojunka" in o:
        return o["hyojunka"]  # type: ignore[no-any-return]
    jinzai_world.matrix_objects(o)
    plan = koto_plans(o["bob"].organisation)["juki"]
    plan.vendor, plan.product = KOTO_SECRET_VENDOR, "江東区の独自カスタマイズ版"
    stalled(plan)
    o["secrets"] += [plan.vendor, plan.product]
    o["hyojunka"] = {"plan": plan}
    return o["hyojunka"]  # type: ignore[no-any-return]


def hy(name: str, **extra: Any) -> Any:
    """A matrix kwargs function: {'pk': <the hyojunka object called name>, **extra}, or {} for pages without one."""
    if not name:
        return lambda o: (matrix_objects(o), {})[1]
    return lambda o: {"pk": matrix_objects(o)[name].pk, **extra}
