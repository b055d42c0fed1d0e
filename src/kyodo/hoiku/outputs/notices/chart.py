"""The cut-off chart (PNG): per age class, each facility's lowest offered points as a dot,
with how many facilities had places left (空有) or offered none (―) under the axis."""

from __future__ import annotations

import io
from pathlib import Path

from kyodo.hoiku.explain.cutoffs import NONE_OFFERED, VACANT, WITHHELD
from kyodo.hoiku.model.instance import AGE_CLASSES
from kyodo.hoiku.outcome import Outcome
from kyodo.hoiku.outputs.notices.fonts import japanese_font
from kyodo.tables import write_all


def write_cutoff_chart(
    outcome: Outcome, path: Path, *, withhold_small: bool = False, title: str | None = None
) -> None:
    """The chart as a PNG file, written atomically. Raises FontNotFound without IPAex."""
    data = cutoff_chart_png(outcome, withhold_small=withhold_small, title=title)
    write_all({Path(path): lambda tmp: tmp.write_bytes(data)})


def cutoff_chart_png(outcome: Outcome, *, withhold_small: bool = False, title: str | None = None) -> bytes:
    """A PNG of the Outcome's cut-off table (`withhold_small`: 非公開 where 1-2 were offered)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    font_path = japanese_font("gothic")
    font_manager.fontManager.addfont(str(font_path))
    family = font_manager.FontProperties(fname=str(font_path)).get_name()

    points: dict[int, list[int]] = {age: [] for age in AGE_CLASSES}
    counts: dict[int, dict[str, int]] = {
        age: {VACANT: 0, NONE_OFFERED: 0, WITHHELD: 0} for age in AGE_CLASSES
    }
    for (_fid, age), cell in sorted(outcome.cutoffs.items()):
        label = cell.published(withhold_small=withhold_small)
        if label in counts[age]:
            counts[age][label] += 1
        elif cell.points is not None:
            points[age].append(cell.points)

    with plt.rc_context({"font.family": family, "axes.unicode_minus": False}):
        fig, ax = plt.subplots(figsize=(8, 4.8), dpi=120)
        for x, age in enumerate(AGE_CLASSES):
            values = sorted(points[age])
            if values:
                spread = [x + 0.3 * ((i % 7) - 3) / 7 for i in range(len(values))]
                ax.scatter(spread, values, s=14, alpha=0.7, color="#1f6fb2")
                ax.hlines(min(values), x - 0.35, x + 0.35, colors="#c0392b", linewidth=1.2)
        labels = []
        for age in AGE_CLASSES:
            c = counts[age]
            extra = f"\n空有 {c[VACANT]}・― {c[NONE_OFFERED]}"
            if withhold_small:
                extra += f"・非公開 {c[WITHHELD]}"
            labels.append(f"{age}歳児{extra}")
        ax.set_xticks(range(len(AGE_CLASSES)), labels, fontsize=8)
        ax.set_ylabel("内定した方の最低指数(施設ごと)")
        year = outcome.instance.fiscal_year
        ax.set_title(
            title or f"{year}年度 施設別・年齢別の最低指数(赤線: 年齢クラスで最も低い施設)", fontsize=10
        )
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()

        buffer = io.BytesIO()
        try:
            fig.savefig(buffer, format="png", metadata={"Software": None})
        finally:
            plt.close(fig)
    return buffer.getvalue()
