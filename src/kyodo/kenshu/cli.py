"""`kyodo kenshu …`: generate a year of training demand, allocate seats (fair or FCFS).

Handlers import the engine and spreadsheet libraries only when run, so `kyodo --help` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kyodo.problems import InputError


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="kenshu_command", metavar="COMMAND")
    sub.required = True

    gen = sub.add_parser("generate", help="合成の1年分(62区市町村・約40研修・約150開催回・数千件の推薦)を作る")
    gen.add_argument("--seed", type=int, default=1, help="乱数の種(既定 1)")
    gen.add_argument("--year", type=int, default=2026, help="年度(既定 2026)")
    gen.add_argument("--out", type=Path, required=True, help="出力先フォルダ(sessions.csv・nominations.csv)")
    gen.set_defaults(handler=_generate)

    alloc = sub.add_parser("allocate", help="推薦を開催回の座席に配分する(公平配分 / 先着順)")
    alloc.add_argument("sessions", type=Path, help="開催回一覧(.xlsx / .csv)")
    alloc.add_argument("nominations", type=Path, help="推薦一覧(.xlsx / .csv)")
    alloc.add_argument("--method", choices=("fair", "fcfs"), default="fair", help="fair(公平配分、既定)/ fcfs(先着順)")
    alloc.add_argument("--seed", type=int, default=0, help="同順位の抽選に使う乱数の種(既定 0、結果に記録)")
    alloc.add_argument("--json", type=Path, help="配分結果の JSON")
    alloc.add_argument("-o", "--output", type=Path, help="配分結果の Excel(.xlsx)")
    alloc.set_defaults(handler=_allocate)


def _fail(message: str) -> int:
    print(f"エラー: {message}", file=sys.stderr)
    return 1


def _generate(args: argparse.Namespace) -> int:
    from kyodo.kenshu.formats import NOMINATION_COLUMNS, SESSION_COLUMNS, nomination_rows, session_rows
    from kyodo.kenshu.generate import generate
    from kyodo.tables import write_all, write_csv

    instance = generate(seed=args.seed, year=args.year)
    s_path, n_path = args.out / "sessions.csv", args.out / "nominations.csv"
    s_rows, n_rows = session_rows(instance), nomination_rows(instance)
    write_all({
        s_path: lambda p: write_csv(p, list(SESSION_COLUMNS), s_rows),
        n_path: lambda p: write_csv(p, list(NOMINATION_COLUMNS), n_rows),
    })
    print(f"研修 {len(instance.courses)} 件・開催回 {len(instance.sessions)} 回 → {s_path}")
    print(f"推薦 {len(instance.nominations)} 件 → {n_path}")
    return 0


def _allocate(args: argparse.Namespace) -> int:
    from kyodo.kenshu import allocate
    from kyodo.kenshu.readers import read_instance
    from kyodo.kenshu.report import org_name, plan_json_text, plan_sheets, write_sheets
    from kyodo.tables import Writer, write_all

    if args.output is None and args.json is None:
        return _fail("-o(Excel)か --json の少なくとも一方を指定してください。")
    if args.output is not None and args.output.suffix.lower() != ".xlsx":
        return _fail(f"-o には .xlsx のファイル名を指定してください(「{args.output}」)。")
    try:
        instance = read_instance(args.sessions, args.nominations)
    except InputError as exc:
        print("入力に問題があります。出力は作っていません。", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    plan = allocate(instance, method=args.method, seed=args.seed)
    writers: dict[Path, Writer] = {}
    if args.json is not None:
        text = plan_json_text(plan)
        writers[args.json] = lambda p: p.write_text(text, encoding="utf-8")
    if args.output is not None:
        sheets = plan_sheets(instance, plan)
        writers[args.output] = lambda p: write_sheets(p, sheets)
    write_all(writers)
    f = plan.fairness
    print(f"{plan.method}(乱数の種 {plan.seed}): 推薦 {len(instance.nominations)} 件中 {len(plan.assignments)} 件に座席、"
          f"未配席 {len(plan.unseated)} 件")
    print(f"  最も低い充足率 {f.worst_share:.0%}、座席のない団体 {len(f.without_seat)}、Jain 指数 {f.jain:.3f}")
    if f.without_seat:
        print(f"  座席のない団体: {'、'.join(org_name(c) for c in f.without_seat)}")
    return 0
