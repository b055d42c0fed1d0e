"""`kyodo jirei …`: demo cases, checking a file of cases, searching it without the web app."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kyodo.problems import InputError


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="jirei_command", metavar="COMMAND")
    sub.required = True

    gen = sub.add_parser("generate", help="デモ用の事例(江東区の2事例と合成の事例)を Excel/CSV に書く")
    gen.add_argument("--count", type=int, default=300, help="合成の事例の数(既定 300)")
    gen.add_argument("--seed", type=int, default=1, help="乱数の種(既定 1)")
    gen.add_argument("-o", "--output", type=Path, required=True, help="出力先(.xlsx か .csv)")
    gen.set_defaults(handler=_generate)

    check = sub.add_parser("validate", help="事例の Excel/CSV を検査する(問題を行・列ごとに表示)")
    check.add_argument("file", type=Path)
    check.set_defaults(handler=_validate)

    find = sub.add_parser("search", help="事例の Excel/CSV を検索する(表記揺れ・同義語を揃えて順位づけ)")
    find.add_argument("file", type=Path)
    find.add_argument("query", help="検索語(空白区切り。-語 で除外。「導入に至らなかった」で失敗事例だけ)")
    find.add_argument("--failures", action="store_true", help="導入に至らなかった事例だけ")
    find.add_argument("--limit", type=int, default=10, help="表示する件数(既定 10)")
    find.add_argument("--json", action="store_true", help="事例IDの JSON リスト(順位順)を出す")
    find.set_defaults(handler=_search)


def _read(path: Path):  # type: ignore[no-untyped-def]
    from kyodo.jirei.io import read_cases

    try:
        return read_cases(path)
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"エラー: {len(exc.problems)}件の問題があります。", file=sys.stderr)
        return None


def _generate(args: argparse.Namespace) -> int:
    from kyodo.jirei.generate import generate_cases
    from kyodo.jirei.io import write_cases

    records = generate_cases(args.count, args.seed)
    write_cases(args.output, records, with_contact=True)
    failed = sum(1 for r in records if r.failed)
    print(f"{args.output}: {len(records)}件(うち導入に至らなかった事例 {failed}件)")
    return 0


def _validate(args: argparse.Namespace) -> int:
    records = _read(args.file)
    if records is None:
        return 1
    print(f"{args.file}: {len(records)}件、問題はありません。")
    return 0


def _search(args: argparse.Namespace) -> int:
    from kyodo.jirei import Filters, search
    from kyodo.jirei.highlight import snippet

    records = _read(args.file)
    if records is None:
        return 1
    result = search(records, args.query, Filters(failures_only=args.failures), limit=args.limit)
    if args.json:
        print(json.dumps(result.ids, ensure_ascii=False))
        return 0
    by_id = {r.case_id: r for r in records}
    print(f"{result.total}件")
    for hit in result.hits:
        r = by_id[hit.case_id]
        text = "".join(f"【{s.text}】" if s.hit else s.text for s in snippet(r.summary, result.query, 80))
        print(f"{hit.case_id}\t{r.organisation}\t{r.status}\t{r.title}\n    {text}")
    return 0
