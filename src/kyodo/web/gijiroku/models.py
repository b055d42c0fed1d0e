"""Meetings, their recordings and transcripts, and each organisation's vocabulary (用語集・訂正リスト).

Everything here is an organisation's data (what was said in its meetings, who said it), so every model
is `OrgOwned`. The engine (`kyodo.gijiroku`) recognises and cleans; these rows keep what it returned
(`raw_text` exactly as heard, `cleaned_text` as the engine cleaned it) beside the staff's corrections.
"""
# ruff: noqa: RUF012  (Django's Meta classes take class-level lists by design)

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import models

from kyodo.web.jobs import BackgroundJob
from kyodo.web.tenancy import OrgOwned


class MeetingStatus(models.TextChoices):
    QUEUED = "queued", "待機中"
    RUNNING = "running", "文字起こし中"
    DONE = "done", "完了"
    FAILED = "failed", "失敗"


class Meeting(OrgOwned, BackgroundJob):
    """One recorded meeting: what staff told us about it, the stored recording, and the transcription's progress."""

    title = models.CharField("会議名", max_length=200)
    started_at = models.DateTimeField("開始日時", null=True, blank=True)
    place = models.CharField("場所", max_length=200, blank=True)
    attendees = models.TextField("出席者", blank=True)  # as typed at upload; the list itself is `Attendee`
    agenda = models.TextField("議題", blank=True)  # one item per line; its words join the vocabulary
    speakers_expected = models.PositiveSmallIntegerField("発言者の人数", null=True, blank=True)
    audio_name = models.CharField("録音ファイル", max_length=200)
    # Relative to settings.GIJIROKU_MEDIA_DIR (kyodo.web.gijiroku.storage), so the data folder can move.
    audio_path = models.CharField(max_length=300)
    audio_sha256 = models.CharField(max_length=64)
    audio_size = models.PositiveBigIntegerField("サイズ(バイト)")
    duration = models.FloatField("長さ(秒)", default=0.0)
    status = models.CharField("状態", max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("進捗(%)", default=0)
    step = models.CharField("処理中の段階", max_length=100, blank=True)
    error = models.TextField("エラー", blank=True)
    model_name = models.CharField("音声認識モデル", max_length=200, blank=True)
    # The glossary terms and corrections the recognition was given (a copy: the glossary may change later).
    vocabulary = models.JSONField("用語集(実行時)", default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_processing_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    TASK_PATH = "kyodo.web.gijiroku.tasks.transcribe_meeting"

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def is_finished(self) -> bool:
        return str(self.status) in {"done", "failed"}  # MeetingStatus.DONE and FAILED


class _MemberRoles:
    organisation_id: int

    @cached_property
    def member_roles(self) -> tuple[str, ...]:
        """The organisation's member roles, asked once per object (`share_member_roles` sets many at once)."""
        return member_roles_of(int(self.organisation_id))


class Attendee(_MemberRoles, OrgOwned):
    """Someone at the meeting: a member (議長・委員長・委員 …, named 議長(山田太郎君)) or an official, whose role is
    a title (子ども未来部長, named by the title alone). Which roles are members' is the organisation's own list
    (`Vocabulary.member_roles`, kyodo.gijiroku.minutes.MEMBER_ROLES until staff change it)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendee_list")
    order = models.PositiveSmallIntegerField()
    role = models.CharField("役職・職名", max_length=50, blank=True)
    name = models.CharField("氏名", max_length=100, blank=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.role}:{self.name}" if self.role else str(self.name)

    def label(self, member_roles: Sequence[str] | None = None) -> str:
        from kyodo.gijiroku.minutes import speaker_name

        roles = member_roles if member_roles is not None else self.member_roles
        return str(speaker_name(str(self.role), str(self.name), roles).label(0))


class Speaker(_MemberRoles, OrgOwned):
    """A voice the diarizer found (0-based index, in speaking order) and the role and name staff gave it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="speakers")
    index = models.PositiveSmallIntegerField()
    role = models.CharField("役職", max_length=50, blank=True)
    name = models.CharField("氏名", max_length=100, blank=True)
    # The attendee staff mapped this voice to (its role and name are copied, so the minutes keep them).
    attendee = models.ForeignKey(Attendee, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["index"]
        constraints = [models.UniqueConstraint(fields=["meeting", "index"], name="gijiroku_speaker_per_meeting")]

    def label(self, member_roles: Sequence[str] | None = None) -> str:
        return str(self.speaker_name(member_roles).label(self.index))

    def speaker_name(self, member_roles: Sequence[str] | None = None) -> Any:
        """The engine's SpeakerName; `member_roles`: the organisation's (looked up when not given)."""
        from kyodo.gijiroku.minutes import speaker_name

        roles = member_roles if member_roles is not None else self.member_roles
        return speaker_name(str(self.role), str(self.name), roles)


class Mark(models.TextChoices):
    NONE = "", "なし"
    DECISION = "decision", "決定事項"
    ACTION = "action", "今後の対応"


class Segment(OrgOwned):
    """One utterance: the recogniser's words (never changed), the engine's cleaned text and the staff's text."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="segments")
    index = models.PositiveIntegerField()
    speaker = models.PositiveSmallIntegerField("発言者")
    start = models.FloatField("開始(秒)")
    end = models.FloatField("終了(秒)")
    raw_text = models.TextField("認識結果")
    cleaned_text = models.TextField("整文結果", blank=True)
    text = models.TextField("会議録の文", blank=True)
    corrections = models.JSONField("適用した訂正", default=list)
    mark = models.CharField("区分", max_length=10, choices=Mark.choices, default=Mark.NONE, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    edited_at = models.DateTimeField(null=True, blank=True)
    # `text` as the search index stores it (kyodo.gijiroku.search.index_text), kept in step by `save` and by
    # `for_search` where rows are made in bulk. SQLite copies it into the FTS5 table `gijiroku_segment_fts` by
    # triggers; PostgreSQL derives the indexed column `search_vector` from it (migration 0005).
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["index"]
        constraints = [models.UniqueConstraint(fields=["meeting", "index"], name="gijiroku_segment_per_meeting")]

    def for_search(self) -> Segment:
        from kyodo.gijiroku.search import index_text

        self.search_text = index_text(str(self.text))
        return self

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if fields is None or "text" in fields:
            self.for_search()
            if fields is not None:
                kwargs["update_fields"] = [*fields, "search_text"]
        super().save(*args, **kwargs)

    @property
    def edited(self) -> bool:
        return bool(self.text != self.cleaned_text)


class Vocabulary(OrgOwned):
    """The organisation's glossary (用語集, given to recognition as hotwords) and correction list (訂正リスト)."""

    terms = models.JSONField("用語", default=list)  # ["江東区", "総務委員会", …]
    corrections = models.JSONField("訂正", default=list)  # [{"wrong": "交通区", "right": "江東区", "note": "…"}]
    # Roles named 議長(山田太郎君) in the minutes; any other role is an official's title. Empty: the engine's list.
    member_roles = models.JSONField("議員・委員の役職", default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation"], name="gijiroku_vocabulary_per_org")]


def member_roles_of(organisation_id: int) -> tuple[str, ...]:
    """The organisation's member roles (its own list, or kyodo.gijiroku.minutes.MEMBER_ROLES when it has none)."""
    from kyodo.gijiroku.minutes import MEMBER_ROLES

    found = Vocabulary.objects.for_org(organisation_id).filter(organisation_id=organisation_id).values_list(
        "member_roles", flat=True).first()
    return tuple(found) if found else MEMBER_ROLES


def share_member_roles(rows: Sequence[Attendee | Speaker], organisation_id: int) -> None:
    """Give every row the organisation's member roles from one query (their labels then ask none)."""
    roles = member_roles_of(organisation_id)
    for row in rows:
        row.__dict__["member_roles"] = roles  # what cached_property would have stored
