"""`kyodo shishin …`: merge a new upstream version into a municipal edition; render a guideline.

    kyodo shishin merge BASE.md OURS.md THEIRS.md -o MERGED.md --conflicts C.json   # 0 clean, 2 conflicts, 1 bad input
    kyodo shishin render DOC.md --vars VARS.yaml -o OUT.pdf                          # .html / .docx / .pdf
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from kyodo.problems import InputError

EXIT_CLEAN, EXIT_BAD_INPUT, EXIT_CONFLICTS = 0, 1, 2


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="shishin_command", metavar="COMMAND")
    sub.required = True

    merge = sub.add_parser("merge", help="東京都の新しい版を自治体版に取り込む(文単位の3方向統合)")
    merge.add_argument("base", type=Path, help="自治体版の元になった東京都の版(.md)")
    merge.add_argument("ours", type=Path, help="自治体版(.md)")
    merge.add_argument("theirs", type=Path, help="東京都の新しい版(.md)")
    merge.add_argument("-o", "--output", type=Path, required=True, help="統合した自治体版(.md)")
    merge.add_argument("--conflicts", type=Path, help="競合の一覧(JSON: 節・元の版・自治体版・新しい版)")
    merge.add_argument("--vars", type=Path, help="変数の値(YAML)。省略時は自治体版のメタデータの値")
    merge.set_defaults(handler=_merge)

    render = sub.add_parser("render", help="指針を HTML / DOCX / PDF にする(出典表示つき)")
    render.add_argument("document", type=Path, help="指針(.md)")
    render.add_argument("--vars", type=Path, help="変数の値(YAML)。自治体名を書くとその自治体版として出典を表示")
    render.add_argument("--upstream", type=Path, help="自治体版を描くとき、その元になった東京都の版(.md)")
    render.add_argument("-o", "--output", type=Path, required=True, help="出力(.html / .docx / .pdf)")
    render.set_defaults(handler=_render)


def _fail(message: str) -> int:
    print(f"エラー: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _writer(data: bytes) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(data)

    return write


def _merge(args: argparse.Namespace) -> int:
    from kyodo.shishin import update
    from kyodo.shishin.parse import read_document, read_variables
    from kyodo.tables import write_all

    try:
        base, ours, theirs = (read_document(p) for p in (args.base, args.ours, args.theirs))
        values = read_variables(args.vars) if args.vars else None
        result = update(base, ours, theirs, values=values,
                        names=(args.base.name, args.ours.name, args.theirs.name))
    except InputError as exc:
        return _fail(str(exc))
    text = result.marked_text(theirs_label=f"{theirs.meta.publisher} 第{theirs.meta.version}版")
    outputs = {args.output: _writer(text.encode("utf-8"))}
    if args.conflicts:
        outputs[args.conflicts] = _writer(result.conflicts_json().encode("utf-8"))
    write_all(outputs)
    s = result.stats
    print(f"第{base.meta.version}版 → 第{theirs.meta.version}版: 東京都の変更 {s.from_theirs} 文を反映、"
          f"自治体版の変更 {s.from_ours} 文を維持、変更なし {s.unchanged} 文、競合 {len(result.conflicts)} 件")
    for c in result.conflicts:
        print(f"  競合{c.index + 1}「{c.heading}」: {c.kind.label}")
    print(f"→ {args.output}")
    return EXIT_CLEAN if result.clean else EXIT_CONFLICTS


def _render(args: argparse.Namespace) -> int:
    from kyodo.shishin import edition, variables
    from kyodo.shishin.attribution import attribution
    from kyodo.shishin.parse import read_document, read_variables
    from kyodo.shishin.render import format_of, render
    from kyodo.tables import write_all

    fmt = format_of(args.output)
    if fmt is None:
        return _fail(f"出力「{args.output.name}」の拡張子は .html / .docx / .pdf のいずれかにしてください")
    try:
        doc = read_document(args.document)
        values = read_variables(args.vars) if args.vars else dict(doc.meta.variables if doc.meta.based_on else {})
        upstream = read_document(args.upstream) if args.upstream else None
        if upstream is not None:
            credit = edition.attribution_for(upstream, edition.set_values(doc, values) if values else doc)
        elif args.vars:
            filled = variables.apply(doc, values, args.document.name, args.vars.name)
            editor = values.get("自治体名")
            credit = edition.attribution_for(doc, edition.start(doc, values, editor)) if editor else \
                attribution(doc.meta)
            doc = filled
        else:
            credit = attribution(doc.meta)
        data = render(doc, credit, fmt)
    except InputError as exc:
        return _fail(str(exc))
    except RuntimeError as exc:  # FontNotFound: says what to install
        return _fail(str(exc))
    write_all({args.output: _writer(data)})
    print(f"{doc.meta.title}(第{doc.meta.version}版)→ {args.output}")
    return EXIT_CLEAN
