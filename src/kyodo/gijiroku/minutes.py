"""Minutes from a cleaned transcript: the full record (会議録) and the summary record (要点筆記).

Decisions and action items are found by rules in `data/minutes_rules.yaml` (phrases such as
決定/承認/とする, 期限「〜までに」, 担当), so that staff can see why a sentence was picked and add
their own phrases. Every found item keeps the time it was said, for checking against the audio.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from kyodo.gijiroku.errors import RuleFileError
from kyodo.gijiroku.transcript import Transcript, Utterance

MINUTES_RULES = Path(__file__).parent / "data" / "minutes_rules.yaml"
STYLES = ("full", "summary")


@dataclass(frozen=True, slots=True)
class SpeakerName:
    """How a speaker appears in the minutes: role (議長, 委員, 子ども未来部長…) and personal name.

    `official`: an executive or staff member (理事者・職員), whom the minutes name by their title (職名) alone.
    """

    role: str = ""
    name: str = ""
    official: bool = False

    def label(self, index: int) -> str:
        """The assembly-style label without the leading ○: 議長(山田太郎君), 子ども未来部長, 山田太郎君, 発言者1."""
        if self.official and self.role:
            return self.role
        if self.role and self.name:
            return f"{self.role}({self.name}君)"
        if self.name:
            return f"{self.name}君"
        return self.role or f"発言者{index + 1}"


# Council members' roles: named with 君 after their role. Any other role is a title (職名) of an official.
MEMBER_ROLES = ("議長", "副議長", "委員長", "副委員長", "委員", "議員", "会長", "副会長", "座長")


def speaker_name(role: str, name: str, member_roles: Sequence[str] = MEMBER_ROLES) -> SpeakerName:
    """A member (議長:山田太郎 → 議長(山田太郎君)) or an official (子ども未来部長:佐藤花子 → 子ども未来部長)."""
    role, name = role.strip(), name.strip()
    return SpeakerName(role, name, official=bool(role) and bool(name) and role not in member_roles)


def parse_speaker_names(text: str, member_roles: Sequence[str] | None = None) -> list[SpeakerName]:
    """'議長:山田太郎,委員:佐藤花子,事務局' → names in speaker order (order of first speaking).

    With `member_roles`, roles outside it are officials' titles (speaker_name).
    """
    names = []
    for part in (p.strip() for p in re.split(r"[,、,\n]", text) if p.strip()):
        role, sep, name = part.replace("\uff1a", ":").partition(":")
        if not sep:
            names.append(SpeakerName(role=part))
        elif member_roles is None:
            names.append(SpeakerName(role.strip(), name.strip()))
        else:
            names.append(speaker_name(role, name, member_roles))
    return names


@dataclass(frozen=True, slots=True)
class MeetingInfo:
    """What the recording cannot tell: the meeting's name, when and where, who is who."""

    title: str = "会議"
    started_at: datetime | None = None  # clock time at the start of the recording
    place: str = ""
    speakers: tuple[SpeakerName, ...] = ()
    agenda: tuple[str, ...] = ()

    def speaker_label(self, index: int) -> str:
        name = self.speakers[index] if index < len(self.speakers) else SpeakerName()
        return name.label(index)


@dataclass(frozen=True, slots=True)
class Decision:
    text: str
    speaker: str
    at: float


@dataclass(frozen=True, slots=True)
class ActionItem:
    text: str
    speaker: str
    at: float
    deadline: str = ""
    owner: str = ""


@dataclass(frozen=True, slots=True)
class Statement:
    """One paragraph of the full record: ○label and the cleaned words."""

    label: str
    text: str
    start: float
    end: float


@dataclass(slots=True)
class Minutes:
    style: str
    title: str
    date_place: str
    opened: str
    closed: str
    attendees: list[str]
    agenda: list[str]
    statements: list[Statement]
    progress: list[str] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    actions: list[ActionItem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class MinutesRules:
    decision_phrases: tuple[str, ...]
    decision_exclude: tuple[str, ...]
    action_phrases: tuple[str, ...]
    action_exclude: tuple[str, ...]
    deadline: re.Pattern[str]
    owners: tuple[re.Pattern[str], ...]
    agenda: tuple[re.Pattern[str], ...]


def load_minutes_rules(path: str | Path = MINUTES_RULES) -> MinutesRules:
    path = Path(path)
    try:
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))

        def words(key: str) -> tuple[str, ...]:
            return tuple(str(x) for x in data.get(key, []))

        return MinutesRules(
            decision_phrases=words("decision_phrases"),
            decision_exclude=words("decision_exclude"),
            action_phrases=words("action_phrases"),
            action_exclude=words("action_exclude"),
            deadline=re.compile(str(data["deadline_regex"])),
            owners=tuple(re.compile(str(r)) for r in data.get("owner_regexes", [])),
            agenda=tuple(re.compile(str(r)) for r in data.get("agenda_regexes", [])),
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError, re.error) as exc:
        raise RuleFileError(f"会議録のルールファイルを読み込めません: {path}({exc})") from exc


@functools.lru_cache(maxsize=1)
def default_minutes_rules() -> MinutesRules:
    return load_minutes_rules(MINUTES_RULES)


def sentences(text: str) -> list[str]:
    """Split at 。?! keeping the mark; a trailing piece without one is a sentence too."""
    return [s.strip() for s in re.findall(r"[^。?!?!]+[。?!?!]*", text) if s.strip("、 ")]


def _has(sentence: str, phrases: Sequence[str]) -> bool:
    return any(p in sentence for p in phrases)


def find_decisions(utterances: Sequence[Utterance], info: MeetingInfo, rules: MinutesRules) -> list[Decision]:
    found = []
    for u in utterances:
        for s in sentences(u.text):
            if _has(s, rules.decision_phrases) and not _has(s, rules.decision_exclude):
                found.append(Decision(s, info.speaker_label(u.speaker), u.start))
    return found


def find_actions(utterances: Sequence[Utterance], info: MeetingInfo, rules: MinutesRules) -> list[ActionItem]:
    found = []
    for u in utterances:
        for s in sentences(u.text):
            if not _has(s, rules.action_phrases) or _has(s, rules.action_exclude):
                continue
            deadline = m.group(1).strip() if (m := rules.deadline.search(s)) else ""
            owner = ""
            for pattern in rules.owners:
                if hit := pattern.search(s):
                    owner = hit.group(1).strip()
                    break
            found.append(ActionItem(s, info.speaker_label(u.speaker), u.start, deadline, owner))
    return found


def find_agenda(utterances: Sequence[Utterance], rules: MinutesRules) -> list[str]:
    items: list[str] = []
    for u in utterances:
        for pattern in rules.agenda:
            for hit in pattern.finditer(u.text):
                item = hit.group(1).strip("、 ")
                # Two patterns often catch the same item ("日程第一、X" and "X"): keep the first.
                if item and not any(item in known for known in items):
                    items.append(item)
    return items


def clock(info: MeetingInfo, offset: float) -> str:
    """'午前10時05分' from the meeting's start time, or '録音開始から5分03秒' without one."""
    if info.started_at is None:
        whole = int(offset)
        return f"録音開始から{whole // 60}分{whole % 60:02d}秒"
    moment = info.started_at + timedelta(seconds=offset)
    half = "午前" if moment.hour < 12 else "午後"
    hour = moment.hour if moment.hour <= 12 else moment.hour - 12
    return f"{half}{hour}時{moment.minute:02d}分"


def _date_place(info: MeetingInfo) -> str:
    parts = []
    if info.started_at is not None:
        d = info.started_at
        parts.append(f"{d.year}年{d.month}月{d.day}日({'月火水木金土日'[d.weekday()]})")
    if info.place:
        parts.append(info.place)
    return " ".join(parts) or "(未記入)"


def build_minutes(
    transcript: Transcript,
    info: MeetingInfo | None = None,
    style: str = "full",
    rules: MinutesRules | None = None,
) -> Minutes:
    """Assemble minutes in the given style ('full' or 'summary') from a cleaned transcript."""
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; expected one of {STYLES}")
    info = info or MeetingInfo()
    rules = rules or default_minutes_rules()
    spoken = [u for u in transcript.utterances if u.text]
    statements: list[Statement] = []
    for u in spoken:
        label = info.speaker_label(u.speaker)
        if statements and statements[-1].label == label:
            # Back-channels removed in cleaning leave one speaker's words split; join them again.
            last = statements[-1]
            statements[-1] = Statement(label, last.text + u.text, last.start, u.end)
        else:
            statements.append(Statement(label, u.text, u.start, u.end))
    speaking_order = list(dict.fromkeys(u.speaker for u in spoken))
    attendees = [info.speaker_label(i) for i in sorted(speaking_order)]
    first_at = spoken[0].start if spoken else 0.0
    last_at = spoken[-1].end if spoken else 0.0
    minutes = Minutes(
        style=style,
        title=info.title,
        date_place=_date_place(info),
        opened=clock(info, first_at),
        closed=clock(info, last_at),
        attendees=attendees,
        agenda=list(info.agenda) or find_agenda(spoken, rules),
        statements=statements,
        decisions=find_decisions(spoken, info, rules),
        actions=find_actions(spoken, info, rules),
    )
    # 経過: each statement reduced to its first sentence, in the order spoken.
    minutes.progress = [f"{s.label}: {_first_sentence(s.text)}" for s in statements]
    return minutes


def _first_sentence(text: str, limit: int = 80) -> str:
    first = (sentences(text) or [text])[0]
    return first if len(first) <= limit else first[: limit - 1] + "…"
