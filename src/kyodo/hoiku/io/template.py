"""Column names of Kyodo's own template and of ChilmAI's default format.

Each column has the header Kyodo writes and the other headers it accepts (compared after NFKC and
without spaces or underscores, see `tabular.header_key`). The template is documented for clerks in
examples/hoiku/README.md; keep the two in step.
"""

from __future__ import annotations

import re

from kyodo.hoiku.model.instance import CHILD_FACTS, HOUSEHOLD_FACTS

# -- Kyodo template: children ---------------------------------------------------------------------------------
CHILD_ID = "児童番号"
HOUSEHOLD_ID = "世帯番号"
NAME = "氏名"
GUARDIAN_NAME = "保護者氏名"  # optional: the notice's addressee (「○○ 様」)
BIRTH_DATE = "生年月日"
AGE_CLASS = "年齢クラス"
CURRENT = "在園施設"
SIBLING_FACILITIES = "きょうだい在園施設"
SIBLING_GRADUATING = "卒園予定きょうだい在園施設"  # optional: where the enrolled sibling leaves this March
SIBLING_PATTERN = "きょうだいパターン"
POINTS = "指数"  # optional: points given instead of facts
CHOICE_RE = re.compile(r"第(\d+)希望(?:施設)?", re.ASCII)


def choice_header(n: int) -> str:
    return f"第{n}希望"


ALIASES: dict[str, tuple[str, ...]] = {
    CHILD_ID: ("児童ID", "児童No", "申込番号"),
    HOUSEHOLD_ID: ("世帯ID", "世帯No", "世帯コード"),
    NAME: ("児童氏名", "児童名", "名前"),
    AGE_CLASS: ("年齢", "クラス年齢", "入所時年齢"),
    CURRENT: ("在園施設番号", "在籍施設", "在籍保育所", "転園元"),
    SIBLING_FACILITIES: ("きょうだい在園", "兄弟姉妹在園施設"),
    GUARDIAN_NAME: ("保護者名", "申請者氏名"),
    SIBLING_GRADUATING: ("卒園予定きょうだい", "きょうだい卒園予定施設"),
}

# Guardian columns: 保護者1_事由 …; the field of model.Guardian each one fills.
GUARDIAN_COUNT = 2
GUARDIAN_FIELDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("reason", "事由", ("保育を必要とする事由", "保育の必要性")),
    ("days_per_month", "月日数", ("月就労日数", "就労日数(月)", "日数(月)")),
    ("hours_per_day", "1日時間", ("1日就労時間", "就労時間(日)", "時間(日)")),
    ("days_per_week", "週日数", ("週就労日数", "就労日数(週)", "日数(週)")),
    ("hours_per_week", "週時間", ("週就労時間", "就労時間(週)", "時間(週)")),
    ("grade", "程度", ("状況", "等級")),
)


def guardian_header(n: int, suffix: str) -> str:
    return f"保護者{n}_{suffix}"


# Household and child facts: the short header Kyodo writes; the label in model.py is accepted too.
HOUSEHOLD_FACT_HEADERS: dict[str, str] = {
    "single_parent": "ひとり親",
    "welfare": "生活保護",
    "municipal_tax": "住民税所得割額",
    "unlicensed_care": "認可外利用",
    "return_from_leave": "育休復帰",
    "nursery_worker": "保育士等",
    "grandparent_can_care": "祖父母保育可",
    "waiting_months": "待機月数",
    "children_under_school_age": "就学前児童数",
    "lives_with_grandparent": "祖父母同居",
    "has_grandparent": "祖父母同居近居",
    "grandparent_distance_m": "祖父母距離",
    "grandparent_age": "祖父母年齢",
    "grandparent_unemployed": "祖父母無職求職中",
}
CHILD_FACT_HEADERS: dict[str, str] = {
    "twins": "多胎児",
    "disability": "障害児",
    "small_scale_graduate": "小規模卒園",
    "allergy": "アレルギー",
    "readmission_after_leave": "育休退園再入園",
    "born_during_leave": "育休対象児",
}
# Facts that are numbers (blank = missing); every other fact is yes/no (blank = no).
NUMERIC_FACTS: frozenset[str] = frozenset(
    {
        "municipal_tax",
        "waiting_months",
        "children_under_school_age",
        "grandparent_distance_m",
        "grandparent_age",
    }
)

for _key, _label in HOUSEHOLD_FACTS.items():
    HOUSEHOLD_FACT_HEADERS.setdefault(_key, _label)
    ALIASES.setdefault(HOUSEHOLD_FACT_HEADERS[_key], (_label,))
for _key, _label in CHILD_FACTS.items():
    CHILD_FACT_HEADERS.setdefault(_key, _label)
    ALIASES.setdefault(CHILD_FACT_HEADERS[_key], (_label,))
ALIASES["多胎児"] = (CHILD_FACTS["twins"], "双子", "双生児")

# -- Kyodo template: facilities -------------------------------------------------------------------------------
FACILITY_ID = "施設番号"
FACILITY_NAME = "施設名"
KIND = "種別"
LATITUDE = "緯度"
LONGITUDE = "経度"
SHARED = "共有枠"
AGE_RE = re.compile(r"(\d)歳(?:児)?(?:募集人数|募集|定員|枠)?", re.ASCII)


def vacancy_header(age: int) -> str:
    return f"{age}歳募集人数"


ALIASES.update(
    {
        FACILITY_ID: ("施設ID", "施設コード", "保育所番号"),
        FACILITY_NAME: ("保育所名", "保育園名", "施設名称"),
        KIND: ("施設種別", "施設類型"),
    }
)

KINDS: tuple[str, ...] = (
    "認可保育所",
    "小規模保育",
    "認定こども園",
    "家庭的保育",
    "事業所内保育",
    "居宅訪問型保育",
)
# Names wards publish for the same kinds (港区: 認可保育園, 小規模保育事業 …).
KIND_ALIASES: dict[str, str] = {
    "認可保育園": "認可保育所",
    "保育所": "認可保育所",
    "保育園": "認可保育所",
    "小規模保育事業": "小規模保育",
    "小規模保育所": "小規模保育",
    "小規模": "小規模保育",
    "こども園": "認定こども園",
    "家庭的保育事業": "家庭的保育",
    "保育ママ": "家庭的保育",
    "事業所内保育事業": "事業所内保育",
    "居宅訪問型保育事業": "居宅訪問型保育",
}

# -- ChilmAI default format -----------------------------------------------------------------------------------
CM_CHILD_ID = "申請者番号"
CM_HOUSEHOLD_ID = "世帯番号"
CM_AGE = "年齢"
CM_SCORE = "点数"
CM_SCORE_RE = re.compile(r"点数(\d+)", re.ASCII)
CM_CHOICE_RE = re.compile(r"希望保育園ID_?(\d+)", re.ASCII)  # matched against header_key (no "_")
CM_CURRENT = "在籍保育所ID"
CM_SIBLING_PATTERN = "きょうだいパターン"
CM_FACILITY_ID = "保育所ID"
CM_FACILITY_NAME = "保育所名"
CM_VACANCY_RE = re.compile(r"(\d+)歳募集人数", re.ASCII)


def cm_choice_header(n: int) -> str:
    return f"希望保育園ID_{n}"


def cm_score_header(n: int) -> str:
    return f"点数{n}"


def cm_vacancy_header(age: int) -> str:
    return f"{age}歳募集人数"
