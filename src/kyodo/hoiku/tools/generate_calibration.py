"""Calibration of the synthetic ward: proportions, weights and names (see generate.py's docstring
for the published data each follows). Plain constants, kept apart so the generator's logic stays short.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import accumulate

from kyodo.hoiku.model.instance import Reason

CENTER = (35.67, 139.82)  # 江東区役所のあたり
KM_PER_DEGREE_LAT = 111.0
# 江東区: about 7 km across with some 300 facilities; larger synthetic wards keep that density.
SIDE_KM_AT_311 = 7.0

# kind → (ages it takes, share of facilities, relative size of its April intake)
KINDS: Mapping[str, tuple[tuple[int, ...], float, float]] = {
    "認可保育所": ((0, 1, 2, 3, 4, 5), 0.72, 1.0),
    "小規模保育": ((0, 1, 2), 0.17, 0.35),
    "認定こども園": ((0, 1, 2, 3, 4, 5), 0.05, 1.1),
    "家庭的保育": ((0, 1, 2), 0.04, 0.15),
    "事業所内保育": ((0, 1, 2), 0.02, 0.3),
}
KIND_AGES: Mapping[str, tuple[int, ...]] = {kind: ages for kind, (ages, _, _) in KINDS.items()}
KIND_SUFFIX: Mapping[str, str] = {
    "認可保育所": "保育園",
    "小規模保育": "保育室",
    "認定こども園": "こども園",
    "家庭的保育": "家庭的保育室",
    "事業所内保育": "事業所内保育所",
}
# 港区の一覧では「1歳の誕生日」からの園もある: some 認可 take no age 0.
SHARE_FROM_AGE_1 = 0.1

# Age classes of applicants in an April first round (Tokyo wards: most at 0 and 1).
APPLICANT_AGES = (0.30, 0.42, 0.13, 0.09, 0.04, 0.02)
TRANSFER_AGES = (0.0, 0.25, 0.30, 0.20, 0.15, 0.10)
# Applicants per seat: over 1 at ages 0-2 (待機), under 1 at 3-5 (空有 at many).
DEMAND_RATIO = {0: (1.3, 1.8), 1: (1.5, 2.0), 2: (1.3, 1.8), 3: (0.6, 0.9), 4: (0.6, 0.9), 5: (0.6, 0.9)}
# Share of facilities taking that age that recruit at all this round (the others print `―`).
RECRUITING = {0: 0.9, 1: 1.0, 2: 0.75, 3: 0.6, 4: 0.5, 5: 0.45}

CHOICE_COUNTS = tuple(range(1, 11))
CHOICE_COUNT_CUM = tuple(accumulate((10, 8, 9, 9, 10, 9, 8, 7, 6, 24)))  # many fill every line
TILE_KM = 1.0
REACH_KM = 4.0
DISTANCE_SCALE_KM = 0.8  # parents choose within a walk or a short ride
NO_VACANCY_WEIGHT = 0.15  # some still list a facility that recruits no one at their age

# ChilmAI's sibling patterns: most families want the same facility (1-5), some each their own (6, 7).
SIBLING_PATTERNS = (1, 2, 3, 4, 5, 6, 7)
SIBLING_PATTERN_CUM = tuple(accumulate((38, 12, 6, 22, 7, 8, 7)))
SINGLE_PARENT_SHARE = 0.08
ENROLLED_SIBLING_SHARE = 0.12

# Grades as the rules files name them (koto.yaml); a ward with other names maps them in its file.
GRADES: Mapping[Reason, tuple[tuple[str, float], ...]] = {
    Reason.ILLNESS: (("入院", 0.1), ("常時臥床", 0.1), ("精神疾患", 0.3), ("通院加療", 0.5)),
    Reason.DISABILITY: (
        ("身体障害者手帳1・2級等", 0.4),
        ("身体障害者手帳3級等", 0.3),
        ("身体障害者手帳4級等", 0.3),
    ),
    Reason.CARE: (("常時介護", 0.5), ("通院付添等", 0.5)),
}

AREAS = (
    "豊洲", "東雲", "有明", "辰巳", "潮見", "枝川", "塩浜", "木場", "東陽", "南砂", "東砂", "北砂", "新砂", "大島", "亀戸", "住吉", "猿江",
    "毛利", "扇橋", "石島", "千田", "海辺", "白河", "三好", "平野", "深川", "清澄", "佐賀", "永代", "門前仲町", "富岡", "牡丹", "古石場",
    "越中島", "冬木", "福住", "常盤", "森下", "新大橋", "高橋",
)  # fmt: skip
BRANDS = (
    "さくら", "ひまわり", "こもれび", "そらいろ", "にじの木", "つばさ", "あおぞら", "すくすく", "どんぐり", "わかば", "ひだまり", "たんぽぽ", "おひさま",
    "うみかぜ", "みどり", "ほしぞら", "はなみずき", "いちょう", "こぐま", "りんごの木",
)  # fmt: skip
FAMILY_NAMES = (
    "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木", "山口", "松本", "井上", "木村",
    "林", "斎藤", "清水", "山崎", "森", "池田", "橋本", "阿部", "石川",
)  # fmt: skip
GIVEN_NAMES = (
    "蓮", "陽翔", "湊", "蒼", "樹", "悠真", "朝陽", "律", "結翔", "大和", "陽葵", "凛", "芽依", "葵", "紬", "結菜", "澪", "杏", "莉子",
    "さくら", "ひな", "ゆい", "はると", "そら",
)  # fmt: skip


# Guardian situations and their (cumulative) weights for the first and second guardian of a couple and a
# single parent. Most couples both work full time (the top score); the rest spread below it.
_REASON = {
    "full": Reason.EMPLOYMENT, "short": Reason.EMPLOYMENT, "part": Reason.EMPLOYMENT,  # short: 時短勤務
    "home": Reason.EMPLOYMENT_HOME, "study": Reason.STUDY, "job": Reason.JOB_SEEKING, "birth": Reason.BIRTH,
    "illness": Reason.ILLNESS, "disability": Reason.DISABILITY, "care": Reason.CARE, "none": Reason.NONE,
}  # fmt: skip
_SITUATIONS = tuple(_REASON)
_FIRST = tuple(accumulate((920, 10, 10, 30, 5, 10, 0, 5, 3, 4, 3)))
_SECOND = tuple(accumulate((700, 80, 80, 30, 10, 45, 25, 12, 3, 7, 5)))
_SINGLE = tuple(accumulate((720, 60, 80, 20, 20, 80, 0, 15, 2, 3, 0)))
# 住民税所得割額 per guardian: (share with none, median yen, spread of the log)
_TAX = {"full": (0.0, 220_000, 0.5), "short": (0.02, 150_000, 0.5), "part": (0.45, 30_000, 0.8),
        "home": (0.15, 180_000, 0.8), "none": (0.1, 100_000, 0.8)}  # fmt: skip
_TAX_OTHER = (0.5, 40_000, 0.9)
