"""Audit actions of minutes support, written with `kyodo.web.audit.log.record` (registered with the audit app)."""

from django.db import models

from kyodo.web.audit.registry import register


@register
class GijirokuAction(models.TextChoices):
    UPLOAD = "gijiroku_upload", "録音のアップロード"
    UPLOAD_REJECTED = "gijiroku_upload_rejected", "録音のアップロード(不可)"
    TRANSCRIBE = "gijiroku_transcribe", "文字起こしの実行"
    SEGMENT_EDIT = "gijiroku_segment_edit", "発言の修正"
    SPEAKER_RENAME = "gijiroku_speaker_rename", "発言者名の変更"
    EXPORT = "gijiroku_export", "会議録の出力"
    GLOSSARY = "gijiroku_glossary", "用語集の変更"
    CORRECTIONS = "gijiroku_corrections", "訂正リストの変更"
    DELETE = "gijiroku_delete", "会議の削除(録音と文字起こし)"
    ATTENDEES = "gijiroku_attendees", "出席者の変更"
    SPEAKER_ASSIGN = "gijiroku_speaker_assign", "発言者と出席者の対応づけ"
    SPEAKER_ADD = "gijiroku_speaker_add", "発言者の追加"
    SEGMENT_SPLIT = "gijiroku_segment_split", "発言の分割"
    SEGMENT_MERGE = "gijiroku_segment_merge", "発言の結合"
    REPLACE = "gijiroku_replace", "会議全体の置換"
    MEMBER_ROLES = "gijiroku_member_roles", "議員・委員の役職の変更"
