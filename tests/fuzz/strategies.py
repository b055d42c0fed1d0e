"""Inputs for the fuzz tests: random bytes, and good files broken in the ways users and attackers break them."""

from __future__ import annotations

import csv
import io

from hypothesis import strategies as st

NASTY_CELLS = st.one_of(
    st.text(max_size=30),
    st.sampled_from([
        "", " ", "\x00", "\x01", "\x1b[31m", "\u2028", "\ufeff", "\ud7ff", '"', '""', "'", "=1+2", "+C2", "@SUM(A1)",
        "-", "―", "9" * 5000, "1" + "0" * 30, "1e30", "-1", "1.5", "inf", "nan", "NaN", "0x10", "１２", "/", "..",
        "a/b", "C1", "F01", "H1", "F02", "2024-06-01", "2024-02-30", "R6.5.1", "令和元年5月1日", "○", "×", "就労",
        "\r\n", "\n", "\t", "9999-12-31", "0000-01-01", "12万円", "3・4歳:10", "1-2歳:99999", "x" * 3000,
    ]),
)


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _join(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


@st.composite
def edited_csv(draw: st.DrawFn, good: str) -> bytes:
    """A good CSV with a few cells replaced, rows dropped or duplicated, and maybe re-encoded or cut short."""
    rows = _cells(good)
    for _ in range(draw(st.integers(1, 4))):
        r = draw(st.integers(0, len(rows) - 1))
        if rows[r]:
            c = draw(st.integers(0, len(rows[r]) - 1))
            rows[r][c] = draw(NASTY_CELLS)
    if draw(st.booleans()) and len(rows) > 2:
        rows.insert(draw(st.integers(1, len(rows) - 1)), list(rows[draw(st.integers(1, len(rows) - 1))]))
    text = _join(rows)
    data = text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "cp932"])), errors="replace")
    if draw(st.integers(0, 4)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    if draw(st.integers(0, 4)) == 0:
        data = _flip(data, draw(st.integers(0, max(len(data) - 1, 0))), draw(st.integers(0, 255)))
    return data


def _flip(data: bytes, at: int, value: int) -> bytes:
    return data[:at] + bytes([value]) + data[at + 1 :] if data else bytes([value])


@st.composite
def mutated_bytes(draw: st.DrawFn, good: bytes) -> bytes:
    """A good binary file (an .xlsx) with bytes flipped, cut, or a stretch zeroed."""
    data = good
    for _ in range(draw(st.integers(1, 6))):
        data = _flip(data, draw(st.integers(0, len(data) - 1)), draw(st.integers(0, 255)))
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return data


def inputs(good_csv: str, good_xlsx: bytes | None = None) -> st.SearchStrategy[bytes]:
    options = [st.just(good_csv.encode()), st.binary(max_size=2000), edited_csv(good_csv)]
    if good_xlsx is not None:
        options.append(mutated_bytes(good_xlsx))
    return st.one_of(options)
