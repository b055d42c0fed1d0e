"""Files the training pages hand out: completion certificates (PDF, IPAex font embedded), iCalendar per session,
the check-in QR code (SVG) and the per-municipality report (Excel). They only format rows the views give them."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from django.utils import timezone

from kyodo.web.kenshu.models import Nomination, TrainingSession

FONT_NAME = "IPAexGothic"


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from kyodo.hoiku.outputs.notices.fonts import japanese_font

    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(japanese_font("gothic"))))


def certificate_pdf(n: Nomination, skills: Sequence[str], issued: datetime) -> bytes:
    """修了証 for one completed nominee: name, organisation, course, date, hours, DSS skills, number."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    _register_font()
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), invariant=True)
    pdf.setTitle(f"修了証 {n.course.title}")
    pdf.setFont(FONT_NAME, 40)
    pdf.drawCentredString(width / 2, height - 120, "修 了 証")
    pdf.setFont(FONT_NAME, 22)
    pdf.drawCentredString(width / 2, height - 200, f"{n.organisation.name}  {n.staff_name} 殿")
    pdf.setFont(FONT_NAME, 15)
    session = n.session
    day = f"{timezone.localtime(session.starts_at):%Y年%m月%d日}" if session else ""
    lines = [
        f"あなたは {day} に実施された研修「{n.course.title}」({n.course.hours}時間)を修了したことを証します。",
        f"区分: {n.course.get_standard_display()}  レベル {n.course.level}",
        f"スキル: {'、'.join(skills) or '—'}",
    ]
    for i, line in enumerate(lines):
        pdf.drawCentredString(width / 2, height - 270 - 30 * i, line)
    pdf.setFont(FONT_NAME, 13)
    host = session.organisation.name if session else ""
    pdf.drawString(70, 90, f"{issued:%Y年%m月%d日}  主催: {host}  東京都・区市町村 研修の共同化")
    pdf.drawRightString(width - 70, 90, f"修了証番号 KS-{n.pk:06d}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def session_ics(session: TrainingSession, url: str) -> bytes:
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Kyodo//kenshu//JA")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", f"kenshu-session-{session.pk}@kyodo")
    event.add("summary", f"研修: {session.course.title}")
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("dtstamp", session.starts_at)  # stable: the file is the same each time it is downloaded
    event.add("location", session.venue or session.get_format_display())
    event.add("description", f"形式: {session.get_format_display()} / 主催: {session.organisation.name}\n{url}")
    cal.add_component(event)
    return bytes(cal.to_ical())


def checkin_qr_svg(url: str) -> str:
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=6, xmldecl=False)
    return buffer.getvalue().decode("utf-8")


def report_xlsx(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    import tempfile
    from pathlib import Path

    from kyodo.kenshu.report import write_sheets

    with tempfile.TemporaryDirectory(prefix="kyodo-kenshu-") as folder:
        path = Path(folder) / "report.xlsx"
        write_sheets(path, {"団体別": (header, rows)})
        return path.read_bytes()
