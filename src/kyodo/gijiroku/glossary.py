"""Per-organisation vocabulary (用語集) and the reviewable correction list (訂正リスト).

A glossary file is YAML that a clerk edits:

    organisation: 江東区
    terms: [江東区, 事務局, 総務委員会]        # passed to recognition as hotwords
    corrections:                               # recurring misrecognitions, applied after recognition
      - {wrong: 交通区, right: 江東区, note: 地名の聞き違い}

Whisper reads at most about 220 prompt tokens, so only the first 60-80 terms of a long glossary
reach the recogniser: put the terms that matter most first, and rely on the correction list for
the rest. Corrections change only the cleaned text; every change is recorded on the utterance so that a
person can review it, and the raw transcript keeps what the recogniser heard.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kyodo.gijiroku.errors import RuleFileError
from kyodo.gijiroku.transcript import AppliedCorrection


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
    return Glossary(str(data.get("organisation", "")), terms, tuple(corrections))


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
