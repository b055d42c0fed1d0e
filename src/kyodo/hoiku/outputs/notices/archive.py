"""Notices as a ZIP: one PDF per facility (the children placed there) plus one for 保留, or one PDF per child.

    data = notices_zip(outcome, by="facility")                   # 0001_江東第一保育園.pdf, …, 保留.pdf
    data = notices_zip(outcome, by="child", stamp="案")           # 0001_江東第一保育園/C001.pdf, …

The PDFs are the batch writer's (`notices_bytes` with `child_ids`), so a child's notice reads the same in the
batch file, in its facility's file and on its own. File names keep Japanese (UTF-8 names in the ZIP) and lose
only what a file system refuses (/ \\ : * ? " < > | and control characters).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from kyodo.hoiku.outcome import Outcome
from kyodo.hoiku.outputs.notices.letter import LetterSettings
from kyodo.hoiku.outputs.notices.pdf import notices_bytes

GROUPINGS = ("facility", "child")
WAITLISTED_FILE = "保留"
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


@dataclass(frozen=True, slots=True)
class Part:
    """One PDF of the archive: its name inside the ZIP and the children it holds, in input order."""

    name: str
    child_ids: tuple[str, ...]


def safe_file_name(text: str, limit: int = 80) -> str:
    """`text` as a file name on Windows, macOS and Linux: Japanese kept, reserved characters dropped."""
    cleaned = _UNSAFE.sub("", text).strip().strip(".") or "_"
    return cleaned[:limit]


def facility_file_stem(outcome: Outcome, facility_id: str) -> str:
    """Facility number and name, e.g. 「0001_江東第一保育園」."""
    facility = outcome.instance.facilities.get(facility_id)
    name = facility.name if facility is not None and facility.name else ""
    return safe_file_name(f"{facility_id}_{name}" if name else facility_id)


def parts(outcome: Outcome, by: str) -> list[Part]:
    """The archive's PDFs: per facility (facility order, then 保留) or per child (in its facility's folder)."""
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping: {by!r} (one of {', '.join(GROUPINGS)})")
    placed: dict[str, list[str]] = {fid: [] for fid in sorted(outcome.instance.facilities)}
    waiting: list[str] = []
    for child_id in outcome.instance.children:
        facility_id = outcome.assignment.get(child_id)
        if facility_id is None:
            waiting.append(child_id)
        else:
            placed.setdefault(facility_id, []).append(child_id)
    groups = [(facility_file_stem(outcome, fid), ids) for fid, ids in placed.items() if ids]
    if waiting:
        groups.append((WAITLISTED_FILE, waiting))
    if by == "facility":
        return [Part(f"{stem}.pdf", tuple(ids)) for stem, ids in groups]
    return [Part(f"{stem}/{safe_file_name(cid)}.pdf", (cid,)) for stem, ids in groups for cid in ids]


def notices_zip(
    outcome: Outcome,
    *,
    by: str = "facility",
    stamp: str | None = None,
    letter: LetterSettings | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """The ZIP's bytes. `stamp` (e.g. 「案」 for a run not yet confirmed) goes in front of every file name and is
    printed on every page; `letter` is the organisation's letter details; `progress(done, total)` is called after
    each PDF."""
    items = parts(outcome, by)
    prefix = f"{safe_file_name(stamp)}_" if stamp else ""
    buffer = io.BytesIO()
    # PDFs are already compressed: deflating them again saves 4-14% (measured), not worth the time.
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for done, part in enumerate(items, start=1):
            head, _, tail = part.name.rpartition("/")
            name = f"{head}/{prefix}{tail}" if head else f"{prefix}{tail}"
            archive.writestr(_entry(name), _pdf(outcome, part, stamp, letter))
            if progress is not None:
                progress(done, len(items))
    return buffer.getvalue()


def _pdf(outcome: Outcome, part: Part, stamp: str | None, letter: LetterSettings | None) -> bytes:
    return notices_bytes(outcome, child_ids=part.child_ids, stamp=stamp, letter=letter)


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))  # fixed: the same run gives the same ZIP
    info.compress_type = zipfile.ZIP_STORED
    return info
