"""The Japanese columns of the two input files, and instance → rows (for `generate` and templates).

人材一覧(SPECIALISTS) and 依頼一覧(REQUESTS): header → (required, what it holds). `examples/jinzai/README.md`
documents the same columns for clerks; a test keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Mapping

from kyodo.jinzai.io import Cell
from kyodo.jinzai.model import SPECIALIST_MODES, Instance
from kyodo.jinzai.skills import taxonomy
from kyodo.municipalities import BY_CODE

LIST_SEPARATORS = (";", ";", "、", "\n")

# Columns of which at least one must be present (and filled in on every row).
SPECIALIST_ONE_OF: tuple[tuple[str, ...], ...] = (("週あたり稼働時間", "週あたり稼働日数"),)

SPECIALIST_COLUMNS: Mapping[str, tuple[bool, str]] = {
    "人材ID": (True, "人材を一意に表す記号(例: P0001)"),
    "氏名": (True, "氏名"),
    "人材類型": (False, "DX推進スキル標準の人材類型(ビジネスアーキテクト、デザイナー、データサイエンティスト、"
                       "ソフトウェアエンジニア、サイバーセキュリティ)"),
    "スキル": (True, "「スキル項目:レベル」を ; で区切る(例: クラウドインフラ活用:3; プロジェクトマネジメント:2)。"
                    "レベルは1〜4"),
    "週あたり稼働時間": (False, "この共同の仕組みに出せる1週あたりの時間(整数)。これか「週あたり稼働日数」の"
                               "どちらか一方を必ず書く"),
    "週あたり稼働日数": (False, "1週あたりの日数(整数、1日は8時間として数える)。時間で書いたときは空欄"),
    "現在の稼働時間": (False, "ほかの案件ですでに使っている1週あたりの時間(整数、空欄は0)"),
    "対応形態": (True, "現地・リモート / リモートのみ / 現地のみ"),
    "拠点地域": (True, "区部 / 多摩 / 島しょ"),
    "不在期間": (False, "「開始日~終了日」を ; で区切る(例: 2026-05-04~2026-05-08)"),
    "利益相反団体": (False, "支援できない団体(元の受注先など)。団体名か団体コードを ; で区切る"),
    "支援実績団体": (False, "以前に支援した団体。団体名か団体コードを ; で区切る"),
    "上限件数": (False, "この計画で受け持てる依頼の件数の上限(整数、空欄は上限なし)"),
}

REQUEST_COLUMNS: Mapping[str, tuple[bool, str]] = {
    "依頼ID": (True, "依頼を一意に表す記号(例: R0001)"),
    "団体": (True, "依頼した区市町村。団体名(例: 瑞穂町)か団体コード(例: 133035)"),
    "相談分野": (False, "似た依頼をまとめるための分野(例: 生成AI・AI活用)"),
    "目的": (True, "支援で達成したいこと"),
    "成果物": (True, "支援の成果として受け取るもの"),
    "必要スキル": (True, "「スキル項目:最低レベル」を ; で区切る(例: セキュリティマネジメント:3)"),
    "支援形態": (True, "現地 / リモート"),
    "工数": (True, "必要な量(整数)。現地は3日まで、リモートは10時間まで(制度の上限)"),
    "工数単位": (True, "日 / 時間(1日は8時間として数える)"),
    "開始日": (True, "支援を受けたい期間の初日(例: 2026-04-06)"),
    "終了日": (True, "期間の最終日(開始日以降)"),
    "緊急度": (False, "通常 / 高 / 緊急(空欄は通常)"),
    "希望人材ID": (False, "指名したい人材の人材ID(任意)"),
    "除外する専門人材": (False, "この依頼には割り当てない人材の人材ID(辞退・見送り済みなど)を ; で区切る(任意)。"
                             "希望人材IDより優先"),
}


def _join(items: list[str]) -> str:
    return "; ".join(items)


def _skills(skills: Mapping[str, int]) -> str:
    tax = taxonomy()
    return _join([f"{tax.name(s)}:{lv}" for s, lv in sorted(skills.items())])


def specialist_rows(instance: Instance) -> list[list[Cell]]:
    tax = taxonomy()
    mode_names = {modes: name for name, modes in SPECIALIST_MODES.items()}
    return [
        [
            s.id,
            s.name,
            tax.role_types.get(s.role_type or "", ""),
            _skills(s.skills),
            s.hours_per_week,
            None,
            s.current_load_hours,
            mode_names[s.modes],
            s.home_area,
            _join([f"{a:%Y-%m-%d}~{b:%Y-%m-%d}" for a, b in s.absences]),
            _join([BY_CODE[c].name for c in sorted(s.conflicts)]),
            _join([BY_CODE[c].name for c in sorted(s.history)]),
            s.max_cases,
        ]
        for s in instance.specialists
    ]


def request_rows(instance: Instance) -> list[list[Cell]]:
    return [
        [
            r.id,
            BY_CODE[r.municipality].name,
            r.category,
            r.purpose,
            r.deliverable,
            _skills(r.skills),
            r.mode.value,
            r.amount,
            r.unit.value,
            f"{r.start:%Y-%m-%d}",
            f"{r.end:%Y-%m-%d}",
            r.urgency.value,
            r.preferred,
            _join(sorted(r.excluded)),
        ]
        for r in instance.requests
    ]
