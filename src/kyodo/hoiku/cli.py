"""`kyodo hoiku …`: validate, score, allocate and generate from the command line.

Every command reads everything and checks it before it writes anything: on a problem it prints
the Japanese messages (file, row, column) to stderr, writes no output and exits with status 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kyodo.hoiku.cli_allocate import allocate
from kyodo.hoiku.cli_common import (
    EXIT_PROBLEM,
    fail,
    output_problems,
    read_decisions_of,
    read_inputs,
    rules_of,
    year_problem,
)
from kyodo.hoiku.model.errors import InputError, RuleError


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
    p.add_argument("--csv", type=Path, help="児童ごとの結果の CSV(UTF-8、BOM 付き)")
    p.add_argument("--assignment-json", type=Path, help="{児童番号: 施設番号 または null} の JSON")
    p.add_argument(
        "--decisions", type=Path, help="職員判断のファイル(.csv: 種類,児童番号,施設番号,理由,担当者 / .json)"
    )
    p.add_argument("--notices", type=Path, help="児童ごとの結果通知(内定・保留、指数の内訳と理由)の PDF")
    p.add_argument("--appeals", type=Path, help="申込者ごとの確認・申立て用シートの PDF")
    p.add_argument("--cutoff-chart", type=Path, help="最低指数のグラフ(PNG)")
    p.add_argument(
        "--letter-settings",
        type=Path,
        help="通知書の文書番号・発行日・区長名・問い合わせ先(.toml / .yaml、examples/hoiku/letter-settings.toml)",
    )
    p.add_argument("--stamp", help="通知書・申立て用シートの全ページに印字する文字(例: 案)")
    p.add_argument(
        "--withhold-small", action="store_true", help="内定が1〜2人の施設・年齢の最低指数を「非公開」にする"
    )
    p.set_defaults(handler=allocate)

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
    p.add_argument(
        "--sibling-share", type=float, default=0.10, help="きょうだい同時申込の世帯に属する児童の割合"
    )
    p.add_argument("--transfer-share", type=float, default=0.05, help="転園申込の割合")
    p.add_argument("--rules", default="koto", help="ChilmAI 形式に書く指数を計算する基準")
    p.add_argument("--out", type=Path, required=True, help="出力フォルダ")
    p.set_defaults(handler=_generate)

    from kyodo.hoiku.rules.commands import register_rules

    register_rules(sub)
    from kyodo.hoiku.tools.parity import register_parity

    register_parity(sub)


def _validate(args: argparse.Namespace) -> int:
    if (problem := year_problem(args)) is not None:
        return fail(problem)
    try:
        rules = rules_of(args)
        instance = read_inputs(args, rules)
        if rules is not None and not instance.points_given:
            from kyodo.hoiku.engine.scoring import score_instance

            score_instance(instance, rules, args.fiscal_year or instance.fiscal_year)
    except InputError as exc:
        return fail(_summary(exc, args))
    except RuleError as exc:
        return fail(str(exc).splitlines())
    print(f"問題はありません: 児童{len(instance.children)}人、施設{len(instance.facilities)}か所")
    return 0


def _summary(exc: InputError, args: argparse.Namespace) -> list[str]:
    """The problems once each (the same message on many rows counted), a wrong --fiscal-year explained once."""
    from kyodo.hoiku.io.fiscal_year import explain_year
    from kyodo.problems import summarise

    hint = "--fiscal-year {year} を指定してください。"
    problems, _ = explain_year(list(exc.problems), args.children, args.fiscal_year, hint)
    return [str(group) for group in summarise(problems)]


def _score(args: argparse.Namespace) -> int:
    from kyodo.hoiku.engine.scoring import score_instance

    if (problem := year_problem(args)) is not None:
        return fail(problem)
    if args.output is not None and (problems := output_problems({"-o": args.output}, [args.children])):
        return fail(problems)
    try:
        rules = rules_of(args)
        assert rules is not None  # --rules is required here
        instance = read_inputs(args, rules)
        scores = score_instance(instance, rules, args.fiscal_year or instance.fiscal_year)
    except InputError as exc:
        return fail([str(p) for p in exc.problems])
    except RuleError as exc:
        return fail(str(exc).splitlines())
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
        from kyodo.tables import csv_text

        sys.stdout.write(csv_text(header, rows))
        return 0
    from kyodo.tables import write_csv

    write_csv(args.output, header, [[str(v) for v in row] for row in rows])
    print(f"指数を書き出しました: {args.output}(児童{len(rows)}人)")
    return 0


def _reproduce(args: argparse.Namespace) -> int:
    from kyodo.hoiku.tools.reproduce import reproduce

    try:
        outcome = reproduce(
            args.run_json, args.children, args.facilities, combinations=args.combinations, rules=args.rules
        )
    except InputError as exc:
        return fail([str(p) for p in exc.problems])
    except (RuleError, OSError, ValueError) as exc:
        return fail(str(exc).splitlines())
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
    from kyodo.tables import write_all

    if (problem := year_problem(args)) is not None:
        return fail(problem)
    if args.json is not None and (problems := output_problems({"--json": args.json}, [args.children])):
        return fail(problems)
    try:
        instance = read_inputs(args)
        variant = load_variant(args.rules, args.variant)
        comparison = compare(
            instance,
            args.rules,
            variant,
            fiscal_year=args.fiscal_year,
            seed=args.seed,
            decisions=tuple(read_decisions_of(args)),
        )
    except InputError as exc:
        return fail([str(p) for p in exc.problems])
    except RuleError as exc:
        return fail(str(exc).splitlines())
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
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        write_all({args.json: lambda tmp: tmp.write_text(text, encoding="utf-8")})
    return 0


def _generate(args: argparse.Namespace) -> int:
    from kyodo.hoiku.engine.scoring import score_instance
    from kyodo.hoiku.io import write_instance
    from kyodo.hoiku.rules import load_rules
    from kyodo.hoiku.tools.generate import generate_ward, with_given_points

    if (problem := year_problem(args)) is not None:
        return fail(problem)
    if args.out.exists() and not args.out.is_dir():
        return fail(f"--out {args.out} はファイルです。出力フォルダを指定してください")
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
        return fail(str(exc).splitlines())
    args.out.mkdir(parents=True, exist_ok=True)
    written = write_instance(instance, args.out, formats=("xlsx", "csv"), layout="kyodo")
    given = with_given_points(instance, {cid: s.total for cid, s in scores.items()})
    written += write_instance(given, args.out / "chilmai", formats=("xlsx", "csv"), layout="chilmai")
    print(f"合成データを作りました(児童{len(instance.children)}人、施設{len(instance.facilities)}か所):")
    for path in written:
        print(f"  {path}")
    return 0
