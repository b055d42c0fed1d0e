"""Plain Japanese for the audit page: what an entry was about and its details, instead of `hoiku.Run 3` and a dict.

`describe(entries)` sets two attributes on each entry of a page: `object_label` (「保育所利用調整 第3回の実行」) and
`details_text` (「回: 3 / 乱数シード: 2026」). Objects are read once per type for the whole page, and only from the
entry's own organisation; an object deleted since (or of a type nobody named here) is still shown, by its number.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps
from django.db import models

from kyodo.web.audit.models import AuditEntry

# What each kind of object is called, and how one object reads (its own __str__ where it has one).
NOUNS: dict[str, str] = {
    "hoiku.Round": "保育所利用調整回",
    "hoiku.InputSet": "保育所利用調整の入力ファイル",
    "hoiku.Run": "保育所利用調整",
    "hoiku.Decision": "保育所利用調整の職員判断",
    "hoiku.NoticeArchive": "保育所利用調整の通知書(ZIP)",
    "hoiku.WhatIf": "保育所利用調整の試算",
    "accounts.User": "利用者",
    "accounts.Organisation": "組織",
    "jinzai.Specialist": "専門人材",
    "jinzai.Absence": "専門人材の不在期間",
    "jinzai.TalentRequest": "人材の依頼",
    "jinzai.MatchingRun": "人材マッチング",
    "jinzai.Proposal": "マッチングの提案",
    "jinzai.Engagement": "人材の支援",
    "jinzai.CoordinatorGrant": "コーディネーターの指名",
    "gijiroku.Meeting": "会議録",
    "gijiroku.Segment": "会議録の発言",
    "gijiroku.Vocabulary": "会議録の用語集",
}
FORMATS: dict[str, Callable[[str, Any], str]] = {
    "hoiku.Run": lambda noun, run: f"{noun} {run}の実行",
    "hoiku.Round": lambda noun, round_: f"{noun}「{round_}」",
    "hoiku.InputSet": lambda noun, files: f"{noun}({files})",
    "hoiku.Decision": lambda noun, d: f"{noun}(児童 {d.child_id})",
    "hoiku.WhatIf": lambda noun, w: f"{noun}「{w.title}」",
    "gijiroku.Meeting": lambda noun, meeting: f"{noun}「{meeting}」",
}

# The details' keys, as the people reading the log call them. Unknown keys are shown as they are.
KEY_LABELS: dict[str, str] = {
    "kind": "種類", "number": "回", "seed": "乱数シード", "decisions": "職員判断の数", "reproduces": "再現元の回",
    "retries": "やり直し元", "reason": "理由", "child_id": "児童番号", "facility_id": "施設番号", "title": "題名",
    "fiscal_year": "年度", "problems": "不備の数", "children": "児童数", "facilities": "施設数", "file": "ファイル",
    "size": "大きさ(バイト)", "bytes": "大きさ(バイト)", "sha256": "SHA-256", "username": "利用者名",
    "role": "役割", "changes": "変更", "display_name": "氏名", "is_active": "有効", "password": "パスワード",
    "address": "接続元", "method": "方式", "request_id": "依頼番号", "specialist_id": "人材番号",
    "run_id": "マッチング番号", "rating": "評価", "rows": "行数", "created": "追加", "updated": "更新",
    "coordinator": "コーディネーター", "by": "操作者", "hours_per_week": "週あたりの時間", "added": "追加",
    "removed": "削除", "before": "変更前", "after": "変更後", "terms": "用語数", "style": "書式",
    "format": "ファイル形式", "speakers": "話者", "meeting": "会議録", "index": "発言番号", "skills": "技能",
    "seconds": "長さ(秒)", "last_seen": "最後の応答", "organisation": "組織", "first_rows": "最初の行",
    "supersedes": "差し替えた回", "grouping": "まとめ方", "final": "確定版", "downloaded": "ダウンロード",
    "variant": "変更案", "row": "行", "file_by": "ファイル上の担当者",
    "gains": "入所先が良くなる児童", "displaced": "入所先を失う・悪くなる児童", "query": "検索語",
}
VALUE_LABELS: dict[str, dict[str, str]] = {
    "kind": {
        "fix": "施設を指定(固定)", "forbid": "施設を除外", "withdraw": "辞退",
        "workbook": "結果のワークブック", "csv": "結果の CSV", "json": "結果の JSON",
        "notices": "通知書(PDF)", "appeals": "不服申立て用の説明(PDF)",
        "input_children": "入力ファイル(児童)", "input_facilities": "入力ファイル(施設)",
        "specialists": "人材一覧", "requests": "依頼一覧",
    },
    "role": {"platform_admin": "基盤管理者", "org_admin": "組織管理者", "staff": "職員"},
    "by": {"coordinator": "コーディネーター", "self": "本人"},
    "method": {"cpsat": "最適化(CP-SAT)", "greedy": "貪欲法"},
    "grouping": {"facility": "施設ごと", "child": "児童ごと"},
}
SEPARATOR = " / "


def describe(entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    """The entries, each with `object_label` and `details_text` set (a few queries for the whole page)."""
    entries = list(entries)
    objects = _objects(entries)
    for entry in entries:
        obj = objects.get((entry.object_type, entry.object_id, entry.organisation_id))
        entry.object_label = object_label(entry.object_type, entry.object_id, obj)  # type: ignore[attr-defined]
        entry.details_text = details_text(entry.details)  # type: ignore[attr-defined]
    return entries


def object_label(object_type: str, object_id: str, obj: Any = None) -> str:
    if not object_type:
        return ""
    noun = NOUNS.get(object_type) or _verbose_name(object_type)
    if obj is None:
        return f"{noun}(番号 {object_id}、削除済み)" if object_type in NOUNS else f"{noun}(番号 {object_id})"
    if object_type in FORMATS:
        return FORMATS[object_type](noun, obj)
    if type(obj).__str__ is models.Model.__str__:  # "Decision object (5)" says nothing to a reader
        return f"{noun}(番号 {obj.pk})"
    return f"{noun}「{obj}」"


def details_text(details: Any) -> str:
    if not isinstance(details, dict):
        return _value("", details)
    return SEPARATOR.join(f"{KEY_LABELS.get(str(k), str(k))}: {_value(str(k), v)}" for k, v in details.items())


def _value(key: str, value: Any) -> str:
    if value is None or value == "":
        return "なし"
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, dict):
        return "(" + "、".join(f"{KEY_LABELS.get(str(k), str(k))}: {_value(str(k), v)}" for k, v in value.items()) + ")"
    if isinstance(value, list | tuple):
        return "、".join(_value(key, v) for v in value) if value else "なし"
    text = str(value)
    return VALUE_LABELS.get(key, {}).get(text, text)


def _verbose_name(object_type: str) -> str:
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def _objects(entries: list[AuditEntry]) -> dict[tuple[str, str, int | None], Any]:
    """The entries' objects, keyed by (type, id, organisation); only objects of the entry's own organisation."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        if entry.object_type in NOUNS and entry.object_id:
            wanted[entry.object_type].add(entry.object_id)
    found: dict[tuple[str, str, int | None], Any] = {}
    for object_type, ids in wanted.items():
        try:
            model = apps.get_model(object_type)
        except LookupError:
            continue
        pks = [int(i) for i in ids if i.isdigit()]
        for obj in model._base_manager.filter(pk__in=pks):
            org_id = obj.pk if object_type == "accounts.Organisation" else getattr(obj, "organisation_id", None)
            found[(object_type, str(obj.pk), org_id)] = obj
    return found
