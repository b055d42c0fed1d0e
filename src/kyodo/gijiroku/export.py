"""Writing minutes out: Markdown and DOCX (python-docx), and the transcript as JSON.

Every file is written to a temporary file in the target folder and renamed into place, so a
failure (a full disk, a bad font setting, Ctrl-C) never leaves a half-written document.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from kyodo.gijiroku.errors import GijirokuError
from kyodo.gijiroku.minutes import Minutes
from kyodo.gijiroku.transcript import Transcript

FORMATS = ("docx", "md", "json")
IDEOGRAPHIC_SPACE = "\u3000"


def format_for(path: str | Path) -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    fmt = {"markdown": "md", "txt": "md"}.get(suffix, suffix)
    if fmt not in FORMATS:
        raise GijirokuError(f"出力ファイルの形式が分かりません(.docx・.md・.json に対応): {Path(path).name}")
    return fmt


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary sibling path of `path`; renamed over `path` only if the block succeeds."""
    target = Path(path)
    if not target.parent.exists():
        raise GijirokuError(f"出力先のフォルダーがありません: {target.parent}")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    # mkstemp creates the file private (0600); a document gets the usual permissions instead.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_output(path: str | Path, mode: str = "wb") -> Iterator[IO[Any]]:
    """Open a temporary sibling of `path`; rename it over `path` only if the block succeeds."""
    with atomic_path(path) as tmp:
        encoding = None if "b" in mode else "utf-8"
        with tmp.open(mode, encoding=encoding) as handle:
            yield handle


def to_markdown(minutes: Minutes) -> str:
    lines = [f"# {minutes.title}", ""]
    if minutes.style == "full":
        lines += [f"- 日時・場所: {minutes.date_place}", f"- 出席者: {'、'.join(minutes.attendees)}", ""]
        lines += [f"{minutes.opened} 開会", ""]
        for s in minutes.statements:
            lines += [f"○{s.label}{IDEOGRAPHIC_SPACE}{s.text}", ""]
        lines += [f"{minutes.closed} 閉会", ""]
        return "\n".join(lines)
    lines += [
        "## 名称",
        minutes.title,
        "",
        "## 日時・場所",
        f"{minutes.date_place}({minutes.opened}〜{minutes.closed})",
        "",
    ]
    lines += ["## 出席者", *(f"- {a}" for a in minutes.attendees), ""]
    lines += ["## 議題", *(f"- {a}" for a in minutes.agenda or ["(記載なし)"]), ""]
    lines += ["## 経過", *(f"- {p}" for p in minutes.progress), ""]
    lines += ["## 決定事項", *(f"- {d.text}({d.speaker})" for d in minutes.decisions or []), ""]
    if not minutes.decisions:
        lines.insert(-1, "- (なし)")
    lines += ["## 今後の対応"]
    for a in minutes.actions:
        extra = "".join(
            [f" 期限: {a.deadline}" if a.deadline else "", f" 担当: {a.owner}" if a.owner else ""]
        )
        lines.append(f"- {a.text}({a.speaker}){extra}")
    if not minutes.actions:
        lines.append("- (なし)")
    lines.append("")
    return "\n".join(lines)


def _set_japanese_font(document: Any, name: str = "MS 明朝") -> None:
    """East Asian text needs its own font attribute; Word otherwise falls back per character."""
    from docx.oxml.ns import qn

    style = document.styles["Normal"]
    style.font.name = name
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def to_docx(minutes: Minutes, handle: IO[bytes]) -> None:
    from docx import Document

    document = Document()
    _set_japanese_font(document)
    document.core_properties.title = minutes.title
    document.add_heading(minutes.title, level=1)
    if minutes.style == "full":
        document.add_paragraph(f"日時・場所: {minutes.date_place}")
        document.add_paragraph(f"出席者: {'、'.join(minutes.attendees)}")
        document.add_paragraph(f"{minutes.opened} 開会")
        for s in minutes.statements:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"○{s.label}").bold = True
            paragraph.add_run(IDEOGRAPHIC_SPACE + s.text)
        document.add_paragraph(f"{minutes.closed} 閉会")
    else:
        sections: list[tuple[str, list[str]]] = [
            ("名称", [minutes.title]),
            ("日時・場所", [f"{minutes.date_place}({minutes.opened}〜{minutes.closed})"]),
            ("出席者", minutes.attendees),
            ("議題", minutes.agenda or ["(記載なし)"]),
            ("経過", minutes.progress),
            ("決定事項", [f"{d.text}({d.speaker})" for d in minutes.decisions] or ["(なし)"]),
            (
                "今後の対応",
                [
                    f"{a.text}({a.speaker})"
                    + (f" 期限: {a.deadline}" if a.deadline else "")
                    + (f" 担当: {a.owner}" if a.owner else "")
                    for a in minutes.actions
                ]
                or ["(なし)"],
            ),
        ]
        for heading, items in sections:
            document.add_heading(heading, level=2)
            for item in items:
                document.add_paragraph(item, style="List Bullet" if len(items) > 1 else None)
    document.save(handle)


def write_minutes(minutes: Minutes, path: str | Path) -> Path:
    """Write minutes as DOCX or Markdown (chosen by the file's suffix)."""
    fmt = format_for(path)
    if fmt == "json":
        raise GijirokuError("議事録は .docx か .md で出力してください(.json は文字起こしの保存用です)")
    writers: dict[str, Callable[[IO[Any]], object]] = {
        "docx": lambda h: to_docx(minutes, h),
        "md": lambda h: h.write(to_markdown(minutes)),
    }
    with atomic_output(path, "wb" if fmt == "docx" else "w") as handle:
        writers[fmt](handle)
    return Path(path)


def write_transcript(transcript: Transcript, path: str | Path, extra: dict[str, Any] | None = None) -> Path:
    """The raw and cleaned transcript side by side, as JSON (what the web editor and review read)."""
    data = transcript.to_dict() | (extra or {})
    with atomic_output(path, "w") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=1)
    return Path(path)


def read_transcript(path: str | Path) -> Transcript:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return Transcript.from_dict(data)
    except FileNotFoundError as exc:
        raise GijirokuError(f"文字起こしファイルが見つかりません: {path}") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise GijirokuError(f"文字起こしファイルの形式が違います: {path}") from exc
