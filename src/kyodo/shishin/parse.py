"""Reading and writing guideline documents (Markdown with YAML front matter), with Japanese errors naming file and line."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from kyodo.problems import InputError, Problem
from kyodo.shishin.model import ChangelogEntry, Document, Licence, Metadata, Section, section_id

VERSION = re.compile(r"\d{1,3}\.\d{1,3}")
REQUIRED = ("title", "publisher", "version", "licence")
KEY_LABELS = {"title": "表題", "publisher": "発行者", "version": "版", "licence": "ライセンス", "date": "日付"}
LICENCE_ALIASES = {
    "cc-by-4.0": Licence.CC_BY_4, "cc by 4.0": Licence.CC_BY_4, "cc-by": Licence.CC_BY_4,
    "pdl-1.0": Licence.PDL_1, "pdl 1.0": Licence.PDL_1, "公共データ利用規約": Licence.PDL_1,
    "cc0-1.0": Licence.CC0, "cc0": Licence.CC0,
}
MAX_BYTES = 2_000_000


def read_document(path: Path) -> Document:
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError([Problem(f"ファイルを読めません({exc.strerror})", file=name)]) from None
    return parse_document(_decode(raw, name), name)


def _decode(raw: bytes, name: str) -> str:
    if len(raw) > MAX_BYTES:
        raise InputError([Problem(f"ファイルが大きすぎます({MAX_BYTES // 1_000_000} MB まで)", file=name)])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError([Problem("UTF-8 の文字として読めません(UTF-8 で保存してください)", file=name, row=line)]) from None


def parse_document(text: str, name: str = "文書") -> Document:
    """A document from its text. Raises InputError listing every problem found (file and line)."""
    text = text.replace("\r\n", "\n")
    front, raw, body, body_line = _split_front_matter(text, name)
    meta = _metadata(front, _KeyLines(raw), name)
    return Document(meta=meta, sections=tuple(_sections(body, body_line, name)))


def _split_front_matter(text: str, name: str) -> tuple[dict[str, Any], str, str, int]:
    if not text.startswith("---\n"):
        raise InputError([Problem("先頭にメタデータ(--- で囲んだ YAML)がありません", file=name, row=1)])
    end = text.find("\n---\n", 3)
    if end < 0 and text.endswith("\n---"):
        end = len(text) - 4
    if end < 0:
        raise InputError([Problem("メタデータの終わり(---)がありません", file=name, row=1)])
    raw = text[4:end + 1]
    try:
        front = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        line = _yaml_line(exc, raw) + 1
        raise InputError([Problem("メタデータの YAML を読めません", file=name, row=line)]) from None
    if not isinstance(front, dict):
        raise InputError([Problem("メタデータは「項目: 値」の形で書いてください", file=name, row=2)])
    body_start = end + 5
    return front, raw, text[body_start:], text[:body_start].count("\n") + 1


class _KeyLines:
    """The file line of each top-level key of the front matter (which starts on line 2)."""

    def __init__(self, raw: str) -> None:
        self.raw = raw

    def __call__(self, key: str) -> int:
        found = _line_of(self.raw, key)
        return found + 1 if found is not None else 1


def _metadata(front: dict[str, Any], at: _KeyLines, name: str) -> Metadata:
    problems = [
        Problem(f"メタデータに「{key}」({KEY_LABELS[key]})がありません", file=name, row=1)
        for key in REQUIRED if front.get(key) in (None, "")
    ]
    if problems:
        raise InputError(problems)
    version = str(front["version"])
    if not VERSION.fullmatch(version):
        problems.append(Problem(f"版「{version}」は 1.0 や 1.1 のように書いてください", file=name, row=at("version")))
    licence = LICENCE_ALIASES.get(str(front["licence"]).strip().lower())
    if licence is None:
        problems.append(Problem(
            f"ライセンス「{front['licence']}」は扱えません(CC-BY-4.0、PDL-1.0、CC0-1.0 のいずれか)",
            file=name, row=at("licence"),
        ))
    when = _date(front.get("date"), name, at("date"), problems)
    changelog = _changelog(front.get("changelog"), name, at("changelog"), problems)
    variables = front.get("variables") or {}
    if not isinstance(variables, dict) or not all(isinstance(k, str) for k in variables):
        problems.append(Problem("variables は「変数名: 説明」の形で書いてください", file=name, row=at("variables")))
        variables = {}
    based_on = front.get("based_on")
    if based_on is not None and not VERSION.fullmatch(str(based_on)):
        problems.append(Problem(f"based_on「{based_on}」は元の版(1.0 など)を書いてください", file=name,
                                row=at("based_on")))
    if problems or licence is None:
        raise InputError(problems)
    return Metadata(
        title=str(front["title"]), publisher=str(front["publisher"]), version=version, licence=licence,
        date=when, changelog=changelog, variables={k: "" if v is None else str(v) for k, v in variables.items()},
        based_on=None if based_on is None else str(based_on),
    )


def _date(value: Any, name: str, line: int, problems: list[Problem]) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append(Problem(f"日付「{value}」は 2026-04-01 のように書いてください", file=name, row=line))
        return None


def _changelog(value: Any, name: str, line: int, problems: list[Problem]) -> tuple[ChangelogEntry, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(Problem("changelog は版ごとの一覧で書いてください", file=name, row=line))
        return ()
    entries = []
    for i, item in enumerate(value, 1):
        if not isinstance(item, dict) or "version" not in item:
            problems.append(Problem(f"changelog の{i}番目に version がありません", file=name, row=line))
            continue
        entries.append(ChangelogEntry(str(item["version"]), _date(item.get("date"), name, line, problems),
                                      str(item.get("note", ""))))
    return tuple(entries)


def _sections(body: str, first_line: int, name: str) -> list[Section]:
    sections: list[Section] = []
    current: list[str] = []
    current_id, current_line = "", first_line
    in_fence = False
    seen: dict[str, int] = {}
    problems: list[Problem] = []
    for offset, line in enumerate(body.splitlines(keepends=True)):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        heading = None if in_fence else section_id(line)
        if heading is not None and (current or sections):
            sections.append(Section(current_id, "".join(current), current_line))
            current = []
        if heading is not None:
            current_id, current_line = heading, first_line + offset
            if heading in seen:
                problems.append(Problem(f"見出し「{heading}」が {seen[heading]}行目と重複しています", file=name,
                                        row=current_line))
            seen[heading] = current_line
        current.append(line)
    if current or not sections:
        sections.append(Section(current_id, "".join(current), current_line))
    if problems:
        raise InputError(problems)
    return sections


def serialize(doc: Document) -> str:
    """The document as Markdown with front matter (the body exactly as its sections hold it)."""
    return front_matter(doc.meta) + doc.body


def front_matter(meta: Metadata) -> str:
    data: dict[str, Any] = {"title": meta.title, "publisher": meta.publisher, "version": meta.version,
                            "licence": str(meta.licence)}
    if meta.date:
        data["date"] = meta.date
    if meta.based_on:
        data["based_on"] = meta.based_on
    if meta.variables:
        data["variables"] = dict(meta.variables)
    if meta.changelog:
        data["changelog"] = [
            {"version": e.version, **({"date": e.date} if e.date else {}), "note": e.note}
            for e in meta.changelog
        ]
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n"


def read_variables(path: Path) -> dict[str, str]:
    """Variable values from a YAML file (変数名: 値)."""
    name = path.name
    try:
        text = _decode(path.read_bytes(), name)
    except OSError as exc:
        raise InputError([Problem(f"ファイルを読めません({exc.strerror})", file=name)]) from None
    return parse_variables(text, name)


def parse_variables(text: str, name: str = "変数") -> dict[str, str]:
    try:
        data = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as exc:
        raise InputError([Problem("変数の YAML を読めません", file=name, row=_yaml_line(exc, text))]) from None
    if not isinstance(data, dict):
        raise InputError([Problem("変数は「変数名: 値」の形で書いてください", file=name, row=1)])
    problems = [Problem(f"変数「{k}」の値が文字ではありません", file=name, row=_line_of(text, str(k)))
                for k, v in data.items() if isinstance(v, (dict, list))]
    if problems:
        raise InputError(problems)
    return {str(k): "" if v is None else str(v) for k, v in data.items()}


def _yaml_line(exc: yaml.YAMLError, text: str) -> int:
    """The 1-based line of a YAML error, within the text (an unclosed bracket is found at the end of the text)."""
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else 1
    return max(1, min(line, len(text.rstrip("\n").splitlines())))


def _line_of(text: str, key: str) -> int | None:
    for i, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith(f"{key}:"):
            return i
    return None
