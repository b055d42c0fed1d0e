"""The Japanese columns of the two input files (開催回一覧 and 推薦一覧): header → (required, what it holds)."""

from __future__ import annotations

from collections.abc import Mapping

from kyodo.kenshu.model import Instance

SESSION_COLUMNS: Mapping[str, tuple[bool, str]] = {
    "開催回ID": (True, "開催回を一意に表す記号(例: S001)"),
    "研修ID": (True, "研修を表す記号(例: K01)。同じ研修の開催回は同じ研修ID"),
    "研修名": (True, "研修の名称"),
    "開催日": (True, "開催日(例: 2026-06-10)。時刻を付けてもよい(2026-06-10 13:30)"),
    "形式": (True, "集合 / オンライン / ハイブリッド"),
    "定員": (True, "座席の数(1以上の整数)"),
    "団体あたり上限": (False, "1つの団体が取れる座席の上限(空欄は上限なし)"),
    "会場": (False, "会場(任意)"),
    "区分": (False, "DSS-L(リテラシー)/ DSS-P(推進人材)。空欄は DSS-L"),
    "スキル": (False, "DX推進スキル標準のスキル項目を ; で区切る(例: データリテラシー; 統計学)"),
    "レベル": (False, "1〜4(空欄は1)"),
    "時間数": (False, "研修の時間数(空欄は3)"),
    "前提研修": (False, "先に修了しておく研修の研修IDを ; で区切る"),
}

NOMINATION_COLUMNS: Mapping[str, tuple[bool, str]] = {
    "推薦ID": (True, "推薦を一意に表す記号(例: N0001)"),
    "職員ID": (True, "団体の中で職員を表す記号"),
    "氏名": (True, "職員の氏名"),
    "団体": (True, "推薦した団体。団体名(例: 檜原村)か団体コード(例: 133078)。東京都も可"),
    "研修ID": (True, "推薦する研修の研修ID"),
    "希望開催回": (True, "希望する開催回IDを希望順に ; で区切る"),
    "団体内順位": (True, "その研修への団体内の推薦順位(1が最優先)"),
    "申込日時": (True, "推薦を出した日時(例: 2026-03-02 10:15)"),
    "前回キャンセル待ち": (False, "前回この研修でキャンセル待ちになった人は「はい」(空欄は「いいえ」)"),
    "修了済み研修": (False, "修了済みの研修IDを ; で区切る(前提研修の確認に使う)"),
}

YES = ("はい", "有", "あり", "1", "true", "TRUE", "○", "〇")
NO = ("いいえ", "無", "なし", "0", "false", "FALSE", "")


def session_rows(instance: Instance) -> list[list[str]]:
    from kyodo.jinzai.skills import taxonomy

    tax = taxonomy()
    rows = []
    for s in instance.sessions:
        c = instance.courses[s.course_id]
        rows.append([
            s.id, c.id, c.title, f"{s.starts_at:%Y-%m-%d %H:%M}", s.format.value, str(s.capacity),
            "" if s.municipal_cap is None else str(s.municipal_cap), s.venue, c.standard.value,
            "; ".join(tax.name(k) for k in c.skills), str(c.level), str(c.hours), "; ".join(c.prerequisites),
        ])
    return rows


def nomination_rows(instance: Instance) -> list[list[str]]:
    from kyodo.kenshu.report import org_name

    return [
        [n.id, n.staff_id, n.name, org_name(n.municipality), n.course_id, "; ".join(n.sessions), str(n.rank),
         f"{n.submitted_at:%Y-%m-%d %H:%M}", "はい" if n.waitlisted_before else "", "; ".join(sorted(n.completed))]
        for n in instance.nominations
    ]
