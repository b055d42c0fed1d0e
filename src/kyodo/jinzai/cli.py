"""`kyodo jinzai …`: generate a pool and requests, match them, group similar demand.

Handlers import the solver and spreadsheet libraries only when run, so `kyodo --help` stays fast.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from kyodo.jinzai.errors import InputError, PlanError


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="jinzai_command", metavar="COMMAND")
    sub.required = True

    gen = sub.add_parser("generate", help="合成の人材一覧と四半期分の依頼一覧を作る(乱数の種を指定)")
    gen.add_argument("--specialists", type=int, default=300, help="人材の数(既定 300)")
    gen.add_argument("--requests", type=int, default=500, help="依頼の数(既定 500)")
    gen.add_argument("--seed", type=int, default=1, help="乱数の種(既定 1)")
    gen.add_argument("--quarter", default="2026Q1", help="年度と四半期(例: 2026Q1 = 2026年4〜6月、既定 2026Q1)")
    gen.add_argument("--format", choices=("xlsx", "csv"), default="xlsx", help="出力形式(既定 xlsx)")
    gen.add_argument("--out", type=Path, required=True, help="出力先フォルダ")
    gen.set_defaults(handler=_generate)

    match = sub.add_parser("match", help="人材と依頼を突き合わせて割当計画を作る(CP-SAT)")
    match.add_argument("specialists", type=Path, help="人材一覧(.xlsx / .csv)")
    match.add_argument("requests", type=Path, help="依頼一覧(.xlsx / .csv)")
    match.add_argument("-o", "--output", type=Path, help="割当計画の Excel(.xlsx)")
    match.add_argument("--json", type=Path, help="割当計画の JSON")
    match.add_argument("--method", choices=("cpsat", "greedy"), default="cpsat", help="cpsat(最適化、既定)/ greedy(比較用)")
    match.add_argument("--time-limit", type=float, default=8.0, help="最適化の制限時間(秒、既定 8)")
    match.add_argument("--workers", type=int, default=2, help="最適化の並列数(既定 2)")
    match.add_argument("--confirmed", type=Path, help="前回の計画 JSON。その割当を確定済みとして残す")
    match.add_argument("--release", action="append", default=[], metavar="依頼ID", help="確定済みから外す依頼(繰り返し可)")
    match.add_argument("--release-all", action="store_true", help="確定済みの割当をすべて外して計画し直す")
    match.set_defaults(handler=_match)

    group = sub.add_parser("group", help="同じ種類の依頼をまとめ、共同プロジェクトの費用按分を示す")
    group.add_argument("requests", type=Path, help="依頼一覧(.xlsx / .csv)")
    group.add_argument("--specialists", type=Path, required=True, help="人材一覧(希望人材の確認に使う)")
    group.add_argument("--json", type=Path, help="共同化候補の JSON")
    group.set_defaults(handler=_group)


def _fail(message: str) -> int:
    print(f"エラー: {message}", file=sys.stderr)
    return 1


def _generate(args: argparse.Namespace) -> int:
    from kyodo.jinzai.formats import REQUEST_COLUMNS, SPECIALIST_COLUMNS, request_rows, specialist_rows
    from kyodo.jinzai.generate import generate, quarter_start
    from kyodo.jinzai.io import table_writer
    from kyodo.tables import OutputError, write_all

    found = re.fullmatch(r"(\d{4})Q([1-4])", args.quarter)
    if not found:
        return _fail(f"--quarter は 2026Q1 のように書いてください(「{args.quarter}」)。")
    if args.specialists < 1 or args.requests < 1:
        return _fail("--specialists と --requests は1以上にしてください。")
    start = quarter_start(int(found[1]), int(found[2]))
    instance = generate(specialists=args.specialists, requests=args.requests, seed=args.seed, start=start)
    suffix = f".{args.format}"
    s_path, r_path = args.out / f"specialists{suffix}", args.out / f"requests{suffix}"
    try:
        write_all(
            {
                s_path: table_writer(suffix, list(SPECIALIST_COLUMNS), specialist_rows(instance)),
                r_path: table_writer(suffix, list(REQUEST_COLUMNS), request_rows(instance)),
            }
        )
    except OutputError as exc:
        return _fail(str(exc))
    print(f"人材 {len(instance.specialists)} 名 → {s_path}")
    print(f"依頼 {len(instance.requests)} 件({start:%Y-%m-%d} からの四半期)→ {r_path}")
    return 0


def _confirmed(args: argparse.Namespace) -> dict[str, str]:
    if args.confirmed is None or args.release_all:
        return {}
    try:
        data = json.loads(args.confirmed.read_text(encoding="utf-8"))
        pairs = {str(a["request"]): str(a["specialist"]["id"]) for a in data["assignments"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PlanError(f"{args.confirmed}: 前回の計画 JSON として読めません({type(exc).__name__})。") from exc
    unknown = sorted(set(args.release) - set(pairs))
    if unknown:
        raise PlanError(f"--release の依頼「{'、'.join(unknown)}」は前回の計画で割り当てられていません。")
    return {r: s for r, s in pairs.items() if r not in set(args.release)}


def _match(args: argparse.Namespace) -> int:
    from kyodo.jinzai import match
    from kyodo.jinzai.aggregate import joint_projects
    from kyodo.jinzai.fairness import measure
    from kyodo.jinzai.io import text_writer, xlsx_writer
    from kyodo.jinzai.readers import read_instance
    from kyodo.jinzai.report import plan_json, plan_sheets
    from kyodo.tables import OutputError, Writer, check_outputs, write_all

    if args.output is None and args.json is None:
        return _fail("-o(Excel)か --json の少なくとも一方を指定してください。")
    if args.output is not None and args.output.suffix.lower() != ".xlsx":
        return _fail(f"-o には .xlsx のファイル名を指定してください(「{args.output}」)。")
    if args.time_limit <= 0 or args.workers < 1:
        return _fail("--time-limit は正の数、--workers は1以上にしてください。")
    try:  # before the matching: a wrong output path costs nothing
        check_outputs([p for p in (args.output, args.json) if p is not None])
    except OutputError as exc:
        return _fail(str(exc))
    try:
        instance = read_instance(args.specialists, args.requests)
        confirmed = _confirmed(args)
        plan = match(
            instance, method=args.method, confirmed=confirmed, time_limit_s=args.time_limit, workers=args.workers
        )
    except InputError as exc:
        print("入力に問題があります。出力は作っていません。", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except PlanError as exc:
        return _fail(str(exc))
    fairness = measure(instance, plan.by_request())
    projects = joint_projects(instance)
    writers: dict[Path, Writer] = {}
    if args.output is not None:
        writers[args.output] = xlsx_writer(plan_sheets(instance, plan, fairness, projects))
    if args.json is not None:
        data = plan_json(instance, plan, fairness, projects)
        writers[args.json] = text_writer(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    try:
        write_all(writers)
    except OutputError as exc:
        return _fail(str(exc))
    served_hours = sum(instance.request(a.request_id).hours(instance.policy) for a in plan.assignments)
    print(
        f"{plan.method}({plan.status}): 依頼 {len(instance.requests)} 件中 {len(plan.assignments)} 件を割当"
        f"(計 {served_hours} 時間)、未割当 {len(plan.unmatched)} 件、{plan.solve_seconds:.1f} 秒"
    )
    for band in fairness.bands:
        print(f"  {band.band}: {band.served}/{band.requests} 件({band.rate:.0%})")
    return 0


def _group(args: argparse.Namespace) -> int:
    from kyodo.jinzai.aggregate import group_demand, joint_projects
    from kyodo.jinzai.io import text_writer
    from kyodo.jinzai.readers import read_instance
    from kyodo.municipalities import BY_CODE
    from kyodo.tables import OutputError, write_all

    try:
        instance = read_instance(args.specialists, args.requests)
    except InputError as exc:
        print("入力に問題があります。出力は作っていません。", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    projects = joint_projects(instance)
    groups = group_demand(instance)
    print(f"依頼の種類 {len(groups)} 件、うち複数団体からの依頼(共同化候補) {len(projects)} 件")
    for jp in projects[:10]:
        names = "、".join(BY_CODE[line.municipality].name for line in jp.ledger)
        print(f"  {jp.group.label}: {len(jp.ledger)} 団体({names})、節約 {jp.saving_yen:,} 円")
    if args.json is not None:
        data = [
            {"kind": jp.group.label, "requests": list(jp.group.request_ids), "total_yen": jp.total_yen,
             "saving_yen": jp.saving_yen,
             "ledger": [{"municipality": line.municipality, "hours": line.hours,
                         "base_share_yen": line.base_share_yen, "service_yen": line.service_yen} for line in jp.ledger]}
            for jp in projects
        ]
        try:
            write_all({args.json: text_writer(json.dumps(data, ensure_ascii=False, indent=2) + "\n")})
        except OutputError as exc:
            return _fail(str(exc))
    return 0
