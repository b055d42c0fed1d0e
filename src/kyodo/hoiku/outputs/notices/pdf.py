"""PDF notices (one page or more per child, one batch file) and appeal sheets, with reportlab.

The text comes from `kyodo.hoiku.explain.reasons`: the result, the points item by item with the rule's
citation (the ward's own document and section, never a web address or a staff note), and for each choice
above the result its cut-off and what decided it. Fonts are embedded (reportlab subsets the TrueType font
into the file), so the PDF needs nothing installed to print.

Every page carries the stamps: 「試行・未確定」 when the run used a rules value not 確認済み (from the
Outcome), and any `stamp` the caller adds (e.g. 「案」 for a run not yet 確定). Letter details (文書番号,
発行日, 区長名 with 公印省略, the contact) come from `LetterSettings`.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kyodo.hoiku.explain.reasons import REASON_LABELS, Explanation
from kyodo.hoiku.model.result import Result, Status
from kyodo.hoiku.outcome import Outcome
from kyodo.hoiku.outputs.notices.fonts import japanese_font
from kyodo.hoiku.outputs.notices.letter import LetterSettings, japanese_date
from kyodo.hoiku.rules.loader import TRIAL_STAMP
from kyodo.tables import write_all

FONT = "IPAexGothic"
TITLES = {status: f"保育所等利用調整結果のお知らせ({status.label})" for status in Status}
# The standard instruction on appeals (行政不服審査法・行政事件訴訟法); wards replace the body name.
APPEAL_NOTE = (
    "この決定に不服がある場合は、この決定があったことを知った日の翌日から起算して3か月以内に、"
    "{body}に対して審査請求をすることができます。また、この決定の取消しの訴えは、この決定があったことを"
    "知った日の翌日から起算して6か月以内に提起することができます。"
)
TRIAL_NOTE = "この書類は確認中の基準の値を使った試行の結果で、正式な決定ではありません。"


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = japanese_font("gothic")  # checked every time: a clear error beats reportlab's fallback
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(path)))


def _styles() -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=14, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=15, leading=22, alignment=1, spaceAfter=8),
        "head": ParagraphStyle("head", parent=base, fontSize=11, leading=16, spaceBefore=8, spaceAfter=3),
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=11),
        "right": ParagraphStyle("right", parent=base, alignment=2),
    }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(rows: list[list[Any]], widths: list[float]) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


@dataclass(frozen=True)
class _Letter:
    """What every page of one batch shares: the round, the municipality, the letter details, the stamps."""

    result: Result
    municipality: str
    styles: dict[str, Any]
    settings: LetterSettings | None
    stamps: tuple[str, ...]


def _letter_head(c: _Letter, child_id: str) -> list[Any]:
    """文書番号 and 発行日 on the right, the addressee on the left, the sender on the right."""
    from reportlab.platypus import Paragraph

    child = c.result.instance.children[child_id]
    right = c.styles["right"]
    story: list[Any] = []
    if c.settings is not None:
        story.append(Paragraph(_escape(c.settings.document_number), right))
        story.append(Paragraph(_escape(japanese_date(c.settings.issue_date)), right))
    addressee = f"{child.guardian_name} 様" if child.guardian_name else "保護者 様"
    story.append(Paragraph(_escape(addressee), c.styles["head"]))
    if c.settings is not None:
        story.append(Paragraph(_escape(c.settings.sender(c.municipality or "区市町村")), right))
    if TRIAL_STAMP in c.stamps:
        story.append(Paragraph(_escape(TRIAL_NOTE), c.styles["small"]))
    return story


def _contact(c: _Letter) -> list[Any]:
    from reportlab.platypus import Paragraph

    if c.settings is None:
        return []
    return [Paragraph(_escape(f"お問い合わせ先: {c.settings.contact}"), c.styles["body"])]


def _child_header(result: Result, e: Explanation, municipality: str) -> list[list[str]]:
    child = result.instance.children[e.child_id]
    year = result.instance.fiscal_year or (result.run.fiscal_year if result.run else None)
    rows = [
        ["自治体", municipality or "(自治体名)"],
        ["年度", f"{year}年度" if year else ""],
        ["児童番号", e.child_id],
        ["世帯番号", child.household_id],
        ["年齢クラス", f"{child.age_class}歳児"],
    ]
    if child.name:
        rows.insert(2, ["児童氏名", child.name])
    if child.current_facility:
        current = result.instance.facilities.get(child.current_facility)
        rows.append(
            ["在園施設", f"{current.name}({child.current_facility})" if current else child.current_facility]
        )
    return rows


def _points_rows(e: Explanation, styles: dict[str, Any]) -> list[list[Any]]:
    from reportlab.platypus import Paragraph

    rows: list[list[Any]] = [["項目", "点数", "根拠"]]
    for p in e.points:
        label = p.label + (f"({p.facility_id}のみ)" if p.facility_id else "")
        ref = p.citation or ""  # the ward's document and section only: never `reference` (staff's source)
        rows.append(
            [
                Paragraph(_escape(label), styles["small"]),
                f"{p.points:+d}",
                Paragraph(_escape(ref), styles["small"]),
            ]
        )
    rows.append(["合計", "" if e.total is None else f"{e.total}", ""])
    return rows


def _notice_story(letter: _Letter, e: Explanation) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    result, municipality, styles = letter.result, letter.municipality, letter.styles
    story: list[Any] = [*_letter_head(letter, e.child_id), Paragraph(TITLES[e.status], styles["title"])]
    story.append(_table(_child_header(result, e, municipality), [30 * mm, 140 * mm]))
    story += [
        Spacer(1, 4 * mm),
        Paragraph("結果", styles["head"]),
        Paragraph(_escape(e.summary), styles["body"]),
    ]
    story += [
        Paragraph("指数の内訳", styles["head"]),
        _table(_points_rows(e, styles), [70 * mm, 16 * mm, 84 * mm]),
    ]
    if e.choices:
        story.append(Paragraph("希望施設ごとの状況", styles["head"]))
        story += [Paragraph(_escape(c.text), styles["body"]) for c in e.choices]
    body = f"{municipality}長" if municipality else "区市町村長"
    story += [Spacer(1, 5 * mm), Paragraph(_escape(APPEAL_NOTE.format(body=body)), styles["small"])]
    return story + _contact(letter)


def _appeal_story(letter: _Letter, e: Explanation) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    result, municipality, styles = letter.result, letter.municipality, letter.styles
    story: list[Any] = [Paragraph("利用調整結果の確認・申立て用シート", styles["title"])]
    if TRIAL_STAMP in letter.stamps:
        story.append(Paragraph(_escape(TRIAL_NOTE), styles["small"]))
    story.append(_table(_child_header(result, e, municipality), [30 * mm, 140 * mm]))
    story += [Spacer(1, 3 * mm), Paragraph(f"結果: {e.status_label}", styles["head"])]
    rows: list[list[Any]] = [["項目", "点数", "申立人の確認(誤りがあれば記入)"]]
    for p in e.points:
        label = p.label + (f"({p.facility_id}のみ)" if p.facility_id else "")
        rows.append([Paragraph(_escape(label), styles["small"]), f"{p.points:+d}", ""])
    rows.append(["合計", "" if e.total is None else f"{e.total}", ""])
    story += [Paragraph("指数の内訳の確認", styles["head"]), _table(rows, [80 * mm, 16 * mm, 74 * mm])]
    if e.choices:
        reasons: list[list[Any]] = [["希望", "施設", "理由の区分", "最低指数", "あなたの指数", "待機順位"]]
        for c in e.choices:
            cutoff = c.cutoff.label if c.cutoff is not None else ""
            reasons.append(
                [
                    f"第{c.choice}",
                    Paragraph(_escape(c.facility_name), styles["small"]),
                    Paragraph(_escape(c.criterion or REASON_LABELS.get(c.kind, c.kind)), styles["small"]),
                    cutoff,
                    "" if c.points is None else str(c.points),
                    "" if c.waitlist is None else f"{c.waitlist}位",
                ]
            )
        story += [
            Paragraph("希望施設ごとの判断の確認", styles["head"]),
            _table(reasons, [12 * mm, 52 * mm, 50 * mm, 18 * mm, 20 * mm, 18 * mm]),
        ]
    blanks = [
        ["申立人氏名", ""],
        ["連絡先", ""],
        ["申立ての趣旨", ""],
        ["申立ての理由", "\n\n\n\n"],
        ["受付日・受付者", ""],
    ]
    story += [Paragraph("申立人記入欄", styles["head"]), _table(blanks, [30 * mm, 140 * mm])]
    return story + _contact(letter)


def _stamper(stamps: tuple[str, ...]) -> Callable[[Any, Any], None]:
    """Draws the stamps in a box at the top right of every page."""

    def draw(canvas: Any, doc: Any) -> None:
        if not stamps:
            return
        from reportlab.lib import colors
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import mm

        text = "　".join(stamps)
        width = canvas.stringWidth(text, FONT, 11) + 6 * mm
        x, y = A4[0] - 20 * mm - width, A4[1] - 13 * mm
        canvas.saveState()
        canvas.setStrokeColor(colors.HexColor("#b00020"))
        canvas.setFillColor(colors.HexColor("#b00020"))
        canvas.rect(x, y - 2 * mm, width, 7 * mm, stroke=1, fill=0)
        canvas.setFont(FONT, 11)
        canvas.drawString(x + 3 * mm, y, text)
        canvas.restoreState()

    return draw


def _build(
    target: Path | io.BytesIO, stories: Iterable[list[Any]], title: str, stamps: tuple[str, ...] = ()
) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, SimpleDocTemplate

    _register_font()
    flow: list[Any] = []
    for story in stories:
        if flow:
            flow.append(PageBreak())
        flow += story
    doc = SimpleDocTemplate(
        target if isinstance(target, io.BytesIO) else str(target),
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{title}({' '.join(stamps)})" if stamps else title,
        author="Kyodo",
        invariant=1,
    )
    stamp = _stamper(stamps)
    doc.build(flow, onFirstPage=stamp, onLaterPages=stamp)


Story = Callable[[_Letter, Explanation], list[Any]]
NOTICE_TITLE = "保育所等利用調整結果のお知らせ"
APPEAL_TITLE = "利用調整結果の確認・申立て用シート"


def write_notices(
    outcome: Outcome,
    path: Path,
    *,
    child_ids: Iterable[str] | None = None,
    letter: LetterSettings | None = None,
    stamp: str | None = None,
) -> int:
    """One batch PDF: a notice per child (input order, or `child_ids`). Returns the number of notices.

    `letter`: 文書番号, 発行日, 区長名, contact; `stamp`: text printed on every page besides 「試行・未確定」,
    which a trial run (outcome.trial) always gets."""
    return _write_batch(outcome, path, child_ids, _notice_story, NOTICE_TITLE, letter, stamp)


def write_appeal_sheets(
    outcome: Outcome,
    path: Path,
    *,
    child_ids: Iterable[str] | None = None,
    letter: LetterSettings | None = None,
    stamp: str | None = None,
) -> int:
    """One batch PDF: an appeal sheet per applicant (points and reasons to check, fields to fill in)."""
    return _write_batch(outcome, path, child_ids, _appeal_story, APPEAL_TITLE, letter, stamp)


def notices_bytes(
    outcome: Outcome,
    *,
    child_ids: Iterable[str] | None = None,
    letter: LetterSettings | None = None,
    stamp: str | None = None,
) -> bytes:
    return _batch_bytes(outcome, child_ids, _notice_story, NOTICE_TITLE, letter, stamp)


def appeal_sheets_bytes(
    outcome: Outcome,
    *,
    child_ids: Iterable[str] | None = None,
    letter: LetterSettings | None = None,
    stamp: str | None = None,
) -> bytes:
    return _batch_bytes(outcome, child_ids, _appeal_story, APPEAL_TITLE, letter, stamp)


def stamps_of(outcome: Outcome, stamp: str | None = None) -> tuple[str, ...]:
    """The texts printed on every page: the caller's stamp (e.g. 「案」) and the trial's 「試行・未確定」."""
    found = [s for s in (stamp, outcome.trial.stamp if outcome.trial else None) if s]
    return tuple(dict.fromkeys(found))


def _write_batch(
    outcome: Outcome,
    path: Path,
    child_ids: Iterable[str] | None,
    story: Story,
    title: str,
    letter: LetterSettings | None,
    stamp: str | None,
) -> int:
    ids = list(child_ids) if child_ids is not None else list(outcome.instance.children)
    write_all({Path(path): lambda tmp: _render(outcome, tmp, ids, story, title, letter, stamp)})
    return len(ids)


def _batch_bytes(
    outcome: Outcome,
    child_ids: Iterable[str] | None,
    story: Story,
    title: str,
    letter: LetterSettings | None,
    stamp: str | None,
) -> bytes:
    ids = list(child_ids) if child_ids is not None else list(outcome.instance.children)
    buffer = io.BytesIO()
    _render(outcome, buffer, ids, story, title, letter, stamp)
    return buffer.getvalue()


def _render(
    outcome: Outcome,
    target: Path | io.BytesIO,
    ids: list[str],
    story: Story,
    title: str,
    letter: LetterSettings | None,
    stamp: str | None,
) -> None:
    """A page (or a few) per child, from the Outcome's explanations and the municipality of its rules."""
    town = outcome.rules.municipality if outcome.rules is not None else ""
    stamps = stamps_of(outcome, stamp)
    context = _Letter(outcome.result, town, _styles_once(), letter, stamps)
    _build(target, (story(context, outcome.explanations[c]) for c in ids), title, stamps)


def _styles_once() -> dict[str, Any]:
    _register_font()
    return _styles()
