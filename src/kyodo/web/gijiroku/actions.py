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
