"""`kyodo hyojunka …`: generate a Tokyo-wide history, report progress and risk at a date, summarise Fit & Gap."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from kyodo.problems import InputError


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="hyojunka_command", metavar="COMMAND")
    sub.required = True

    gen = sub.add_parser("generate", help="62団体×20業務の合成データ(2026年12月までの月次の履歴)を作る")
    gen.add_argument("--seed", type=int, default=1, help="乱数の種(既定 1)")
    gen.add_argument("--out", type=Path, required=True, help="出力先フォルダ(plans.csv と steps.csv)")
    gen.set_defaults(handler=_generate)

    rep = sub.add_parser("report", help="基準日の進捗・遅延リスク・経費の増減を集計する")
    rep.add_argument("plans", type=Path, help="計画(plans.csv / .xlsx)")
    rep.add_argument("steps", type=Path, help="手順の完了日(steps.csv / .xlsx)")
    rep.add_argument("--as-of", required=True, help="基準日(例: 2026-12-31)")
    rep.add_argument("--json", type=Path, help="集計の JSON")
    rep.add_argument("-o", "--output", type=Path, help="月次調査の形の Excel(.xlsx)")
    rep.set_defaults(handler=_report)

    fg = sub.add_parser("fitgap", help="標準仕様書の機能一覧と回答から Fit & Gap を業務ごとに集計する")
    fg.add_argument("spec", type=Path, help="機能一覧(業務・機能ID・機能名・区分)")
    fg.add_argument("answers", type=Path, help="回答(業務・機能ID・回答・備考)")
    fg.add_argument("--json", type=Path, help="集計の JSON")
    fg.set_defaults(handler=_fitgap)


def _fail(message: str) -> int:
    print(f"エラー: {message}", file=sys.stderr)
    return 1


def _generate(args: argparse.Namespace) -> int:
    from kyodo.hyojunka.generate import generate
    from kyodo.hyojunka.outputs import PLAN_COLUMNS, STEP_COLUMNS, plan_rows, step_rows
    from kyodo.tables import write_all, write_csv

    made = generate(seed=args.seed)
    plans_path, steps_path = args.out / "plans.csv", args.out / "steps.csv"
    write_all({
        plans_path: lambda p: write_csv(p, PLAN_COLUMNS, plan_rows(made.plans)),
        steps_path: lambda p: write_csv(p, STEP_COLUMNS, step_rows(made.plans, made.steps)),
    })
    print(f"計画 {len(made.plans)} 組 → {plans_path}")
    print(f"手順 {len(made.plans) * 40} 行 → {steps_path}")
    return 0


def _parse_day(text: str) -> int | None:
    try:
        return date.fromisoformat(text).toordinal()
    except ValueError:
        return None


def _report(args: argparse.Namespace) -> int:
    from kyodo.hyojunka import report
    from kyodo.hyojunka.io import read_plans, read_steps
    from kyodo.hyojunka.outputs import report_json, report_sheets, xlsx_writer
    from kyodo.tables import Writer, write_all

    as_of = _parse_day(args.as_of)
    if as_of is None:
        return _fail(f"--as-of は 2026-12-31 のように書いてください(「{args.as_of}」)。")
    try:
        plans = read_plans(args.plans)
        steps = read_steps(args.steps, plans)
    except InputError as exc:
        return _fail(f"入力に問題があります(何も書き出していません)\n{exc}")
    result = report(plans, steps, as_of)
    writers: dict[Path, Writer] = {}
    if args.json:
        text = json.dumps(report_json(result), ensure_ascii=False, indent=1)
        writers[args.json] = lambda p: p.write_text(text, encoding="utf-8")
    if args.output:
        writers[args.output] = xlsx_writer(report_sheets(result, plans, steps))
    write_all(writers)
    _print_summary(result)
    return 0


def _print_summary(result: object) -> None:
    from kyodo.hyojunka import Report, RiskKind

    assert isinstance(result, Report)
    counts = result.risk_counts
    print(f"{len(result.pairs)} 組: 完了 {counts[RiskKind.COMPLETE]}、順調 {counts[RiskKind.ON_TRACK]}、"
          f"停滞 {counts[RiskKind.STALLED]}、遅延見込み {counts[RiskKind.LATE]}(遅延リスク計 {len(result.at_risk)})")
    for g in result.tokutei_by_reason:
        print(f"  特定移行支援 {g.name}: {g.pairs} 組(完了 {g.complete}、遅延リスク {g.at_risk})")
    total = result.cost_total
    if total.change_percent is not None:
        print(f"運用経費(移行済み {total.pairs} 組、うち{result.cost_target_percent}%以上削減 {total.pairs_meeting} 組): {total.change_percent:+.1f}%"
              f"(目標 −{result.cost_target_percent}%{'、達成' if total.meets_target else '、未達'})")


def _fitgap(args: argparse.Namespace) -> int:
    from kyodo.hyojunka.fitgap import read_answers, read_spec, summarise, summary_json

    try:
        spec = read_spec(args.spec)
        replies = read_answers(args.answers, spec)
    except InputError as exc:
        return _fail(f"入力に問題があります\n{exc}")
    summaries = summarise(spec, replies)
    for s in summaries:
        print(f"{s.system_name}: 機能 {s.functions}、fit {s.fit}、gap {s.gap}、運用で対応 {s.operation}、"
              f"実装必須の未回答 {s.unanswered_required}")
    if args.json:
        from kyodo.tables import write_all

        text = json.dumps([summary_json(s) for s in summaries], ensure_ascii=False, indent=1)
        write_all({args.json: lambda p: p.write_text(text, encoding="utf-8")})
    return 0
