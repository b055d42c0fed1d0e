"""Cleaning a transcript: ケバ取り (filler removal) and 整文 (light editing) by a rule dictionary.

The rules are data (`data/cleaning_rules.yaml`) that staff can read and extend; this module only
knows the five kinds of rule. It works on morphemes from SudachiPy (core dictionary), so a rule
such as "remove あの before a comma" never touches あの in あの件. A rule that would remove a
content word (noun, pronoun, verb, adjective, adjectival noun) is refused when the file is loaded,
and removal is skipped at run time for any token the dictionary tags as one; the only rule that
drops a content word is `restart`, and only when the same word follows at once.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kyodo.gijiroku.errors import RuleFileError

DEFAULT_RULES = Path(__file__).parent / "data" / "cleaning_rules.yaml"
KINDS = ("remove", "replace", "ra_nuki", "restart", "backchannel")
WHEN = ("before_comma", "utterance_start")
COMMA = "、"
PUNCT_POS = "補助記号"
# Verbs whose potential form takes られる (一段 and カ変): 見れる→見られる, not 帰れる (五段).
_RA_NUKI_BASE = ("上一段", "下一段", "カ行変格")


@dataclass(frozen=True, slots=True)
class TokenPattern:
    surfaces: tuple[str, ...] = ()
    pos: tuple[str, ...] = ()

    def matches(self, token: Token) -> bool:
        if self.surfaces and token.surface not in self.surfaces:
            return False
        return token.pos[: len(self.pos)] == self.pos


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    kind: str
    description: str
    match: tuple[TokenPattern, ...] = ()
    when: str | None = None
    absorb_comma: bool = False
    replace: str = ""
    examples: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class RuleSet:
    version: str
    content_pos: tuple[str, ...]
    backchannel_words: frozenset[str]
    rules: tuple[Rule, ...]

    def by_kind(self, kind: str) -> list[Rule]:
        return [r for r in self.rules if r.kind == kind]


@dataclass(slots=True)
class Token:
    surface: str
    pos: tuple[str, ...]
    normalized: str
    dictionary_form: str
    text: str = ""  # what is written out (empty when removed)
    removed_by: str | None = None
    changed_by: list[str] = field(default_factory=list)


def load_rules(path: str | Path = DEFAULT_RULES) -> RuleSet:
    """Read and check a rule dictionary; a malformed file raises RuleFileError in Japanese."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RuleFileError(f"整文ルール辞書を読み込めません: {path}({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleFileError(f"整文ルール辞書の形式が違います(rules の一覧がありません): {path}")
    content_pos = tuple(
        str(p) for p in data.get("content_pos", ["名詞", "代名詞", "動詞", "形容詞", "形状詞"])
    )
    rules = tuple(_parse_rule(raw, content_pos, path) for raw in data["rules"])
    ids = [r.id for r in rules]
    if len(ids) != len(set(ids)):
        raise RuleFileError(f"整文ルール辞書に同じ id のルールが複数あります: {path}")
    return RuleSet(
        version=str(data.get("version", "")),
        content_pos=content_pos,
        backchannel_words=frozenset(str(w) for w in data.get("backchannel_words", [])),
        rules=rules,
    )


def _parse_rule(raw: Any, content_pos: tuple[str, ...], path: Path) -> Rule:
    if not isinstance(raw, dict) or "id" not in raw or "kind" not in raw:
        raise RuleFileError(f"整文ルール辞書 {path}: id と kind のないルールがあります: {raw!r}")
    rule_id, kind = str(raw["id"]), str(raw["kind"])
    where = f"整文ルール辞書 {path} のルール「{rule_id}」"
    if kind not in KINDS:
        raise RuleFileError(f"{where}: kind は {', '.join(KINDS)} のどれかにしてください(「{kind}」)")
    when = raw.get("when")
    if when is not None and when not in WHEN:
        raise RuleFileError(f"{where}: when は {', '.join(WHEN)} のどちらかにしてください(「{when}」)")
    patterns = tuple(
        TokenPattern(
            surfaces=tuple(str(s) for s in item.get("surface", [])),
            pos=tuple(str(p) for p in item.get("pos", [])),
        )
        for item in raw.get("match", [])
    )
    if kind in ("remove", "replace") and not patterns:
        raise RuleFileError(f"{where}: match(当てはまる語)を書いてください")
    if kind == "replace" and not raw.get("replace"):
        raise RuleFileError(f"{where}: replace(置換後の表記)を書いてください")
    if kind == "remove":
        for pattern in patterns:
            if not pattern.pos or pattern.pos[0] in content_pos:
                if not pattern.pos and pattern.surfaces:
                    continue  # a surface list without part of speech is checked token by token at run time
                raise RuleFileError(f"{where}: 内容語(名詞・動詞など)を削除するルールは書けません")
    examples = tuple((str(a), str(b)) for a, b in raw.get("examples", []))
    return Rule(
        id=rule_id,
        kind=kind,
        description=str(raw.get("description", "")),
        match=patterns,
        when=when,
        absorb_comma=bool(raw.get("absorb_comma", False)),
        replace=str(raw.get("replace", "")),
        examples=examples,
    )


@functools.lru_cache(maxsize=1)
def _tokenizer() -> Any:
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=SplitMode.C)


def tokenize(text: str) -> list[Token]:
    """Morphemes of a text (SudachiPy, split mode C: the longest units, as people read them)."""
    return [
        Token(
            surface=m.surface(),
            pos=tuple(m.part_of_speech()),
            normalized=m.normalized_form(),
            dictionary_form=m.dictionary_form(),
            text=m.surface(),
        )
        for m in _tokenizer().tokenize(text)
    ]


def is_content(token: Token, rules: RuleSet) -> bool:
    """Noun, pronoun, verb, adjective or adjectival noun — auxiliary-like ones (する, ない) included."""
    return bool(token.pos) and token.pos[0] in rules.content_pos


def _is_comma(token: Token) -> bool:
    return token.surface in (COMMA, ",", ",")


def _boundary(tokens: Sequence[Token], index: int) -> bool:
    """True at the start of the utterance or right after a sentence end."""
    for prev in reversed(tokens[:index]):
        if prev.removed_by is None:
            return prev.surface in ("。", "?", "!", "?", "!")
    return True


def _apply_pattern_rule(tokens: list[Token], rule: Rule, rules: RuleSet) -> None:
    width = len(rule.match)
    i = 0
    while i + width <= len(tokens):
        window = tokens[i : i + width]
        if any(t.removed_by for t in window) or not all(
            p.matches(t) for p, t in zip(rule.match, window, strict=True)
        ):
            i += 1
            continue
        after = i + width
        if rule.when == "before_comma" and not (after < len(tokens) and _is_comma(tokens[after])):
            i += 1
            continue
        if rule.when == "utterance_start" and not _boundary(tokens, i):
            i += 1
            continue
        if rule.kind == "remove":
            if any(is_content(t, rules) for t in window):
                i += 1
                continue
            for t in window:
                t.removed_by, t.text = rule.id, ""
            if rule.absorb_comma and after < len(tokens) and _is_comma(tokens[after]):
                tokens[after].removed_by, tokens[after].text = rule.id, ""
        else:
            window[0].text = rule.replace
            window[0].changed_by.append(rule.id)
            for t in window[1:]:
                t.removed_by, t.text = rule.id, ""
        i = after


@functools.lru_cache(maxsize=4096)
def _ra_nuki_base_is_ichidan(normalized: str) -> bool:
    base = tokenize(normalized)
    return len(base) == 1 and base[0].pos[0] == "動詞" and base[0].pos[4].startswith(_RA_NUKI_BASE)


def _apply_ra_nuki(tokens: list[Token], rule: Rule) -> None:
    """見れる→見られる: a verb whose dictionary form is stem+れる while its base verb is stem+る (一段・カ変).

    The base verb's conjugation decides: 帰れる (potential of 五段 帰る) is correct Japanese and stays.
    """
    for t in tokens:
        if t.removed_by or not t.pos or t.pos[0] != "動詞" or not t.dictionary_form.endswith("れる"):
            continue
        stem = t.dictionary_form[:-2]
        same_stem = t.normalized == stem + "る"
        kana_kuru = t.normalized == "来る" and stem in ("こ", "来")
        if not stem or not (same_stem or kana_kuru) or not _ra_nuki_base_is_ichidan(t.normalized):
            continue
        if not t.text.startswith(stem):
            continue
        t.text = stem + "ら" + t.text[len(stem) :]
        t.changed_by.append(rule.id)


def _apply_restart(tokens: list[Token], rule: Rule, rules: RuleSet) -> None:
    """A short fragment, a comma, then the same first word again: drop the fragment and the comma."""
    live = [t for t in tokens if t.removed_by is None]
    start = 0
    for k, t in enumerate(live):
        if t.surface in ("。", "?", "?", "!", "!"):
            start = k + 1
            continue
        if not _is_comma(t):
            continue
        fragment = live[start:k]
        rest = "".join(x.surface for x in live[k + 1 : k + 6])
        if 0 < len(fragment) <= 3 and is_content(fragment[0], rules) and rest.startswith(fragment[0].surface):
            following = "".join(x.surface for x in fragment)
            if not rest.startswith(following) or len(fragment) == 1:
                for x in [*fragment, t]:
                    x.removed_by, x.text = rule.id, ""
        start = k + 1


_PUNCT_RE = r"[、。,.!?!?\s]+"


def _is_backchannel(text: str, rules: RuleSet) -> bool:
    chunks = [c for c in re.split(_PUNCT_RE, text) if c]
    return all(c in rules.backchannel_words for c in chunks)


def _tidy(text: str) -> str:
    text = re.sub(r"、{2,}", "、", text)
    text = re.sub(r"、([。?!?!])", r"\1", text)
    text = re.sub(r"(^|[。?!?!])、+", r"\1", text)
    text = re.sub(r"。{2,}", "。", text)
    return text.strip()


@dataclass(frozen=True, slots=True)
class CleanResult:
    text: str
    applied: tuple[str, ...]  # rule ids that changed something, in order, for review


def clean_text(text: str, rules: RuleSet | None = None, only: Sequence[str] | None = None) -> CleanResult:
    """Clean one utterance. `only` limits the rules to those ids (used to test a rule by itself)."""
    rules = rules or default_rules()
    active = [r for r in rules.rules if only is None or r.id in only]
    tokens = tokenize(text)
    original = [t.text for t in tokens]
    applied: list[str] = []
    backchannel_rule: Rule | None = None
    for rule in active:
        if rule.kind in ("remove", "replace"):
            _apply_pattern_rule(tokens, rule, rules)
        elif rule.kind == "ra_nuki":
            _apply_ra_nuki(tokens, rule)
        elif rule.kind == "restart":
            _apply_restart(tokens, rule, rules)
        elif rule.kind == "backchannel":
            backchannel_rule = rule
    for t, before in zip(tokens, original, strict=True):
        for rule_id in [t.removed_by, *t.changed_by]:
            if rule_id and (t.text != before) and rule_id not in applied:
                applied.append(rule_id)
    cleaned = _tidy("".join(t.text for t in tokens))
    # Checked last, on what is left: "えー、はい。" is a back-channel too once the filler is gone.
    if backchannel_rule is not None and _is_backchannel(cleaned, rules):
        cleaned = ""
        applied.append(backchannel_rule.id)
    if not re.sub(_PUNCT_RE, "", cleaned):
        cleaned = ""
    return CleanResult(text=cleaned, applied=tuple(applied))


@functools.lru_cache(maxsize=1)
def default_rules() -> RuleSet:
    return load_rules(DEFAULT_RULES)


def content_words(text: str, rules: RuleSet | None = None) -> list[str]:
    """Normalised forms of the content words in a text (for checking that cleaning lost none)."""
    rules = rules or default_rules()
    return [t.normalized for t in tokenize(text) if is_content(t, rules)]
