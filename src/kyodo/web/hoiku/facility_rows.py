"""Rows of the result pages' large tables, written as HTML in one pass: a facility page's two tables (placed,
waiting), the run page's cut-off table (one row per facility) and the not-admitted list (a hundred per page).

A facility of a large ward lists a hundred children or more, and a ward has a hundred facilities or more; rendering
each cell through the template engine was most of those pages' time. The cells are the templates' were, every value
escaped (as Django's `escape` does, with the standard library's function it calls, without its lazy-text wrapper).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from django.utils.safestring import SafeString, mark_safe

DASH = "—"


def escape(value: Any) -> str:
    """`django.utils.html.escape`'s text: & < > " ' escaped, always (a value marked safe too)."""
    return html.escape(str(value))


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


def _cutoff_cell(cell: Mapping[str, Any]) -> str:
    if not cell.get("label"):
        return '<td class="num"><span class="muted">·</span></td>'
    places = cell.get("places", cell.get("vacancies", ""))  # summaries stored before `places` had only 募集
    return (f'<td class="num">{escape(cell["label"])}<span class="muted">/{escape(cell["offered"])}/'
            f"{escape(places)}</span></td>")


def cutoff_rows(facilities: Sequence[Mapping[str, Any]], facility_base: str) -> SafeString:
    """The cut-off table's rows: each facility's link, its cells per age class (最低指数/内定数/枠数) and 内定."""
    out = []
    for f in facilities:
        fid = str(f["id"])
        cells = "".join(_cutoff_cell(a) for a in f["ages"])
        out.append(f'<tr><td><a href="{escape(facility_base)}{escape(quote(fid, safe=""))}/">{escape(f["name"])}</a> '
                   f'<span class="muted">{escape(fid)}</span></td>\n{cells}\n<td class="num">{escape(f["offered"])}'
                   f"</td></tr>")
    return mark_safe("".join(out))  # every value above is escaped


def _choice_text(choices: Sequence[Mapping[str, Any]]) -> str:
    return "、".join(f"{n}. {c['name']}({c['waitlist'] if c['waitlist'] is not None else '—'}位)"
                    for n, c in enumerate(choices, start=1))


def waitlist_rows(rows: Sequence[Any], child_base: str) -> SafeString:
    """The not-admitted list's rows: the child's link, name, age class, points and each choice with its 待機順位."""
    out = []
    for r in rows:
        cells = _child_cells({"child_id": r.child_id, "name": r.name}, child_base)
        out.append(f'<tr>{cells}<td>{escape(r.age_class)}歳</td><td class="num">{escape(r.points)}</td>\n'
                   f"<td>{escape(_choice_text(r.choices))}</td></tr>\n")
    return mark_safe("".join(out))  # every value above is escaped
