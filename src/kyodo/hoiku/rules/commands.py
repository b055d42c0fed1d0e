"""`kyodo hoiku rules [export|import]`: list the shipped rules, write a rules workbook, read one back."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kyodo.hoiku.model.errors import InputError, RuleError

EXIT_PROBLEM = 1


def register_rules(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("rules", help="利用調整基準の一覧(確認済み・要確認の数)、ブックへの書き出し・取り込み")
    p.set_defaults(handler=list_rules)
    rules_sub = p.add_subparsers(dest="rules_command", metavar="SUBCOMMAND")
    e = rules_sub.add_parser("export", help="利用調整基準を Excel ブック(記入用)に書き出す")
    e.add_argument("name", help="利用調整基準の名前(例: koto)または YAML ファイル")
    e.add_argument("-o", "--output", type=Path, required=True, help="書き出す .xlsx")
    e.set_defaults(handler=export_command)
    i = rules_sub.add_parser("import", help="記入した Excel ブックを検査し、YAML(と例の .cases.yaml)にする")
    i.add_argument("workbook", type=Path, help="利用調整基準ブック(.xlsx)")
    i.add_argument(
        "-o", "--output", type=Path, required=True, help="書き出す YAML(例は同じ名前の .cases.yaml)"
    )
    i.set_defaults(handler=import_command)


def _fail(lines: list[str]) -> int:
    print("エラー: 次の問題があるため、処理を中止しました(何も書き出していません)。", file=sys.stderr)
    for line in lines:
        print(f"  - {line}", file=sys.stderr)
    return EXIT_PROBLEM


def list_rules(args: argparse.Namespace) -> int:
    from kyodo.hoiku.rules import available_rules, load_rules

    print("名前\t区市町村\t確認済み\t要確認\t(うち公式資料が出典)\t名称")
    for name in available_rules():
        rules = load_rules(name)
        confirmed, to_confirm = rules.status_counts()
        official = sum(1 for _, p in rules.values() if not p.confirmed and p.source and not p.source.confirm)
        print(f"{name}\t{rules.municipality}\t{confirmed}\t{to_confirm}\t{official}\t{rules.title}")
    return 0


def export_command(args: argparse.Namespace) -> int:
    from kyodo.hoiku.rules import load_rules
    from kyodo.hoiku.rules.cases import load_cases
    from kyodo.hoiku.rules.workbook import export_workbook
    from kyodo.tables import write_atomic

    if args.output.suffix.lower() != ".xlsx":
        return _fail([f"{args.output}: 書き出し先は .xlsx にしてください"])
    try:
        rules = load_rules(args.name)
        data = export_workbook(rules, load_cases(args.name))
    except RuleError as exc:
        return _fail(str(exc).splitlines())

    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    write_atomic(args.output, write)
    confirmed, to_confirm = rules.status_counts()
    print(
        f"{rules.municipality}の利用調整基準を書き出しました: {args.output}(確認済み {confirmed}、要確認 {to_confirm})"
    )
    return 0


def import_command(args: argparse.Namespace) -> int:
    from kyodo.hoiku.rules.workbook_import import dump_yaml, import_workbook
    from kyodo.tables import write_all

    out: Path = args.output
    if out.suffix not in (".yaml", ".yml") or out.name.endswith(".cases.yaml"):
        return _fail([f"{out}: 書き出し先は 名前.yaml にしてください(例は 名前.cases.yaml に書きます)"])
    try:
        data = args.workbook.read_bytes()
    except OSError as exc:
        return _fail([f"{args.workbook.name}: ファイルを開けません({exc.strerror})"])
    try:
        doc, cases, rules = import_workbook(data, args.workbook.name)
    except InputError as exc:
        return _fail([str(p) for p in exc.problems])
    rules_text = dump_yaml(doc, f"{rules.municipality} 利用調整基準({args.workbook.name} から取り込み)")
    cases_text = dump_yaml(cases, f"{rules.municipality} 利用調整基準の例({args.workbook.name} から取り込み)")
    cases_out = out.with_name(f"{out.stem}.cases.yaml")
    write_all(
        {
            out: lambda p: p.write_text(rules_text, encoding="utf-8"),
            cases_out: lambda p: p.write_text(cases_text, encoding="utf-8"),
        }
    )
    confirmed, to_confirm = rules.status_counts()
    print(
        f"取り込みました: {out}、{cases_out}(例 {len(cases)}件はすべて期待どおり。確認済み {confirmed}、要確認 {to_confirm})"
    )
    if to_confirm:
        print(f"注意: 要確認の値が{to_confirm}件あります。この基準での利用調整は試行です(試行・未確定)。")
    return 0
