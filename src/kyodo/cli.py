"""The `kyodo` command.

Each domain adds its own sub-commands through a `register(subparsers)` function in
`kyodo.<domain>.cli`. Those modules import heavy libraries (speech models, solvers) only
inside the command handlers, so `kyodo --help` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# (domain module, help text shown in `kyodo --help`)
DOMAINS: tuple[tuple[str, str], ...] = (
    ("hoiku", "保育所利用調整(指数計算・利用調整・結果出力)"),
    ("gijiroku", "会議録作成支援(音声→文字起こし→議事録)"),
    ("jinzai", "専門人材のマッチング(人間のクラウド)"),
    ("kenshu", "研修の共同化(座席の公平な配分・キャンセル待ち)"),
    ("shishin", "指針・ガイドライン(都の版と区市町村版の統合)"),
    ("hyojunka", "基幹業務システムの標準化(進捗・遅延の見込み)"),
    ("jirei", "事例の共有(検索)"),
    ("web", "Webアプリ(デモ起動・ワーカー)"),
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kyodo", description="Kyodo(共同) — 区市町村共同のデジタル基盤")
    sub = parser.add_subparsers(dest="domain", metavar="DOMAIN")
    sub.required = True
    for name, help_text in DOMAINS:
        try:
            module = importlib.import_module(f"kyodo.{name}.cli")
        except ModuleNotFoundError as exc:
            # A domain not built yet: leave it out of the command rather than break the others.
            if exc.name in (f"kyodo.{name}", f"kyodo.{name}.cli"):
                continue
            raise
        domain_parser = sub.add_parser(name, help=help_text, description=help_text)
        module.register(domain_parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.parse_args([*(argv or sys.argv[1:]), "--help"])
        return 2
    result: int = handler(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
