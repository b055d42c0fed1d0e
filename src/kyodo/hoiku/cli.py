"""`kyodo hoiku …`: validate, score, allocate and generate from the command line.

Every command reads everything and checks it before it writes anything: on a problem it prints
the Japanese messages (file, row, column) to stderr, writes no output and exits with status 1.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from kyodo.hoiku.model.errors import InputError, Problem, RuleError

if TYPE_CHECKING:
    from kyodo.hoiku import Outcome
    from kyodo.hoiku.model.decision import Decision
    from kyodo.hoiku.model.instance import Instance
    from kyodo.hoiku.outputs.notices.letter import LetterSettings

if TYPE_CHECKING:
    from kyodo.hoiku.rules import Rules

EXIT_PROBLEM = 1


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Run a batch job without Python's cyclic garbage collector; it is switched back on afterwards (if it was on).

    The job makes millions of objects and no reference cycles: at 8,000 children every collection during the
    job found nothing to free, yet at Python's default thresholds they took ~12% of the CLI job (and still
    0.1-0.3 s with 20,000 new objects between collections). Reference counting frees the job's objects as usual.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


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


def _fail(messages: list[str] | str) -> int:
    lines = [messages] if isinstance(messages, str) else messages
    print("エラー: 次の問題があるため、処理を中止しました(何も書き出していません)。", file=sys.stderr)
    for line in lines:
        print(f"  - {line}", file=sys.stderr)
    return EXIT_PROBLEM


def _rules(args: argparse.Namespace) -> Rules | None:
    from kyodo.hoiku import resolve_rules

    return resolve_rules(args.rules) if args.rules else None


def _read(args: argparse.Namespace, rules: Rules | None = None) -> Instance:
    from kyodo.hoiku import read

    rules = rules if rules is not None else _rules(args)
    return read(
        (args.children, args.facilities),
        rules,
        fiscal_year=args.fiscal_year,
        combinations=getattr(args, "combinations", None),
    )


def _decisions(args: argparse.Namespace) -> list[Decision]:
    from kyodo.hoiku.io.decisions import read_decisions

    path = getattr(args, "decisions", None)
    return read_decisions(path) if path else []


def _year_problem(args: argparse.Namespace) -> str | None:
    """A fiscal year no admission round has (a typo such as 226 or 20266), before any work."""
    from kyodo.hoiku import FISCAL_YEARS

    year = getattr(args, "fiscal_year", None)
    if year is None or year in FISCAL_YEARS:
        return None
    return f"--fiscal-year {year} は年度として範囲外です({FISCAL_YEARS[0]}〜{FISCAL_YEARS[-1]}の西暦で指定してください)"


def output_problems(outputs: dict[str, Path], inputs: list[Path]) -> list[str]:
    """Japanese messages for output paths that cannot be written, checked before anything is read or computed:
    a folder where a file is to go, a file where a folder is needed, one path named twice, or an input file."""
    problems: list[str] = []
    seen: dict[Path, str] = {}
    given = {p.resolve() for p in inputs if p is not None}
    for option, path in outputs.items():
        if path.is_dir():
            problems.append(f"{option} {path} はフォルダです。書き出すファイルの名前を指定してください")
            continue
        parent = path.parent
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
        if not parent.is_dir():
            problems.append(f"{option} {path} の上位の {parent} はファイルなので、フォルダを作れません")
            continue
        resolved = path.resolve()
        if resolved in seen:
            problems.append(f"{option} と {seen[resolved]} が同じファイル {path} を指しています")
        if resolved in given:
            problems.append(f"{option} {path} は入力ファイルです。上書きしないよう別の名前を指定してください")
        seen[resolved] = option
    return problems


def _validate(args: argparse.Namespace) -> int:
    if (problem := _year_problem(args)) is not None:
        return _fail(problem)
    try:
        rules = _rules(args)
        instance = _read(args, rules)
        if rules is not None and not instance.points_given:
            from kyodo.hoiku.engine.scoring import score_instance

            score_instance(instance, rules, args.fiscal_year or instance.fiscal_year)
    except InputError as exc:
        return _fail(_summary(exc, args))
    except RuleError as exc:
        return _fail(str(exc).splitlines())
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

    if (problem := _year_problem(args)) is not None:
        return _fail(problem)
    if args.output is not None and (problems := output_problems({"-o": args.output}, [args.children])):
        return _fail(problems)
    try:
        rules = _rules(args)
        assert rules is not None  # --rules is required here
        instance = _read(args, rules)
        scores = score_instance(instance, rules, args.fiscal_year or instance.fiscal_year)
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
        from kyodo.tables import csv_text

        sys.stdout.write(csv_text(header, rows))
        return 0
    from kyodo.tables import write_csv

    write_csv(args.output, header, [[str(v) for v in row] for row in rows])
    print(f"指数を書き出しました: {args.output}(児童{len(rows)}人)")
    return 0


def _allocate(args: argparse.Namespace) -> int:
    """Steps: check every output path and option; run the round once; write every output, all or nothing;
    print the summary. Each output only formats the Outcome."""
    with collector_paused():
        return _allocate_and_write(args)


def _allocate_and_write(args: argparse.Namespace) -> int:
    outputs = _allocate_outputs(args)
    problems = output_problems(outputs, [args.children, args.facilities, args.combinations, args.decisions])
    if (problem := _year_problem(args)) is not None:
        problems.insert(0, problem)
    if problems:
        return _fail(problems)
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
            decisions=_decisions(args),
            combinations=args.combinations,
            fiscal_year=args.fiscal_year,
        )
    except InputError as exc:
        return _fail([str(p) for p in exc.problems])
    except (RuleError, RuntimeError, OSError) as exc:
        return _fail(str(exc).splitlines())
    from kyodo.tables import write_all

    try:
        write_all(_writers(args, outcome))
    except OSError as exc:
        return _fail(f"書き出せませんでした({exc})")
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
    from kyodo.tables import write_all

    if (problem := _year_problem(args)) is not None:
        return _fail(problem)
    if args.json is not None and (problems := output_problems({"--json": args.json}, [args.children])):
        return _fail(problems)
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
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        write_all({args.json: lambda tmp: tmp.write_text(text, encoding="utf-8")})
    return 0


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


def _generate(args: argparse.Namespace) -> int:
    from kyodo.hoiku.engine.scoring import score_instance
    from kyodo.hoiku.io import write_instance
    from kyodo.hoiku.rules import load_rules
    from kyodo.hoiku.tools.generate import generate_ward, with_given_points

    if (problem := _year_problem(args)) is not None:
        return _fail(problem)
    if args.out.exists() and not args.out.is_dir():
        return _fail(f"--out {args.out} はファイルです。出力フォルダを指定してください")
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
