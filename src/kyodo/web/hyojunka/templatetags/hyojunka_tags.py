"""Template filters of standardisation: the engine's days as dates, yen, signed percents."""

from __future__ import annotations

from django import template

from kyodo.hyojunka import to_date

register = template.Library()


@register.filter
def day(value: int | None) -> str:
    """An engine day (ordinal) as 2026年3月31日; — for none."""
    if value is None:
        return "—"
    d = to_date(value)
    return f"{d.year}年{d.month}月{d.day}日"


@register.filter
def yen(value: int | None) -> str:
    return "—" if value is None else f"{value:,}円"


@register.filter
def signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.1f}%"
