"""What-if in the browser: the run's applications under a variant of its rules, compared by group.

The comparison is the CLI's (`kyodo.hoiku.tools.compare.compare`): the same inputs, seed and staff decisions under
the run's rules and under the variant; who gains, loses or moves, per group. The real run is never touched.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.utils import timezone

from kyodo.hoiku.model.errors import InputError, RuleError
from kyodo.hoiku.model.labels import rules_label
from kyodo.web import jobs
from kyodo.web.hoiku.models import Run, WhatIf
from kyodo.web.hoiku.models_documents import JobStatus

CHANGES_SHOWN = 200  # children listed by name of change; the counts cover all


def base_rules(run: Run) -> Any:
    """The rules the run used, as it stored them (None: the points came with the applications)."""
    from kyodo.web.hoiku import services

    return services.run_rules(run)


def adjustments(run: Run) -> list[dict[str, Any]]:
    """The run's rules' adjustment items with their points in the run's fiscal year (what the form offers)."""
    rules = base_rules(run)
    if rules is None:
        return []
    return [{"id": a.id, "label": a.label, "points": int(a.points.at(run.fiscal_year))} for a in rules.adjustments]


def other_rules(run: Run) -> list[tuple[str, str]]:
    from kyodo.hoiku.rules import available_rules

    return [(name, rules_label(name)) for name in available_rules() if name != run.rules_name]


def describe(run: Run, variant: dict[str, Any]) -> str:
    """The variant in a line: 「ひとり親世帯: 14点 → 20点」 or 「大田区の利用調整基準で」."""
    if variant["kind"] == "rules":
        return f"{rules_label(variant['name'])}で計算"
    item = next(a for a in adjustments(run) if a["id"] == variant["id"])
    return f"{item['label']}: {item['points']}点 → {variant['points']}点"


def start(run: Run, user: Any, variant: dict[str, Any]) -> WhatIf:
    from kyodo.web.hoiku.tasks import execute_whatif

    whatif: WhatIf = WhatIf.objects.create(
        organisation_id=run.organisation_id, run=run, variant=variant, title=describe(run, variant)[:200],
        created_by=user, step="計算を待っています", **jobs.heartbeat(),
    )
    jobs.remember_task(whatif, execute_whatif.enqueue(whatif.pk))
    return whatif


def _variant_rules(run: Run, variant: dict[str, Any], title: str) -> Any:
    from kyodo.hoiku.rules import load_rules
    from kyodo.hoiku.tools.compare import apply_overrides, overrides_on_text

    if variant["kind"] == "rules":
        return load_rules(variant["name"])
    overrides = {"adjustments": [{"id": variant["id"], "points": int(variant["points"])}]}
    name = f"{variant['id']}_{variant['points']}"
    if run.rules_text:  # the rules as the run stored them (a version of the organisation's own, or a shipped ward)
        return overrides_on_text(run.rules_text, overrides, stem=run.rules_name or "rules", name=name, title=title)
    return apply_overrides(run.rules_name, overrides, name=name, title=title)


def execute(whatif_id: int) -> None:
    """The worker's part: both sides run from the stored inputs, the comparison stored as plain data."""
    from kyodo.hoiku import Decision, read
    from kyodo.hoiku.tools.compare import compare
    from kyodo.web.hoiku import services

    rows = WhatIf.objects.unscoped("the worker reports on its own comparison").filter(pk=whatif_id)
    whatif = rows.select_related("run__input_set").defer(*(f"run__{f}" for f in Run.STORED_FILES)).get()
    run = whatif.run
    rows.update(status=JobStatus.RUNNING, progress=10, step="今の基準と変更案で計算しています", **jobs.heartbeat())
    try:
        base = base_rules(run)
        if base is None:
            raise RuleError("この実行は申込ファイルの指数で計算しているので、基準の変更案は試せません")
        variant = _variant_rules(run, whatif.variant, whatif.title)
        children, facilities, combinations = services.engine_inputs(run.input_set)
        instance = read((children, facilities), base, fiscal_year=run.fiscal_year, combinations=combinations)
        decisions = tuple(Decision(**{k: v for k, v in d.items() if v is not None}) for d in run.decisions)
        comparison = compare(instance, base, variant, fiscal_year=run.fiscal_year,
                             seed=run.seed, decisions=decisions)
    except (RuleError, InputError) as exc:
        rows.update(status=JobStatus.FAILED, progress=100, step="失敗しました", finished_at=timezone.now(),
                    error=f"この変更案では計算できません: {exc}"[:2000])
        return
    result = {
        "base": run.rules_label, "variant": whatif.title,
        "groups": [asdict(g) | {"change": g.offered_b - g.offered_a} for g in comparison.groups],
        "families": asdict(comparison.families),
        "changes_count": len(comparison.changes),
        "changes": [{"child_id": c.child_id, "before": c.before or "", "after": c.after or "", "text": c.text}
                    for c in comparison.changes[:CHANGES_SHOWN]],
    }
    rows.update(status=JobStatus.DONE, progress=100, step="完了しました", result=result,
                finished_at=timezone.now(), **jobs.heartbeat())
