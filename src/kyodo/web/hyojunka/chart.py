"""Progress over time as an inline SVG (no script, no library): mean progress as a line, at-risk pairs as bars."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape

from kyodo.hyojunka import to_date
from kyodo.hyojunka.model import HistoryPoint

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 760, 260, 48, 48, 16, 36


def progress_svg(points: Sequence[HistoryPoint]) -> str:
    if not points:
        return ""
    n = len(points)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(n - 1, 1)
    risk_max = max(max(p.at_risk for p in points), 1)

    def x(i: int) -> float:
        return LEFT + i * step

    def y(percent: float) -> float:
        return TOP + plot_h * (1 - percent / 100)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="progress-chart" viewBox="0 0 {WIDTH} {HEIGHT}"'
             f' width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="平均進捗率と遅延リスクの推移">']
    for pct in (0, 25, 50, 75, 100):
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(pct):.1f}" y2="{y(pct):.1f}" stroke="#e3e6ea"/>'
                     f'<text x="{LEFT - 6}" y="{y(pct) + 4:.1f}" font-size="11" text-anchor="end">{pct}%</text>')
    bar_w = max(step * 0.5, 2)
    for i, p in enumerate(points):
        h = plot_h * 0.4 * p.at_risk / risk_max
        parts.append(f'<rect x="{x(i) - bar_w / 2:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}"'
                     f' fill="#f2b8a0"><title>{p.at_risk} 組</title></rect>')
    line = " ".join(f"{x(i):.1f},{y(p.progress):.1f}" for i, p in enumerate(points))
    parts.append(f'<polyline points="{line}" fill="none" stroke="#0b5cab" stroke-width="2.5"/>')
    for i, p in enumerate(points):
        d = to_date(p.day)
        parts.append(f'<circle cx="{x(i):.1f}" cy="{y(p.progress):.1f}" r="2.5" fill="#0b5cab">'
                     f"<title>{d.year}年{d.month}月 {p.progress}%</title></circle>")
        if i % 3 == 0 or i == n - 1:
            parts.append(f'<text x="{x(i):.1f}" y="{HEIGHT - 14}" font-size="11" text-anchor="middle">'
                         f"{escape(f'{d.year % 100}/{d.month}')}</text>")
    parts.append(f'<text x="{WIDTH - RIGHT + 6}" y="{TOP + plot_h:.1f}" font-size="11">リスク0</text>'
                 f'<text x="{WIDTH - RIGHT + 6}" y="{TOP + plot_h * 0.6 + 4:.1f}" font-size="11">{risk_max}</text>')
    parts.append("</svg>")
    return "".join(parts)
