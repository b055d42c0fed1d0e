"""Guidelines in the web app: 東京都's guidelines and versions, the municipalities' editions, proposals and requests.

Who owns what (every model is `OrgOwned`; `access.py` says who reads which rows):
- `Guideline` and `GuidelineVersion` belong to 東京都. Drafts are Tokyo's alone; published versions are read by every
  organisation (they are public documents).
- `Edition` and `EditionVersion` belong to the municipality that made them: only its members see them; 東京都's view
  (`views_tokyo.dashboard`) reads which version each edition is on and which sentences they changed.
- `ChangeProposal` and `GuidelineRequest` belong to the municipality that wrote them; 東京都's editors read and
  answer them.
The engine (`kyodo.shishin`) parses, merges and renders; these rows keep the texts and who did what when.
"""
# ruff: noqa: RUF012  (Django's Meta and Migration classes take class-level lists by design)

from __future__ import annotations

from django.conf import settings
from django.db import models

from kyodo.web.tenancy import OrgOwned


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "下書き"
    PUBLISHED = "published", "公開"


class Guideline(OrgOwned):
    title = models.CharField("表題", max_length=120)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return str(self.title)


class GuidelineVersion(OrgOwned):
    """One version of a guideline: its whole Markdown text with metadata (version, date, licence, changelog)."""

    guideline = models.ForeignKey(Guideline, on_delete=models.CASCADE, related_name="versions")
    version = models.CharField("版", max_length=10)
    status = models.CharField("状態", max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    text = models.TextField("本文(Markdown)")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["guideline_id", "created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["guideline", "version"], name="shishin_version_unique")]

    def __str__(self) -> str:
        return f"{self.guideline.title} 第{self.version}版"


class Edition(OrgOwned):
    """A municipality's edition of one guideline. Its texts are its versions; the latest is the current one."""

    guideline = models.ForeignKey(Guideline, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["guideline_id", "id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "guideline"], name="shishin_edition_unique")]

    def current(self) -> EditionVersion:
        found: EditionVersion = self.versions.order_by("-number").first()  # type: ignore[attr-defined]
        return found


class EditionVersion(OrgOwned):
    """Every saved state of an edition, kept: the text, the upstream version it is based on, who and when."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版数")
    upstream = models.ForeignKey(GuidelineVersion, on_delete=models.PROTECT, related_name="+",
                                 verbose_name="元にした東京都の版")
    text = models.TextField("本文(Markdown)")
    note = models.CharField("内容", max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["edition_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["edition", "number"], name="shishin_edition_version_unique")]


class ProposalStatus(models.TextChoices):
    OPEN = "open", "検討中"
    ACCEPTED = "accepted", "次の版に反映"
    ANSWERED = "answered", "回答済み"


class ChangeProposal(OrgOwned):
    """A municipality's proposal to change 東京都's text of one section (like a pull request)."""

    guideline = models.ForeignKey(Guideline, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(GuidelineVersion, on_delete=models.PROTECT, related_name="+",
                                verbose_name="提案の対象の版")
    section_id = models.CharField("節", max_length=120)
    current_text = models.TextField("現在の文")
    proposed_text = models.TextField("提案する文")
    reason = models.TextField("理由")
    status = models.CharField("状態", max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN)
    answer = models.TextField("東京都の回答", blank=True)
    accepted_into = models.ForeignKey(GuidelineVersion, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", verbose_name="反映した版")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class RequestStatus(models.TextChoices):
    OPEN = "open", "受付"
    PLANNED = "planned", "作成予定"
    ANSWERED = "answered", "回答済み"


class GuidelineRequest(OrgOwned):
    """A municipality asks 東京都 to write a guideline that does not exist yet."""

    title = models.CharField("ほしい指針", max_length=120)
    description = models.TextField("必要な理由・内容")
    status = models.CharField("状態", max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    answer = models.TextField("東京都の回答", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
