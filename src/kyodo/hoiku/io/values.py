"""Parse one cell's text into a value. Each parser returns the value or raises CellError(message in Japanese)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

from kyodo.hoiku.model.instance import REASON_LABELS, Reason
from kyodo.tables import visible


class CellError(ValueError):
    """A cell that cannot be parsed; the message is Japanese and says what is expected."""


def norm(text: str) -> str:
    """NFKC, so that full-width digits and letters (１２, ＡＢ) read as ASCII."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text).strip()


_FLOAT_ID_RE = re.compile(r"-?\d+\.0+")


@lru_cache(maxsize=1 << 16)  # facility ids repeat on every row; the cache makes reading 50,000 rows cheap
def parse_id(text: str) -> str:
    """An id as written; NFKC so 全角 digits match, and Excel's 12.0 reads as 12."""
    value = norm(text)
    if "." in value and _FLOAT_ID_RE.fullmatch(value):  # as ChilmAI's norm_id; 0012 stays 0012
        value = value.split(".", 1)[0]
    return value


_INT_RE = re.compile(r"[+-]?\d{1,15}(?:\.0{1,15})?")  # 15 digits: more than any count, yen or score
MAX_DIGITS = 15
ID_MAX_CHARS = 64
# An id is part of page addresses (/hoiku/…/child/<id>/) and file names: no path separators, no lone dots,
# no line breaks or tabs.
_ID_FORBIDDEN = re.compile(r"[/\\\r\n\t]")


def id_problem(value: str, what: str) -> str | None:
    """Why an id (already through parse_id) cannot be used, or None when it can."""
    if len(value) > ID_MAX_CHARS:
        return f"{what}「{visible(value)}」が長すぎます({len(value)}文字)。{ID_MAX_CHARS}文字までにしてください"
    bad = _ID_FORBIDDEN.search(value)
    if bad:
        return (
            f"{what}「{visible(value)}」に使えない文字「{visible(bad.group())}」があります。"
            "番号には / \\ や改行を使わず、英数字・ハイフンなどで書いてください"
        )
    if value in (".", ".."):
        return f"{what}「{value}」は番号として使えません。英数字などで書いてください"
    return None
_DASHES = frozenset({"-", "―", "‐", "ー", "—", "–", "－"})


_UNITS = ("か月", "ヶ月", "カ月", "ケ月", "日", "円", "人", "歳")


def _strip_unit(value: str, units: tuple[str, ...]) -> str:
    """20日 → 20, 120,000円 → 120,000: clerks often type the unit."""
    if value.isascii():
        return value
    for unit in units:
        if value.endswith(unit):
            return value[: -len(unit)].strip()
    return value


def parse_int(text: str, *, what: str = "整数") -> int:
    if text.isdigit() and text.isascii() and len(text) <= MAX_DIGITS:  # the common case, without a regex
        return int(text)
    value = _strip_unit(norm(text), _UNITS).replace(",", "")
    if not _INT_RE.fullmatch(value):
        if sum(ch.isdigit() for ch in value) > MAX_DIGITS:
            raise CellError(f"「{visible(text)}」は桁数が多すぎます({what}は{MAX_DIGITS}桁までです)")
        raise CellError(f"「{visible(text)}」は{what}ではありません。整数で入力してください")
    return int(float(value)) if "." in value else int(value)


MAX_SEATS = 1_000  # per facility and age class; the largest nurseries have about 300 places in all


def parse_count(text: str) -> int | None:
    """A number of seats: 0 to MAX_SEATS; None for blank or a dash (―: no such class here)."""
    if not text or text in _DASHES:
        return None
    value = parse_int(text, what="人数")
    if value < 0:
        raise CellError(f"人数に負の値({value})は入力できません。0以上の整数で入力してください")
    if value > MAX_SEATS:
        raise CellError(f"人数 {value:,} は多すぎます({MAX_SEATS:,}人までで入力してください)")
    return value


_FLOAT_RE = re.compile(r"[+-]?(?:\d{1,15}(?:\.\d{0,15})?|\.\d{1,15})(?:[eE][+-]?\d{1,3})?")
_HM_RE = re.compile(r"(\d{1,2}):(\d{2})")


def parse_hours(text: str) -> float:
    """Hours as a decimal (7.5, 7.5時間) or as h:mm (7:30)."""
    value = _strip_unit(norm(text), ("時間",))
    m = _HM_RE.fullmatch(value)
    if m:
        minutes = int(m.group(2))
        if minutes >= 60:
            raise CellError(f"「{visible(text)}」は時間として読めません")
        return int(m.group(1)) + minutes / 60
    if not _FLOAT_RE.fullmatch(value):
        raise CellError(f"「{visible(text)}」は数値ではありません。時間数を数字で入力してください(例: 7.5)")
    return float(value)


def parse_float(text: str) -> float:
    value = norm(text)
    if not _FLOAT_RE.fullmatch(value):
        raise CellError(f"「{visible(text)}」は数値ではありません")
    return float(value)


_TRUE = frozenset(
    {"1", "true", "yes", "y", "○", "〇", "◯", "●", "はい", "有", "あり", "該当", "レ", "✓", "✔"}
)
_FALSE = frozenset({"0", "false", "no", "n", "×", "x", "いいえ", "無", "なし", "非該当"})


def parse_bool(text: str) -> bool:
    """A yes/no column: ○, 1, はい, 有 … are true; blank, 0, ×, いいえ, 無 … are false."""
    if not text:
        return False
    value = norm(text).lower()
    if value in _TRUE:
        return True
    if value in _FALSE or value in _DASHES:
        return False
    raise CellError(
        f"「{visible(text)}」は「はい/いいえ」として読めません。該当するときは ○ または 1、しないときは空欄にしてください"
    )


# -- reasons -------------------------------------------------------------------------------------------------

_REASON_ALIASES: dict[str, Reason] = {
    "就労": Reason.EMPLOYMENT,
    "就労居宅外": Reason.EMPLOYMENT,
    "居宅外就労": Reason.EMPLOYMENT,
    "外勤": Reason.EMPLOYMENT,
    "居宅内就労": Reason.EMPLOYMENT_HOME,
    "就労居宅内": Reason.EMPLOYMENT_HOME,
    "疾病": Reason.ILLNESS,
    "負傷": Reason.ILLNESS,
    "疾病負傷": Reason.ILLNESS,
    "病気": Reason.ILLNESS,
    "障害": Reason.DISABILITY,
    "障がい": Reason.DISABILITY,
    "介護": Reason.CARE,
    "看護": Reason.CARE,
    "介護看護": Reason.CARE,
    "就学": Reason.STUDY,
    "職業訓練": Reason.STUDY,
    "就学職業訓練": Reason.STUDY,
    "内職": Reason.PIECEWORK,
    "就労内職": Reason.PIECEWORK,
    "内定": Reason.EMPLOYMENT_OFFER,
    "就労内定": Reason.EMPLOYMENT_OFFER,
    "求職": Reason.JOB_SEEKING,
    "求職活動": Reason.JOB_SEEKING,
    "求職中": Reason.JOB_SEEKING,
    "妊娠": Reason.BIRTH,
    "出産": Reason.BIRTH,
    "妊娠出産": Reason.BIRTH,
    "災害": Reason.DISASTER,
    "災害復旧": Reason.DISASTER,
    "なし": Reason.NONE,
    "事由なし": Reason.NONE,
    "保育可能": Reason.NONE,
}
_REASON_STRIP_RE = re.compile(r"[\s()・、/]+")


def _reason_key(text: str) -> str:
    return _REASON_STRIP_RE.sub("", unicodedata.normalize("NFKC", text)).lower()


_REASONS: dict[str, Reason] = {_reason_key(k): v for k, v in _REASON_ALIASES.items()}
_REASONS.update({_reason_key(label): reason for reason, label in REASON_LABELS.items()})
_REASONS.update({reason.value: reason for reason in Reason})


def parse_reason(text: str) -> Reason:
    """就労(居宅外), 就労, 居宅内就労, 疾病, 求職 … or the English code (employment)."""
    reason = _REASONS.get(_reason_key(text))
    if reason is None:
        known = "、".join(REASON_LABELS.values())
        raise CellError(f"事由「{visible(text)}」が分かりません。次のいずれかを入力してください: {known}")
    return reason


# -- dates ---------------------------------------------------------------------------------------------------

_ERAS = {"令和": 2018, "r": 2018, "平成": 1988, "h": 1988, "昭和": 1925, "s": 1925}
_TIME_RE = re.compile(r"[\sTt]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_ISO_RE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_COMPACT_RE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_ERA_RE = re.compile(r"(令和|平成|昭和|r|h|s)\s*(\d{1,2}|元)[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


@lru_cache(maxsize=1 << 14)  # birth dates repeat across a ward's rows
def parse_date(text: str) -> date:
    """2024-05-01, 2024/5/1, 2024年5月1日, 20240501, R6.5.1, 令和6年5月1日, 令和元年5月1日."""
    value = _TIME_RE.sub("", norm(text).lower()).replace(" ", "")
    m = _ISO_RE.fullmatch(value) or _COMPACT_RE.fullmatch(value)
    if m:
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = _ERA_RE.fullmatch(value)
        if not m:
            raise CellError(
                f"「{visible(text)}」は日付として読めません。2024-05-01、2024/5/1、R6.5.1 のように入力してください"
            )
        era_year = 1 if m.group(2) == "元" else int(m.group(2))
        year, month, day = _ERAS[m.group(1)] + era_year, int(m.group(3)), int(m.group(4))
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise CellError(f"「{visible(text)}」は存在しない日付です") from exc


# -- lists ---------------------------------------------------------------------------------------------------

_LIST_SPLIT_RE = re.compile(r"[,、;；/\s]+")


def parse_id_list(text: str) -> tuple[str, ...]:
    """Several ids in one cell: separated by 、 , ; / or spaces."""
    if not text:
        return ()
    return tuple(parse_id(p) for p in _LIST_SPLIT_RE.split(norm(text)) if p)
