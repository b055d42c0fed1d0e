"""`kyodo hoiku …`: validate, score, allocate and generate from the command line.

Every command reads everything and checks it before it writes anything: on a problem it prints
the Japanese messages (file, row, column) to stderr, writes no output and exits with status 1.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kyodo.hoiku.model.errors import InputError, RuleError

if TYPE_CHECKING:
    from kyodo.hoiku.engine.pipeline import Decision
    from kyodo.hoiku.model.instance import Instance
    from kyodo.hoiku.model.result import Result

EXIT_PROBLEM = 1


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    def inputs(p: argparse.ArgumentParser, *, rules_required: bool = False) -> None:
        p.add_argument("children", type=Path, help="申込(児童)ファイル(.xlsx / .csv)")
        p.add_argument("facilities", type=Path, help="施設ファイル(.xlsx / .csv)")
        p.add_argument(
            "--rules", required=rules_required, help="利用調整基準の名前(例: koto)または YAML ファイル"
        )
        p.add_argument("--fiscal-year", type=int, help="年度(例: 2026 = 令和8年度)")
        p.add_argument(
            "--combinations",
            type=Path,
            help="きょうだいの組み合わせファイル(ファミリーコード・総当たり順位・宛名コードN・希望施設N)",
        )

    p = sub.add_parser("validate", help="入力ファイルを検査する")
    inputs(p)
    p.set_defaults(handler=_validate)

    p = sub.add_parser("score", help="指数を計算する(内訳つき)")
    inputs(p, rules_required=True)
    p.add_argument("-o", "--output", type=Path, help="指数の CSV(省略すると画面に表示)")
    p.set_defaults(handler=_score)

    p = sub.add_parser("allocate", help="利用調整を行い、結果を書き出す")
    inputs(p)
    p.add_argument("--seed", type=int, default=0, help="抽選の乱数の種(記録されます)")
    p.add_argument("-o", "--output", type=Path, required=True, help="職員用の結果ブック(.xlsx)")
    p.add_argument("--json", type=Path, help="結果の JSON")
    p.add_argument("--assignment-json", type=Path, help="{児童番号: 施設番号 または null} の JSON")
    p.add_argument(
        "--decisions", type=Path, help="職員判断のファイル(.csv: 種類,児童番号,施設番号,理由,担当者 / .json)"
    )
    p.add_argument("--notices", type=Path, help="児童ごとの結果通知(内定・保留、指数の内訳と理由)の PDF")
    p.add_argument("--appeals", type=Path, help="申込者ごとの確認・申立て用シートの PDF")
    p.add_argument("--cutoff-chart", type=Path, help="最低指数のグラフ(PNG)")
    p.add_argument(
        "--withhold-small", action="store_true", help="内定が1〜2人の施設・年齢の最低指数を「非公開」にする"
    )
    p.set_defaults(handler=_allocate)

    p = sub.add_parser("reproduce", help="保存した結果 JSON を同じ入力で再実行し、完全に一致するか確かめる")
    p.add_argument("run_json", type=Path, help="allocate --json で保存した結果")
    p.add_argument("children", type=Path, help="申込(児童)ファイル")
    p.add_argument("facilities", type=Path, help="施設ファイル")
    p.add_argument("--combinations", type=Path, help="きょうだいの組み合わせファイル(使った場合)")
    p.add_argument("--rules", help="利用調整基準(記録の名前で見つからないとき、YAML ファイル)")
    p.set_defaults(handler=_reproduce)

    p = sub.add_parser("compare", help="同じ申込を利用調整基準の変更案でも実行し、結果の違いを集計する")
    inputs(p, rules_required=True)
    p.add_argument("--variant", type=Path, required=True, help="変更案(基準を上書きする小さな YAML)")
    p.add_argument("--seed", type=int, default=0, help="抽選の乱数の種(両方で同じ)")
    p.add_argument("--decisions", type=Path, help="職員判断のファイル(両方に適用)")
    p.add_argument("--json", type=Path, help="集計の JSON")
    p.set_defaults(handler=_compare)

    p = sub.add_parser("generate", help="合成データ(デモ・性能測定用の区)を作る")
    p.add_argument("--children", type=int, default=3000, help="児童数")
    p.add_argument("--facilities", type=int, default=120, help="施設数")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--fiscal-year", type=int, default=2026)
    p.add_argument("--sibling-share", type=float, default=0.10, help="きょうだい同時申込の世帯に属する児童の割合")
    p.add_argument("--transfer-share", type=float, default=0.05, help="転園申込の割合")
    p.add_argument("--rules", default="koto", help="ChilmAI 形式に書く指数を計算する基準")
    p.add_argument("--out", type=Path, required=True, help="出力フォルダ")
    p.set_defaults(handler=_generate)

    p = sub.add_parser("rules", help="同梱の利用調整基準の一覧")
    p.set_defaults(handler=_list_rules)


def _fail(messages: list[str] | str) -> int:
    lines = [messages] if isinstance(messages, str) else messages
    print("エラー: 次の問題があるため、処理を中止しました(何も書き出していません)。", file=sys.stderr)
    for line in lines:
        print(f"  - {line}", file=sys.stderr)
    return EXIT_PROBLEM


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read(args: argparse.Namespace) -> Instance:
    from kyodo.hoiku.io import read_instance
    from kyodo.hoiku.rules import load_rules

    limit = None
    if args.rules and args.fiscal_year:
        rules = load_rules(args.rules)
        limit = rules.choice_limit.at(args.fiscal_year) if rules.choice_limit else None
    instance = read_instance(args.children, args.facilities, fiscal_year=args.fiscal_year, choice_limit=limit)
    if getattr(args, "combinations", None):
        from kyodo.hoiku.io.combinations import read_combinations

        instance = read_combinations(args.combinations, instance)
    return instance


def _run(args: argparse.Namespace, seed: int) -> Result:
    from kyodo.hoiku.engine.pipeline import run_round

    instance = _read(args)
    if not instance.points_given and not args.rules:
        raise RuleError("指数が入力に無いので、利用調整基準(--rules)と年度(--fiscal-year)が必要です")
    files = [args.children, args.facilities] + ([args.combinations] if args.combinations else [])
    hashes = {p.name: _sha256(p) for p in files}
    return run_round(
        instance,
        rules=args.rules,
        fiscal_year=args.fiscal_year,
        seed=seed,
        inputs_sha256=hashes,
        decisions=_decisions(args),
    )


def _decisions(args: argparse.Namespace) -> list[Decision]:
    from kyodo.hoiku.tools.reproduce import read_decisions

    path = getattr(args, "decisions", None)
    return read_decisions(path) if path else []


def _validate(args: argparse.Namespace) -> int:
    try:
        instance = _read(args)
        if args.rules and not instance.points_given:
            from kyodo.hoiku.engine.scoring import score_instance
            from kyodo.hoiku.rules import load_rules

            score_instance(instance, load_rules(args.rules), args.fiscal_year or instance.fiscal_year)
    except InputError as exc:
        return _fail([str(p) for p in exc.problems])
    except RuleError as exc:
        return _fail(str(exc).splitlines())
    print(f"問題はありません: 児童{len(instance.children)}人、施設{len(instance.facilities)}か所")
    return 0


def _score(args: argparse.Namespace) -> int:
    from kyodo.hoiku.engine.scoring import score_instance
    from kyodo.hoiku.rules import load_rules

    try:
        instance = _read(args)
        scores = score_instance(instance, load_rules(args.rules), args.fiscal_year or instance.fiscal_year)
    except InputError as exc:
        return _fail([str(p) for p in exc.problems])
    except RuleError as exc:
        return _fail(str(exc).splitlines())
    header = ["児童番号", "世帯番号", "年齢クラス", "基準指数", "調整指数", "指数", "内訳", "施設ごとの加点"]
    rows = []
    for cid, score in scores.items():
        child = instance.children[cid]
        breakdown = " / ".join(f"{i.label} {i.points:+d}" for i in score.items)
        extra = " / ".join(
            f"{fid}: " + "、".join(f"{i.label} {i.points:+d}" for i in items)
            for fid, items in score.facility_items.items()
        )
        rows.append(
            [
                cid,
                child.household_id,
                child.age_class,
                score.base,
                score.adjustment,
                score.total,
                breakdown,
                extra,
            ]
        )
    if args.output is None:
        writer = csv.writer(sys.stdout)
        writer.writerow(header)
        writer.writerows(rows)
        return 0
    tmp = args.output.with_name(args.output.name + ".tmp")
    with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    tmp.replace(args.output)
    print(f"指数を書き出しました: {args.output}(児童{len(rows)}人)")
    return 0


def _allocate(args: argparse.Namespace) -> int:
    from kyodo.hoiku.outputs.workbook import write_assignment_json, write_json, write_workbook

    documents = args.notices or args.appeals or args.cutoff_chart
    try:
        if documents:
            from kyodo.hoiku.outputs.notices import japanese_font

            japanese_font()  # before anything is written: no font, no output
        result = _run(args, args.seed)
    except InputError as exc:
        return _fail([str(p) for p in exc.problems])
    except (RuleError, RuntimeError) as exc:
        return _fail(str(exc).splitlines())
    write_workbook(result, args.output)
    if args.json:
        write_json(result, args.json)
    if args.assignment_json:
        write_assignment_json(result, args.assignment_json)
    if documents:
        _documents(args, result)
    _print_summary(result)
    print(f"結果を書き出しました: {args.output}")
    return 0


def _documents(args: argparse.Namespace, result: Result) -> None:
    from kyodo.hoiku.outputs.notices import write_appeal_sheets, write_cutoff_chart, write_notices

    if args.notices:
        print(f"結果通知を書き出しました: {args.notices}({write_notices(result, args.notices)}人分)")
    if args.appeals:
        print(
            f"確認・申立て用シートを書き出しました: {args.appeals}({write_appeal_sheets(result, args.appeals)}人分)"
        )
    if args.cutoff_chart:
        write_cutoff_chart(result, args.cutoff_chart, withhold_small=args.withhold_small)
        print(f"最低指数のグラフを書き出しました: {args.cutoff_chart}")


def _reproduce(args: argparse.Namespace) -> int:
    from kyodo.hoiku.tools.reproduce import reproduce

    try:
        outcome = reproduce(
            args.run_json, args.children, args.facilities, combinations=args.combinations, rules=args.rules
        )
    except InputError as exc:
        return _fail([str(p) for p in exc.problems])
    except (RuleError, OSError, ValueError) as exc:
        return _fail(str(exc).splitlines())
    for line in outcome.problems:
        print(f"注意: {line}")
    if outcome.identical:
        print(f"再現できました: 結果 JSON が記録({args.run_json.name})とバイト単位で一致します")
        return 0
    print("再現できませんでした: 結果が記録と異なります", file=sys.stderr)
    for line in outcome.differences:
        print(f"  - {line}", file=sys.stderr)
    return EXIT_PROBLEM


def _compare(args: argparse.Namespace) -> int:
    import json
    from dataclasses import asdict

    from kyodo.hoiku.tools.compare import compare, format_comparison, load_variant

    try:
        instance = _read(args)
        variant = load_variant(args.rules, args.variant)
        comparison = compare(
            instance,
            args.rules,
            variant,
            fiscal_year=args.fiscal_year,
            seed=args.seed,
            decisions=tuple(_decisions(args)),
        )
    except InputError as exc:
        return _fail([str(p) for p in exc.problems])
    except RuleError as exc:
        return _fail(str(exc).splitlines())
    print(format_comparison(comparison))
    if args.json:
        data = {
            "base": comparison.base,
            "variant": comparison.variant,
            "groups": [asdict(g) for g in comparison.groups],
            "families": asdict(comparison.families),
            "changes": [
                {
                    "child_id": c.child_id,
                    "before": c.before,
                    "after": c.after,
                    "causes": list(c.causes),
                    "text": c.text,
                }
                for c in comparison.changes
            ],
        }
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


def _print_summary(result: Result) -> None:
    children = result.instance.children
    offered = sum(1 for f in result.assignment.values() if f is not None)
    print(f"児童{len(children)}人のうち内定{offered}人、保留{len(children) - offered}人")
    for age in range(6):
        ids = [cid for cid, c in children.items() if c.age_class == age]
        if ids:
            got = sum(1 for cid in ids if result.assignment.get(cid) is not None)
            print(f"  {age}歳児: 申込{len(ids)}人、内定{got}人")
    blocking = [v for v in result.violations if v.kind in ("wasted_seat", "justified_envy")]
    print(f"独立検査: 問題{len(result.violations)}件(うちブロッキングペア{len(blocking)}件)")
    for v in result.violations[:20]:
        print(f"  - {v.message}")
    print(f"要確認: {len(result.flags)}件(抽選の種 {result.run.seed if result.run else '-'})")


def _generate(args: argparse.Namespace) -> int:
    from kyodo.hoiku.engine.scoring import score_instance
    from kyodo.hoiku.io import write_instance
    from kyodo.hoiku.rules import load_rules
    from kyodo.hoiku.tools.generate import generate_ward, with_given_points

    try:
        rules = load_rules(args.rules)
        limit = rules.choice_limit.at(args.fiscal_year) if rules.choice_limit else 10
        instance = generate_ward(
            children=args.children,
            facilities=args.facilities,
            seed=args.seed,
            fiscal_year=args.fiscal_year,
            sibling_share=args.sibling_share,
            transfer_share=args.transfer_share,
            max_choices=limit,
        )
        scores = score_instance(instance, rules, args.fiscal_year)
    except RuleError as exc:
        return _fail(str(exc).splitlines())
    args.out.mkdir(parents=True, exist_ok=True)
    written = write_instance(instance, args.out, formats=("xlsx", "csv"), layout="kyodo")
    given = with_given_points(instance, {cid: s.total for cid, s in scores.items()})
    written += write_instance(given, args.out / "chilmai", formats=("xlsx", "csv"), layout="chilmai")
    print(f"合成データを作りました(児童{len(instance.children)}人、施設{len(instance.facilities)}か所):")
    for path in written:
        print(f"  {path}")
    return 0


def _list_rules(args: argparse.Namespace) -> int:
    from kyodo.hoiku.rules import available_rules, load_rules

    for name in available_rules():
        rules = load_rules(name)
        unconfirmed = sum(1 for s in rules.sources.values() if s.confirm)
        note = f"(要確認の出典 {unconfirmed}件)" if unconfirmed else ""
        print(f"{name}\t{rules.municipality}\t{rules.title}{note}")
    return 0
