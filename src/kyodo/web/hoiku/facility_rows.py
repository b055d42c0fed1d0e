"""The rows of a facility page's two tables (placed, waiting), written as HTML in one pass.

A facility of a large ward lists a hundred children or more; rendering each cell through the template engine was
most of the page's time. The cells are the template's were, every value escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

DASH = "—"


def _child_cells(r: Mapping[str, Any], child_base: str) -> str:
    cid = str(r["child_id"])
    return (f'<td><a href="{escape(child_base)}{escape(quote(cid, safe=""))}/">{escape(cid)}</a></td>'
            f"<td>{escape(r['name'] or '')}</td>")


def _or_dash(value: Any) -> str:
    return DASH if value is None else escape(value)


def placed_rows(rows: Sequence[Mapping[str, Any]], child_base: str, preview_url: str) -> SafeString:
    out = []
    for r in rows:
        wish = f"第{r['wish']}希望" if r["wish"] else "希望外(職員判断)"
        if r["stays"]:
            action = "在園継続"
        else:
            href = f"{preview_url}?kind=withdraw&child_id={quote(str(r['child_id']), safe='')}"
            action = f'<a href="{escape(href)}">辞退を記録して繰り上げ</a>'
        out.append(f'<tr><td class="num">{_or_dash(r["rank"])}</td>{_child_cells(r, child_base)}'
                   f'<td class="num">{escape(r["points"])}</td><td class="num">{wish}</td>'
                   f"<td>{escape(r['decided_by'] or '')}</td><td>{action}</td></tr>")
    return mark_safe("\n".join(out))  # every value above is escaped


def _result(r: Mapping[str, Any]) -> str:
    if r["choice_number"]:
        return f"第{r['choice_number']}希望に内定"
    return {"stays": "在園継続", "waitlisted": "保留"}.get(r["status"], "他施設に内定")


def waiting_rows(rows: Sequence[Mapping[str, Any]], child_base: str) -> SafeString:
    out = [
        f'<tr><td class="num">{_or_dash(r["waitlist"])}</td>{_child_cells(r, child_base)}'
        f'<td class="num">{escape(r["points"])}</td><td class="num">第{escape(r["wish"])}希望</td>'
        f"<td>{_result(r)}</td><td>{escape(r['decided_by'] or '')}</td></tr>"
        for r in rows
    ]
    return mark_safe("\n".join(out))  # every value above is escaped
