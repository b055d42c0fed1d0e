"""Nursery allocation rounds in the web app: the stored inputs, runs, per-child results and staff decisions.

Everything here is an organisation's personal data (children, households, points), so every model is
`OrgOwned`. The engine (`kyodo.hoiku`) does the allocation; these rows keep what it was given and what
it returned, so that a run can be reopened and reproduced later.
"""
# ruff: noqa: RUF012  (Django's Meta and Migration classes take class-level lists by design)

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

from kyodo.web.jobs import BackgroundJob
from kyodo.web.tenancy import OrgOwned

if TYPE_CHECKING:
    from kyodo.hoiku.outputs.notices.letter import LetterSettings


class Phase(models.TextChoices):
    FIRST = "first", "一次調整"
    SECOND = "second", "二次調整"


class Round(OrgOwned):
    """One allocation round (利用調整回): a fiscal year, first or second round, and the ward's rules."""

    title = models.CharField("名称", max_length=100)
    fiscal_year = models.PositiveIntegerField("年度")
    phase = models.CharField("調整", max_length=10, choices=Phase.choices, default=Phase.FIRST)
    # Empty when the files carry points (ChilmAI format) and no rules are needed.
    rules_name = models.CharField("利用調整基準", max_length=40, blank=True)
    # The organisation's own version of its rules (then rules_name is empty); see models_rules.
    rules_version = models.ForeignKey(
        "RulesVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="rounds",
        verbose_name="利用調整基準の版",
    )
    seed = models.PositiveIntegerField("抽選の乱数シード", default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The finished run this round was carried over from (二次調整, a monthly round); empty for a first round.
    previous_run = models.ForeignKey(
        "Run", on_delete=models.PROTECT, null=True, blank=True, related_name="next_rounds", verbose_name="引き継ぎ元"
    )

    class Meta:
        ordering = ["-fiscal_year", "-created_at"]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度 {self.get_phase_display()} {self.title}"

    def latest_input(self) -> InputSet | None:
        return self.inputs.order_by("-uploaded_at", "-id").first()  # type: ignore[no-any-return]

    @property
    def rules_label(self) -> str:
        return rules_label(self.rules_version, self.rules_name)


class InputSet(OrgOwned):
    """The two files of one upload, stored as uploaded (only uploads that passed validation are kept)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="inputs")
    children_name = models.CharField("申込ファイル", max_length=200)
    children_data = models.BinaryField()
    children_sha256 = models.CharField(max_length=64)
    facilities_name = models.CharField("施設ファイル", max_length=200)
    facilities_data = models.BinaryField()
    facilities_sha256 = models.CharField(max_length=64)
    # The sibling-combinations file (ファミリーコード・総当たり順位・宛名コードN・希望施設N), when one was given.
    combinations_name = models.CharField("きょうだいの組み合わせファイル", max_length=200, blank=True)
    combinations_data = models.BinaryField(null=True)
    combinations_sha256 = models.CharField(max_length=64, blank=True)
    children_count = models.PositiveIntegerField("申込数")
    facilities_count = models.PositiveIntegerField("施設数")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # kyodo.hoiku.tools.demand.Demand.as_dict of these files: applicants against places, computed once.
    demand = models.JSONField(default=dict)
    # How the files were made when not uploaded as they are (services_rounds): {"kind": "carry_over", counts…}
    # or {"kind": "vacancies"}; empty for an upload.
    origin = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"{self.children_name} / {self.facilities_name}"


class DecisionKind(models.TextChoices):
    # The values are the engine's (kyodo.hoiku.model.decision.DecisionKind).
    FIX = "fix", "施設を指定(固定)"
    FORBID = "forbid", "施設を除外"
    WITHDRAW = "withdraw", "辞退"


class Decision(OrgOwned):
    """A staff decision about one child, kept across re-runs until revoked. Always with a reason."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="decisions")
    child_id = models.CharField("児童番号", max_length=64)
    kind = models.CharField("判断", max_length=10, choices=DecisionKind.choices)
    facility_id = models.CharField("施設番号", max_length=64, blank=True)
    reason = models.TextField("理由")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def as_engine_dict(self) -> dict[str, str | None]:
        """What a run stores and gives the engine (`kyodo.hoiku.model.decision.Decision`)."""
        return {
            "kind": self.kind,
            "child_id": self.child_id,
            "facility_id": self.facility_id or None,
            "reason": self.reason,
            "by": self.created_by.username,
        }


class RunStatus(models.TextChoices):
    QUEUED = "queued", "待機中"
    RUNNING = "running", "実行中"
    DONE = "done", "完了"
    FAILED = "failed", "失敗"


class Run(OrgOwned, BackgroundJob):
    """One run of the engine on one input set with the decisions in force; its progress and results."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="runs")
    input_set = models.ForeignKey(InputSet, on_delete=models.PROTECT, related_name="runs")
    number = models.PositiveIntegerField("回")
    status = models.CharField("状態", max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("進捗(%)", default=0)
    step = models.CharField("処理中の段階", max_length=100, blank=True)
    error = models.TextField("エラー", blank=True)
    # What reproduces the run: with the stored input files these give the same result.
    seed = models.PositiveIntegerField("乱数シード")
    rules_name = models.CharField(max_length=40, blank=True)
    rules_version = models.ForeignKey(
        "RulesVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="runs"
    )
    # The rules' YAML exactly as this run used it (a version's text changes when a value is confirmed).
    rules_text = models.TextField(blank=True)
    fiscal_year = models.PositiveIntegerField()
    decisions = models.JSONField("職員判断", default=list)
    reproduces = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    record = models.JSONField("実行記録", default=dict)
    summary = models.JSONField("集計", default=dict)
    workbook = models.BinaryField(null=True)
    result_json = models.BinaryField(null=True)  # gzip of kyodo.hoiku.outputs.result_json.json_bytes
    results_csv = models.BinaryField(null=True)  # kyodo.hoiku.outputs.results_csv.results_csv_bytes
    notices_pdf = models.BinaryField(null=True)  # kyodo.hoiku.outputs.notices.write_notices: a notice per child
    appeals_pdf = models.BinaryField(null=True)  # kyodo.hoiku.outputs.notices.write_appeal_sheets
    documents_note = models.CharField("書類の注意", max_length=200, blank=True)  # why a document is missing
    # Who moved since the round's previous finished run, and why (kyodo.hoiku.explain.diff.diff_runs).
    diff_base = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    diff_changes = models.JSONField(default=list)
    # 試行・未確定: the rules values not 確認済み the run used (kyodo.hoiku.outcome.Trial.to_dict), None if none.
    trial = models.JSONField("試行", null=True, blank=True, default=None)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # 確定: an organisation administrator confirms a finished run; final notices come only from it
    # (kyodo.web.hoiku.confirmation). A later confirmed run supersedes it; un-confirming needs a reason.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField("確定日時", null=True, blank=True)
    superseded_by = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    unconfirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unconfirmed_at = models.DateTimeField("確定取消日時", null=True, blank=True)
    unconfirm_reason = models.TextField("確定取消の理由", blank=True)

    # Large fields that pages leave unloaded (QuerySet.defer) until a download needs one.
    STORED_FILES = ("workbook", "result_json", "results_csv", "notices_pdf", "appeals_pdf")
    TASK_PATH = "kyodo.web.hoiku.tasks.execute_run"

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="hoiku_run_number_per_round"),
            models.UniqueConstraint(
                fields=["round"], name="hoiku_one_confirmed_run_per_round",
                condition=models.Q(confirmed_at__isnull=False, unconfirmed_at__isnull=True,
                                   superseded_by__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"第{self.number}回"

    @property
    def title(self) -> str:
        """How every page names the run: by its number in its round (the URL's id is not that number)."""
        return f"{self.round.fiscal_year}年度 {self.round.title} 第{self.number}回"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)

    @property
    def rules_label(self) -> str:
        return rules_label(self.rules_version, self.rules_name)

    @property
    def is_confirmed(self) -> bool:
        """Confirmed (確定) and still in force: not un-confirmed, not superseded by a later confirmed run."""
        return bool(self.confirmed_at and not self.unconfirmed_at and not self.superseded_by_id)


class RunChild(OrgOwned):
    """One child's result in one run: where it was offered a seat, its points and their breakdown."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="children")
    child_id = models.CharField("児童番号", max_length=64)
    household_id = models.CharField("世帯番号", max_length=64)
    name = models.CharField("氏名", max_length=100, blank=True)
    age_class = models.PositiveSmallIntegerField("年齢クラス")
    facility_id = models.CharField("内定施設", max_length=64, blank=True)  # empty: not admitted (保留)
    choice_number = models.PositiveSmallIntegerField("希望順位", null=True)
    points = models.IntegerField("指数")
    # [{facility_id, name, points, rank, offered, waitlist}] in the child's order of choice
    choices = models.JSONField(default=list)
    breakdown = models.JSONField(default=list)  # [{label, points, reference, needs_confirmation, facility_id}]
    # kyodo.hoiku.explain.reasons.explanation_to_dict: {summary, reasons: [{choice, facility_id, kind, label, text, …}]}
    explanation = models.JSONField(default=dict)
    flags = models.JSONField(default=list)  # [{kind, message}]
    flagged = models.BooleanField("要確認", default=False)  # flags != [], as a column the flags page can filter on
    current_facility = models.CharField("在園施設", max_length=64, blank=True)
    # The engine's Status (kyodo.hoiku.model.result.Status value), as a column the children list filters on.
    status = models.CharField("結果", max_length=12, blank=True)
    best_waitlist = models.PositiveIntegerField("待機順位(第1希望)", null=True)

    class Meta:
        ordering = ["child_id"]
        indexes = [
            models.Index(fields=["run", "child_id"]),
            models.Index(fields=["run", "facility_id"]),
            models.Index(fields=["run", "status"]),
            models.Index(fields=["run", "household_id"]),
        ]

    @property
    def admitted(self) -> bool:
        return bool(self.facility_id)


class RunFacility(OrgOwned):
    """One facility's lists in one run, written with the run's per-child rows (`seat_lists.build`): per age class,
    the children placed there in priority order and its waiting list in order. A facility page reads one row."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="facility_lists")
    facility_id = models.CharField("施設", max_length=64)
    # {age class: {"placed": [entry, …], "waiting": [entry, …]}}; an entry: seat_lists.entry
    lists = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "facility_id"], name="hoiku_run_facility_once")]


class LetterSetting(OrgOwned):
    """What an organisation's notices print (kyodo.hoiku.outputs.notices.letter.LetterSettings): one per organisation."""

    document_number = models.CharField("文書番号", max_length=60)
    issue_date = models.DateField("発行日")
    mayor = models.CharField("区長名", max_length=60, help_text="通知書には「○○区長 氏名（公印省略）」と印字します")
    contact_section = models.CharField("問い合わせ先(担当課)", max_length=60)
    contact_phone = models.CharField("問い合わせ先の電話番号", max_length=30)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation"], name="hoiku_letter_setting_per_org")]

    def __str__(self) -> str:
        return f"通知書の設定({self.document_number})"

    def as_engine(self) -> LetterSettings:
        """The engine's LetterSettings (validated again there)."""
        from kyodo.hoiku.outputs.notices.letter import letter_settings

        return letter_settings(
            {
                "document_number": self.document_number,
                "issue_date": self.issue_date,
                "mayor": self.mayor,
                "contact_section": self.contact_section,
                "contact_phone": self.contact_phone,
            },
            "通知書の設定",
        )


# Notice archives and what-if comparisons of a run (their own module; imported here so that Django finds them).
from kyodo.web.hoiku.models_documents import NoticeArchive as NoticeArchive  # noqa: E402
from kyodo.web.hoiku.models_documents import WhatIf as WhatIf  # noqa: E402
from kyodo.web.hoiku.models_rules import ParityCheck, RulesOrigin, RulesVersion, rules_label  # noqa: E402

__all__ = [
    "Decision", "DecisionKind", "InputSet", "LetterSetting", "NoticeArchive", "ParityCheck", "Phase", "Round",
    "RulesOrigin", "RulesVersion", "Run", "RunChild", "RunStatus", "WhatIf", "rules_label",
]
