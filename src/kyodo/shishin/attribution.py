"""The attribution (出典表示) each licence asks for, with what the edition changed.

CC BY 4.0 asks for the source, the licence, and an indication that the work was changed; the national 公共データ利用規約
(PDL 1.0) asks for the source and, for an edited work, that it was edited and not to present it as the
publisher's own; CC0 asks for nothing, so a courtesy line is written.
"""

from __future__ import annotations

from kyodo.shishin.edits import ChangeSummary
from kyodo.shishin.model import Licence, Metadata


def _source(upstream: Metadata) -> str:
    when = f"、{upstream.date:%Y年%-m月%-d日}" if upstream.date else ""
    return f"{upstream.publisher}『{upstream.title}』第{upstream.version}版{when}"


def describe_changes(changes: ChangeSummary) -> str:
    parts = []
    if changes.variables:
        parts.append("・".join(changes.variables) + "を記入")
    counts = [(changes.replaced, "文を変更"), (changes.added, "文を追加"), (changes.removed, "文を削除")]
    edited = "、".join(f"{n}{what}" for n, what in counts if n)
    if edited:
        parts.append(f"{len(changes.sections_changed)}節で{edited}" if changes.sections_changed else edited)
    if changes.annexes:
        parts.append("別紙を追加(" + "、".join(changes.annexes) + ")")
    return "、".join(parts) if parts else "変更なし"


def attribution(upstream: Metadata, changes: ChangeSummary | None = None, *, editor: str | None = None) -> str:
    """The attribution text for a document made from `upstream` by `editor` (None: upstream itself)."""
    source = _source(upstream)
    licence = upstream.licence
    if editor is None:
        return f"{source}。{licence.label}({licence.url})の下で提供されています。"
    change_text = describe_changes(changes) if changes else "変更なし"
    if licence == Licence.CC_BY_4:
        return (f"本書は、{source}(CC BY 4.0、{licence.url})を{editor}が加工して作成したものです。"
                f"主な変更点: {change_text}。")
    if licence == Licence.PDL_1:
        return (f"出典: {source}({licence.label}、{licence.url})。本書は{editor}が同書を加工して作成したものであり、"
                f"加工した部分の責任は{editor}にあります。主な変更点: {change_text}。")
    return f"本書は、{source}(CC0 1.0)をもとに{editor}が作成したものです。主な変更点: {change_text}。"
