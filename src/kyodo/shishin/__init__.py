"""shishin — guidelines (指針・ガイドライン) that 東京都 publishes and every municipality customises.

Plain Python, no Django. A guideline is Markdown with metadata (`parse.read_document` → `Document`); a municipal
edition is an upstream version + variable values + local edits + annex sections (`edition.start`, …). When 東京都
publishes a new version, `update` merges it into the edition per section at sentence level (`sentences.split`,
`merge3` underneath) and returns one `MergeResult`: the merged sections, typed `Conflict`s and counts. The CLI, the
rendered documents (`render.render`: HTML, DOCX, PDF) and the web pages only format that result.
"""

from __future__ import annotations

from kyodo.shishin.merge import Conflict, ConflictKind, MergeResult, MergeStats, Resolution, merge, update
from kyodo.shishin.model import Document, Licence, Metadata, Section
from kyodo.shishin.parse import parse_document, read_document, serialize

__all__ = [
    "Conflict",
    "ConflictKind",
    "Document",
    "Licence",
    "MergeResult",
    "MergeStats",
    "Metadata",
    "Resolution",
    "Section",
    "merge",
    "parse_document",
    "read_document",
    "serialize",
    "update",
]
