"""Case records (事例) shared between organisations, their attachments, questions and contact requests.

Who owns what (every model is `OrgOwned`; `access.py` says who sees which rows):
- `Case` and `Attachment` belong to the organisation that wrote the case. A draft (下書き) is seen by that
  organisation only; a published case (公開) by every signed-in member of every organisation. The contact is shown
  to municipal staff only (`access.can_see_contact`), never in another organisation's export.
- `Question` belongs to the asking organisation; it and its answer are shown on the case page to all who see the case.
- `ContactRequest` belongs to the asking organisation and names the owner (`owner`): only those two see it.
The search tokens (`title_tokens`, `body_tokens`) are written by `services.save_case` from the engine's analyser and
indexed by the database: an FTS5 table on SQLite, a generated tsvector column on PostgreSQL (migration 0002).
"""
# ruff: noqa: RUF012  (Django's Meta and Migration classes take class-level lists by design)

from __future__ import annotations

from django.conf import settings
from django.db import models

from kyodo.jirei.records import CaseRecord
from kyodo.jirei.vocab import Status, vocabulary
from kyodo.web.tenancy import OrgOwned

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


class CaseStatus(models.TextChoices):
    # Values are the engine's (kyodo.jirei.vocab.Status).
    CONSIDERING = Status.CONSIDERING.value, "検討中"
    TRIAL = Status.TRIAL.value, "実証中"
    ADOPTED = Status.ADOPTED.value, "導入済み"
    NOT_ADOPTED = Status.NOT_ADOPTED.value, "実証したが導入せず"
    STOPPED = Status.STOPPED.value, "中止"


class Visibility(models.TextChoices):
    DRAFT = "draft", "下書き(自組織のみ)"
    PUBLISHED = "published", "公開(全団体)"


class Case(OrgOwned):
    external_id = models.CharField("事例ID", max_length=40, blank=True)
    title = models.CharField("タイトル", max_length=200)
    field = models.CharField("分野", max_length=40)
    technologies = models.CharField("技術", max_length=400, blank=True)  # "|生成AI|RPA|": one LIKE per facet value
    status = models.CharField("状況", max_length=20, choices=CaseStatus.choices)
    start_year = models.PositiveSmallIntegerField("開始年度", null=True, blank=True)
    end_year = models.PositiveSmallIntegerField("終了年度", null=True, blank=True)
    summary = models.TextField("概要")
    effects = models.TextField("効果", blank=True)
    hours_saved_per_year = models.PositiveIntegerField("年間削減時間", null=True, blank=True)
    cost_yen = models.PositiveBigIntegerField("費用(円)", null=True, blank=True)
    lessons = models.TextField("教訓", blank=True)
    went_well = models.TextField("うまくいったこと", blank=True)
    went_badly = models.TextField("うまくいかなかったこと", blank=True)
    vendor = models.CharField("事業者・製品", max_length=200, blank=True)
    spec_shareable = models.BooleanField("仕様書を共有できる", default=False)
    contact = models.CharField("連絡先", max_length=200, blank=True)
    links = models.TextField("関連するページ", blank=True)  # one per line: a path of this platform or a URL
    visibility = models.CharField("公開範囲", max_length=10, choices=Visibility.choices, default=Visibility.DRAFT)
    published_at = models.DateTimeField("公開日時", null=True, blank=True)
    derived_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                     verbose_name="参考にした事例")
    size_band = models.CharField("団体の規模", max_length=20, blank=True)
    title_tokens = models.TextField(blank=True, editable=False)
    body_tokens = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            # Covers the visibility filter and every facet column: the facet counts of a listing read this index
            # only, not the wide rows (summary, tokens).
            models.Index(fields=["visibility", "organisation", "field", "technologies", "status", "size_band",
                                 "start_year"], name="jirei_case_facets"),
            # The newest first, without sorting every visible case (and the visibility columns, to filter in it).
            models.Index(fields=["-published_at", "-updated_at", "-id", "visibility", "organisation"],
                         name="jirei_case_newest"),
        ]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def technology_list(self) -> list[str]:
        return [t for t in self.technologies.split("|") if t]

    @property
    def is_published(self) -> bool:
        return bool(self.visibility == Visibility.PUBLISHED)

    @property
    def failed(self) -> bool:
        return self.status in vocabulary().failed_statuses

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]

    def to_record(self) -> CaseRecord:
        return CaseRecord(
            case_id=self.external_id or str(self.pk or ""), organisation=self.organisation.name, title=self.title,
            field=self.field, status=Status(self.status), summary=self.summary,
            technologies=tuple(self.technology_list), effects=self.effects, lessons=self.lessons,
            went_well=self.went_well, went_badly=self.went_badly, start_year=self.start_year, end_year=self.end_year,
            hours_saved_per_year=self.hours_saved_per_year, cost_yen=self.cost_yen, vendor=self.vendor,
            spec_shareable=self.spec_shareable, contact=self.contact, published=self.is_published,
        )


def join_technologies(names: list[str] | tuple[str, ...]) -> str:
    return "|" + "|".join(names) + "|" if names else ""


class Attachment(OrgOwned):
    """A PDF (report, specification) attached to a case by its organisation."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField("ファイル名", max_length=200)
    data = models.BinaryField()
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class Question(OrgOwned):
    """A question one organisation asks on a case (organisation: the asker's), and the owner's answer."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField("質問")
    answer = models.TextField("回答", blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class ContactRequest(OrgOwned):
    """「この事例について聞きたい」: a request from one organisation (organisation) to the case's owner (owner)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                              verbose_name="事例の団体")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    message = models.TextField("聞きたいこと")
    reply_to = models.CharField("連絡先(返信先)", max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "created_at"])]
