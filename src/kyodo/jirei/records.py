"""A case record (事例) as plain data, and what of it the search indexes.

The web app stores the same fields in `kyodo.web.jirei.models.Case` and indexes them through `index_texts`, so a case
is found the same way in a file, in a test corpus and in the database.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from kyodo.jirei.text import token_string
from kyodo.jirei.vocab import Status


@dataclass(frozen=True, slots=True)
class CaseRecord:
    case_id: str  # 事例ID ("" for a new case not yet numbered)
    organisation: str  # 団体 (name as in kyodo.municipalities, or 東京都)
    title: str
    field: str  # 分野 (vocabulary.fields)
    status: Status
    summary: str  # 概要
    technologies: tuple[str, ...] = ()  # 技術 (vocabulary.technologies)
    effects: str = ""  # 効果 (text)
    lessons: str = ""  # 教訓
    went_well: str = ""  # うまくいったこと
    went_badly: str = ""  # うまくいかなかったこと
    start_year: int | None = None  # 開始年度 (西暦)
    end_year: int | None = None  # 終了年度
    hours_saved_per_year: int | None = None  # 年間削減時間
    cost_yen: int | None = None  # 費用(円)
    vendor: str = ""  # 事業者・製品
    spec_shareable: bool = False  # 仕様書の共有(可)
    contact: str = ""  # 連絡先 (signed-in municipal staff only)
    published: bool = False  # 公開 (else a draft of its organisation)
    extra: dict[str, str] = dataclasses.field(default_factory=dict)  # other columns, kept as read
    row: int = dataclasses.field(default=0, compare=False)  # the spreadsheet row it was read from (0: not read)

    @property
    def failed(self) -> bool:
        return self.status in (Status.NOT_ADOPTED, Status.STOPPED)


def body_parts(*, summary: str, effects: str, lessons: str, went_well: str, went_badly: str, field: str,
               technologies: tuple[str, ...] | list[str], organisation: str, vendor: str) -> tuple[str, ...]:
    """Everything but the title that a search should find a case by (the contact is left out on purpose)."""
    return (field, " ".join(technologies), organisation, summary, effects, lessons, went_well, went_badly, vendor)


def body_text(**parts: Any) -> str:
    return "\n".join(body_parts(**parts))


def index_texts(record: CaseRecord) -> tuple[str, str]:
    """(title tokens, body tokens) as stored beside the case; each part on its own (a word never spans two)."""
    parts = body_parts(
        summary=record.summary, effects=record.effects, lessons=record.lessons, went_well=record.went_well,
        went_badly=record.went_badly, field=record.field, technologies=record.technologies,
        organisation=record.organisation, vendor=record.vendor,
    )
    return token_string(record.title), " ".join(t for t in (token_string(p) for p in parts if p) if t)
