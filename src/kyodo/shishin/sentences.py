"""Japanese sentence splitting for guideline text: the unit of diff and merge.

`split(text)` cuts a section body into pieces whose concatenation is the text, byte for byte:
- a sentence ends at 。！？ (and half-width ! ?), together with any terminators right after it, but never while a
  bracket or quote is open (「」『』（）()【】〔〕“”), so 「はい。」と答えた。 is one sentence;
- headings, list items (with their indented continuation lines), tables and fenced code are kept whole: a list item
  is one unit even when it holds several sentences, because a reader edits it as one;
- runs of whitespace between sentences and blocks (line breaks, blank lines) are pieces of their own, so adding a
  sentence at the end of a paragraph does not change the neighbouring sentence.
A line break inside a sentence (a soft wrap) stays inside it. An unclosed bracket is forgiven at the paragraph's end.
"""

from __future__ import annotations

import re

TERMINATORS = frozenset("。！？!?")
OPENING = {"「": "」", "『": "』", "（": "）", "(": ")", "【": "】", "〔": "〕", "“": "”"}
CLOSING = frozenset(OPENING.values())

_LIST_ITEM = re.compile(r"[ \t]{0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_CONTINUATION = re.compile(r"[ \t]{2,}\S")
_FENCE = re.compile(r"[ \t]{0,3}(```|~~~)")
_HEADING = re.compile(r"[ \t]{0,3}#{1,6}(?:[ \t]|$)")


def split(text: str) -> list[str]:
    """Sentences, blocks and the whitespace between them; `"".join(split(text)) == text` always."""
    pieces: list[str] = []
    lines = text.splitlines(keepends=True)
    i = 0
    paragraph: list[str] = []
    while i < len(lines):
        line = lines[i]
        end = _block_end(lines, i)
        if end is None:
            paragraph.append(line)
            i += 1
            continue
        _flush(paragraph, pieces)
        paragraph = []
        block = "".join(lines[i:end])
        pieces.extend(_strip_trailing_break(block))
        i = end
    _flush(paragraph, pieces)
    return pieces


def sentences(text: str) -> list[str]:
    """The pieces a reader counts: `split` without the whitespace between them."""
    return [p for p in split(text) if p.strip()]


def _block_end(lines: list[str], i: int) -> int | None:
    """If a whole block (blank line, heading, list item, table, fence) starts at line i, the line after it."""
    line = lines[i]
    if not line.strip():
        return i + 1
    if _HEADING.match(line):
        return i + 1
    if _FENCE.match(line):
        fence = _FENCE.match(line)
        assert fence is not None
        j = i + 1
        while j < len(lines) and not lines[j].lstrip().startswith(fence.group(1)):
            j += 1
        return min(j + 1, len(lines))
    if line.lstrip(" ").startswith("|"):
        j = i + 1
        while j < len(lines) and lines[j].lstrip(" ").startswith("|"):
            j += 1
        return j
    if _LIST_ITEM.match(line):
        j = i + 1
        while j < len(lines) and _CONTINUATION.match(lines[j]) and not _LIST_ITEM.match(lines[j]):
            j += 1
        return j
    return None


def _strip_trailing_break(block: str) -> list[str]:
    """A block and its final line break as two pieces (a blank line is whitespace only: one piece)."""
    body = block.rstrip("\r\n")
    if not body.strip():
        return [block]
    return [body, block[len(body):]] if len(body) < len(block) else [body]


def _flush(paragraph: list[str], pieces: list[str]) -> None:
    if paragraph:
        pieces.extend(_split_paragraph("".join(paragraph)))


def _split_paragraph(text: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    stack: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in OPENING:
            stack.append(OPENING[ch])
        elif ch in CLOSING and stack and stack[-1] == ch:
            stack.pop()
        elif ch in TERMINATORS and not stack:
            j = i + 1
            while j < n and text[j] in TERMINATORS:
                j += 1
            pieces.append(text[start:j])
            k = j
            while k < n and text[k] in " \t\r\n\u3000":
                k += 1
            if k > j:
                pieces.append(text[j:k])
            start = i = k
            continue
        i += 1
    if start < n:
        rest = text[start:]
        body = rest.rstrip(" \t\r\n\u3000")
        pieces.extend(p for p in (body, rest[len(body):]) if p)
    return pieces
