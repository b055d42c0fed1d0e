"""Nursery admission allocation (保育所利用調整): score, prioritise, allocate, check, explain.

    outcome = kyodo.hoiku.run((Path("children.xlsx"), Path("facilities.xlsx")), "koto", seed=1, fiscal_year=2026)
    outcome.summary.counts            # {Status.OFFERED: …, TRANSFERRED, STAYS, WAITLISTED}

`run` is the one entry point: it reads and validates the files (paths, or `InputFile(name, bytes)` for an
upload), scores, prioritises, allocates, checks, explains and counts exactly once, and returns an
`Outcome` that every output (CLI, workbook, CSV, JSON, PDF, chart, web) only formats.

No Django here. Layout: `model/` facts and results · `engine/` scoring, priority, allocation ·
`checks/` independent check and review flags · `explain/` reasons, cut-offs, diffs · `outputs/` workbook,
CSV, JSON, notices, chart · `io/` readers · `rules/` the wards' rules as data · `tools/` generator,
rule comparison, reproduction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

from kyodo.hoiku.io.source import InputFile, Source, source_bytes, source_name
from kyodo.hoiku.model.decision import Decision, DecisionKind
from kyodo.hoiku.model.errors import InputError, RuleError
from kyodo.hoiku.model.instance import Instance
from kyodo.hoiku.model.result import CheckKind, FlagKind, Status
from kyodo.hoiku.outcome import Outcome, Summary, build_outcome
from kyodo.hoiku.rules import Rules, load_rules

# A plausible fiscal year for an admission round (the web form takes the same range).
FISCAL_YEARS = range(2000, 2101)


def resolve_rules(rules: Rules | str | Path | None) -> Rules | None:
    """A Rules object from itself, a shipped name ("koto") or a YAML path; None stays None. Raises RuleError."""
    if rules is None or isinstance(rules, Rules):
        return rules
    return load_rules(rules)


def read(
    inputs: Sequence[Source],
    rules: Rules | None = None,
    *,
    fiscal_year: int | None = None,
    combinations: Source | None = None,
) -> Instance:
    """The Instance of (children, facilities[, combinations]) files, validated. Raises InputError."""
    from kyodo.hoiku.io import read_instance
    from kyodo.hoiku.io.combinations import read_combinations

    children, facilities = _pair(inputs)
    if fiscal_year is not None and fiscal_year not in FISCAL_YEARS:
        raise RuleError(
            f"年度{fiscal_year}は範囲外です({FISCAL_YEARS[0]}〜{FISCAL_YEARS[-1]}年度で指定してください)"
        )
    limit = rules.choice_limit.at(fiscal_year) if rules and rules.choice_limit and fiscal_year else None
    instance = read_instance(children, facilities, fiscal_year=fiscal_year, choice_limit=limit)
    if combinations is not None:
        instance = read_combinations(combinations, instance)
    return instance


def run(
    inputs: Sequence[Source],
    rules: Rules | str | Path | None = None,
    *,
    seed: int = 0,
    decisions: Iterable[Decision] = (),
    combinations: Source | None = None,
    fiscal_year: int | None = None,
) -> Outcome:
    """Read (children, facilities) — paths or `InputFile`s — and run one round under `rules`.

    `rules`: a Rules object, a shipped name or a YAML path; None only when the files carry points
    (ChilmAI format). Raises InputError (file, row, column) or RuleError, both in Japanese; nothing is written.
    """
    loaded = resolve_rules(rules)
    instance = read(inputs, loaded, fiscal_year=fiscal_year, combinations=combinations)
    files = [*_pair(inputs), *([combinations] if combinations is not None else [])]
    hashes = {source_name(f): hashlib.sha256(source_bytes(f)).hexdigest() for f in files}
    return run_instance(
        instance, loaded, seed=seed, decisions=decisions, fiscal_year=fiscal_year, inputs_sha256=hashes
    )


def run_instance(
    instance: Instance,
    rules: Rules | str | Path | None = None,
    *,
    seed: int = 0,
    decisions: Iterable[Decision] = (),
    fiscal_year: int | None = None,
    inputs_sha256: dict[str, str] | None = None,
) -> Outcome:
    """`run` on an Instance already built (generated, or read by the caller)."""
    from kyodo.hoiku.engine.pipeline import run_round

    loaded = resolve_rules(rules)
    if not instance.points_given and loaded is None:
        raise RuleError("指数が入力に無いので、利用調整基準(--rules)と年度(--fiscal-year)が必要です")
    decisions = tuple(decisions)
    result = run_round(
        instance,
        rules=loaded,
        fiscal_year=fiscal_year,
        seed=seed,
        decisions=decisions,
        inputs_sha256=inputs_sha256,
    )
    return build_outcome(result, loaded, without_adjustments=_without_adjustments(instance, loaded, seed,
                                                                                  decisions, fiscal_year))


def _without_adjustments(
    instance: Instance, rules: Rules | None, seed: int, decisions: tuple[Decision, ...], fiscal_year: int | None
) -> dict[str, str | None] | None:
    """Where each child would be without the staff's fixes and exclusions (withdrawals kept): the same round run
    once more, only when there are such decisions. A child who loses a place to them, even at the end of a chain
    of moves, is told that a staff adjustment decided it (explain.reasons, ReasonKind.ADJUSTMENT)."""
    from kyodo.hoiku.engine.pipeline import run_round

    kept = tuple(d for d in decisions if d.kind == DecisionKind.WITHDRAW)
    if len(kept) == len(decisions):
        return None
    other = run_round(instance, rules=rules, fiscal_year=fiscal_year, seed=seed, decisions=kept)
    return dict(other.assignment)


def _pair(inputs: Sequence[Source]) -> tuple[Source, Source]:
    if isinstance(inputs, (str, Path, InputFile)) or len(inputs) != 2:
        raise ValueError("inputs must be (children, facilities): two paths or InputFiles")
    return inputs[0], inputs[1]


__all__ = [
    "CheckKind",
    "Decision",
    "DecisionKind",
    "FlagKind",
    "InputError",
    "InputFile",
    "Outcome",
    "RuleError",
    "Rules",
    "Status",
    "Summary",
    "build_outcome",
    "read",
    "resolve_rules",
    "run",
    "run_instance",
]
