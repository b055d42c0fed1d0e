"""Per-organisation vocabulary (用語集) and the reviewable correction list (訂正リスト).

A glossary file is YAML that a clerk edits:

    organisation: 江東区                       # with defaults: true, its default vocabulary is included
    defaults: true                             # (kyodo.gijiroku.vocabulary: its name, towns, the 62, council terms)
    terms: [江東区, 事務局, 総務委員会]        # the most relevant go to recognition as hotwords
    corrections:                               # recurring misrecognitions, applied after recognition
      - {wrong: 交通区, right: 江東区, note: 地名の聞き違い}

Whisper reads at most about 220 prompt tokens, so only the terms most relevant to the meeting reach
the recogniser (vocabulary.select_prompt_terms); every term serves reading-based correction
(kyodo.gijiroku.reading), and the correction list fixes what neither catches. Corrections change only the cleaned text; every change is recorded on the utterance so that a
person can review it, and the raw transcript keeps what the recogniser heard.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kyodo.gijiroku.errors import GijirokuError, RuleFileError
from kyodo.gijiroku.transcript import AppliedCorrection
from kyodo.gijiroku.vocabulary import MeetingContext, Term, TermKind, default_vocabulary, merge_terms


@dataclass(frozen=True, slots=True)
class Correction:
    wrong: str
    right: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Glossary:
    organisation: str = ""
    terms: tuple[str, ...] = ()
    corrections: tuple[Correction, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.terms and not self.corrections


def parse_glossary(data: Any, source: str = "用語集") -> Glossary:
    """Build a glossary from plain data (a dict as in the file); errors name the entry."""
    if data is None:
        return Glossary()
    if not isinstance(data, dict):
        raise RuleFileError(
            f"{source}: 形式が違います(organisation・terms・corrections を持つ表にしてください)"
        )
    terms_raw = data.get("terms", []) or []
    if not isinstance(terms_raw, list):
        raise RuleFileError(f"{source}: terms は用語の一覧にしてください")
    terms = tuple(dict.fromkeys(str(t).strip() for t in terms_raw if str(t).strip()))
    corrections: list[Correction] = []
    for number, item in enumerate(data.get("corrections", []) or [], start=1):
        if not isinstance(item, dict) or not str(item.get("wrong", "")).strip() or "right" not in item:
            raise RuleFileError(f"{source}: 訂正リストの{number}件目に wrong(誤)と right(正)を書いてください")
        wrong, right = str(item["wrong"]).strip(), str(item["right"]).strip()
        if wrong == right:
            raise RuleFileError(f"{source}: 訂正リストの{number}件目は誤と正が同じです(「{wrong}」)")
        corrections.append(Correction(wrong, right, str(item.get("note", ""))))
    organisation = str(data.get("organisation", "") or "")
    if data.get("defaults"):
        if not organisation:
            raise RuleFileError(f"{source}: defaults を使うときは organisation(組織名かコード)を書いてください")
        try:
            terms = tuple(t.text for t in merge_terms([Term(t) for t in terms], default_vocabulary(organisation)))
        except GijirokuError as exc:
            raise RuleFileError(f"{source}: {exc.message}") from exc
    return Glossary(organisation, terms, tuple(corrections))


def organisation_glossary(organisation: str, extra: Glossary | None = None) -> Glossary:
    """An organisation's default vocabulary (name or code), with a glossary file's terms and corrections added."""
    extra = extra or Glossary()
    defaults = default_vocabulary(organisation)
    terms = merge_terms([Term(t) for t in extra.terms], defaults)
    return Glossary(defaults[0].text, tuple(t.text for t in terms), extra.corrections)


def vocabulary_terms(glossary: Glossary, meeting: MeetingContext | None = None) -> list[Term]:
    """The glossary's terms with their kinds and readings recovered from the organisation's data sources
    (towns keep Japan Post's readings); terms staff added are CUSTOM and read by the dictionary later."""
    known: dict[str, Term] = {}
    if glossary.organisation:
        try:
            known = {t.text: t for t in default_vocabulary(glossary.organisation)}
        except GijirokuError:
            known = {}  # an organisation outside Tokyo's 63: its terms are all its own
    own = [known.get(text, Term(text, TermKind.CUSTOM)) for text in glossary.terms]
    return merge_terms(meeting.terms() if meeting else [], own)


def load_glossary(path: str | Path) -> Glossary:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RuleFileError(f"用語集のファイルが見つかりません: {path}") from exc
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RuleFileError(f"用語集を読み込めません(UTF-8 の YAML にしてください): {path}") from exc
    return parse_glossary(data, source=f"用語集 {path.name}")


def apply_corrections(text: str, glossary: Glossary) -> tuple[str, list[AppliedCorrection]]:
    """Apply the correction list, longest wrong form first so that overlapping entries behave."""
    applied: list[AppliedCorrection] = []
    for entry in sorted(glossary.corrections, key=lambda c: len(c.wrong), reverse=True):
        count = text.count(entry.wrong)
        if count:
            text = text.replace(entry.wrong, entry.right)
            applied.append(AppliedCorrection(entry.wrong, entry.right, count))
    return text, applied


def correction_report(utterances: Any) -> list[dict[str, Any]]:
    """Every correction made in a meeting, for review: wrong, right, how often, and where (seconds)."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for u in utterances:
        for c in u.corrections:
            row = rows.setdefault(
                (c.wrong, c.right), {"wrong": c.wrong, "right": c.right, "count": 0, "at": []}
            )
            row["count"] += c.count
            row["at"].append(round(u.start, 1))
    return list(rows.values())
