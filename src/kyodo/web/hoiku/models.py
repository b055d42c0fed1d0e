"""Nursery allocation rounds in the web app: the stored inputs, runs, per-child results and staff decisions.

Everything here is an organisation's personal data (children, households, points), so every model is
`OrgOwned`. The engine (`kyodo.hoiku`) does the allocation; these rows keep what it was given and what
it returned, so that a run can be reopened and reproduced later.
"""
# ruff: noqa: RUF012  (Django's Meta and Migration classes take class-level lists by design)

from __future__ import annotations

from django.conf import settings
from django.db import models

from kyodo.web.jobs import BackgroundJob
from kyodo.web.tenancy import OrgOwned


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
    seed = models.PositiveIntegerField("抽選の乱数シード", default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-fiscal_year", "-created_at"]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度 {self.get_phase_display()} {self.title}"

    def latest_input(self) -> InputSet | None:
        return self.inputs.order_by("-uploaded_at", "-id").first()  # type: ignore[no-any-return]


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
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    # Large fields that pages leave unloaded (QuerySet.defer) until a download needs one.
    STORED_FILES = ("workbook", "result_json", "results_csv", "notices_pdf", "appeals_pdf")
    TASK_PATH = "kyodo.web.hoiku.tasks.execute_run"

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["round", "number"], name="hoiku_run_number_per_round")]

    def __str__(self) -> str:
        return f"第{self.number}回"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)


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
