"""`kyodo hoiku allocate`: every output path and option checked first, the round run once, every output written
all or nothing, and the summary printed. Each output only formats the Outcome."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from kyodo.hoiku.cli_common import collector_paused, fail, output_problems, read_decisions_of, year_problem
from kyodo.hoiku.model.errors import InputError, Problem, RuleError

if TYPE_CHECKING:
    from kyodo.hoiku import Outcome
    from kyodo.hoiku.outputs.notices.letter import LetterSettings


def allocate(args: argparse.Namespace) -> int:
    """Steps: check every output path and option; run the round once; write every output, all or nothing;
    print the summary. Each output only formats the Outcome."""
    with collector_paused():
        return _allocate_and_write(args)


def _allocate_and_write(args: argparse.Namespace) -> int:
    outputs = _allocate_outputs(args)
    problems = output_problems(outputs, [args.children, args.facilities, args.combinations, args.decisions])
    if (problem := year_problem(args)) is not None:
        problems.insert(0, problem)
    if problems:
        return fail(problems)
    from kyodo.hoiku import run

    try:
        args.letter = _letter(args)
        if args.notices or args.appeals or args.cutoff_chart:
            from kyodo.hoiku.outputs.notices import japanese_font

            japanese_font()  # before any work: no font, no output
        outcome = run(
            (args.children, args.facilities),
            args.rules,
            seed=args.seed,
            decisions=read_decisions_of(args),
            combinations=args.combinations,
            fiscal_year=args.fiscal_year,
        )
    except InputError as exc:
        return fail([str(p) for p in exc.problems])
    except (RuleError, RuntimeError, OSError) as exc:
        return fail(str(exc).splitlines())
    from kyodo.tables import write_all

    try:
        write_all(_writers(args, outcome))
    except OSError as exc:
        return fail(f"書き出せませんでした({exc})")
    print_summary(outcome)
    for option, path in outputs.items():
        print(f"書き出しました: {path}({OUTPUT_LABELS[option]})")
    return 0


OUTPUT_LABELS = {
    "-o": "職員用の結果ブック",
    "--json": "結果の JSON",
    "--csv": "結果の CSV",
    "--assignment-json": "割当の JSON",
    "--notices": "結果通知",
    "--appeals": "確認・申立て用シート",
    "--cutoff-chart": "最低指数のグラフ",
}


def _allocate_outputs(args: argparse.Namespace) -> dict[str, Path]:
    given = {
        "-o": args.output,
        "--json": args.json,
        "--csv": args.csv,
        "--assignment-json": args.assignment_json,
        "--notices": args.notices,
        "--appeals": args.appeals,
        "--cutoff-chart": args.cutoff_chart,
    }
    return {option: path for option, path in given.items() if path is not None}


def _writers(args: argparse.Namespace, outcome: Outcome) -> dict[Path, Callable[[Path], object]]:
    """Target → a function writing it to a temporary path (kyodo.tables.write_all renames them all at the end)."""
    from kyodo.hoiku.outputs.result_json import assignment_json_bytes, json_bytes
    from kyodo.hoiku.outputs.results_csv import results_csv_bytes
    from kyodo.hoiku.outputs.workbook import write_workbook_to

    writers: dict[Path, Callable[[Path], object]] = {args.output: lambda tmp: write_workbook_to(outcome, tmp)}
    if args.json:
        writers[args.json] = lambda tmp: tmp.write_bytes(json_bytes(outcome))
    if args.csv:
        writers[args.csv] = lambda tmp: tmp.write_bytes(results_csv_bytes(outcome))
    if args.assignment_json:
        writers[args.assignment_json] = lambda tmp: tmp.write_bytes(assignment_json_bytes(outcome))
    if args.notices or args.appeals or args.cutoff_chart:
        from kyodo.hoiku.outputs.notices import appeal_sheets_bytes, cutoff_chart_png, notices_bytes

        if args.notices:
            writers[args.notices] = lambda tmp: tmp.write_bytes(
                notices_bytes(outcome, letter=args.letter, stamp=args.stamp)
            )
        if args.appeals:
            writers[args.appeals] = lambda tmp: tmp.write_bytes(
                appeal_sheets_bytes(outcome, letter=args.letter, stamp=args.stamp)
            )
        if args.cutoff_chart:
            png = cutoff_chart_png  # bound now: the lambda runs inside write_all
            writers[args.cutoff_chart] = lambda tmp: tmp.write_bytes(
                png(outcome, withhold_small=args.withhold_small)
            )
    return writers


def _letter(args: argparse.Namespace) -> LetterSettings | None:
    """The --letter-settings file, checked before any work (raises InputError naming the key)."""
    if args.letter_settings is None:
        return None
    if not (args.notices or args.appeals):
        raise InputError([Problem("--letter-settings は --notices か --appeals と一緒に指定してください")])
    from kyodo.hoiku.outputs.notices.letter import read_letter_settings

    return read_letter_settings(args.letter_settings)


def summary_lines(outcome: Outcome) -> list[str]:
    """The CLI's summary, read off the Outcome's one Summary."""
    from kyodo.hoiku.model.result import Status

    summary = outcome.summary

    def counts(c: Mapping[Status, int]) -> str:
        return "、".join(f"{s.label}{c[s]}人" for s in Status)

    lines = [f"児童{summary.children}人のうち{counts(summary.counts)}"]
    lines += [
        f"  {a.age_class}歳児: 申込{a.applicants}人、{counts(a.counts)}"
        for a in summary.by_age
        if a.applicants
    ]
    lines.append(f"独立検査: 問題{summary.violation_count}件(うちブロッキング{summary.blocking}件)")
    lines += [f"  - {v.message}" for v in outcome.violations[:20]]
    seed = outcome.run.seed if outcome.run else "-"
    lines.append(f"要確認: {summary.flag_count}件(抽選の種 {seed})")
    if outcome.trial:
        values = outcome.trial.values
        lines.append(
            f"{outcome.trial.stamp}: 確認済みでない基準の値を{len(values)}件使ったため、この結果は試行です"
            "(通知書の全ページにも印字します)"
        )
        lines += [f"  - {label}" for _, label in values[:10]]
        if len(values) > 10:
            lines.append(f"  ほか{len(values) - 10}件(職員用の結果ブックの「概要」に全件)")
    return lines


def print_summary(outcome: Outcome) -> None:
    for line in summary_lines(outcome):
        print(line)
