"""A realistic synthetic pool and a quarter of requests, from a seed (for demos, tests and the benchmark).

Shapes follow what the schemes report: side-job specialists offering at least a day a week for the most part, as
GovTech東京's pool asks (「週1日以上の複業」; about 85% here offer 8 hours or more, a few offer less), most
help remote, on-site help in whole days, every municipality asking something and larger ones asking more (demand grows
with the square root of population), more people with everyday skills than with level-4 expertise.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

from kyodo.jinzai.model import SPECIALIST_MODES, Instance, Mode, Request, Specialist, Unit, Urgency
from kyodo.jinzai.policy import Policy, load_policy
from kyodo.municipalities import MUNICIPALITIES

# DSS-P role type → (share of the pool, skills people of that type usually have)
ROLE_SKILLS: dict[str, tuple[float, tuple[str, ...]]] = {
    "business_architect": (
        0.24,
        (
            "business_strategy",
            "change_management",
            "business_analysis",
            "project_management",
            "enterprise_architecture",
            "product_management",
        ),
    ),
    "designer": (0.13, ("user_understanding", "value_discovery", "design", "user_validation", "frontend")),
    "data_scientist": (
        0.20,
        (
            "data_literacy",
            "data_ai_strategy",
            "data_ai_operations",
            "statistics",
            "machine_learning",
            "data_platform_design",
            "data_platform_operations",
        ),
    ),
    "software_engineer": (
        0.31,
        (
            "cloud_infrastructure",
            "backend",
            "frontend",
            "web_basics",
            "sre",
            "service_utilization",
            "development_process",
            "enterprise_architecture",
        ),
    ),
    "cybersecurity": (
        0.12,
        (
            "security_governance",
            "security_management",
            "incident_response",
            "privacy",
            "secure_development",
            "security_operations",
        ),
    ),
}

# 相談分野 → (share of requests, skills asked, purpose, deliverable)
CATEGORIES: dict[str, tuple[float, tuple[str, ...], str, str]] = {
    "基幹業務システム標準化・ガバメントクラウド移行": (
        0.25,
        ("cloud_infrastructure", "project_management", "enterprise_architecture"),
        "標準準拠システムへの移行計画の点検",
        "移行計画レビュー結果",
    ),
    "生成AI・AI活用": (
        0.20,
        ("data_ai_strategy", "data_ai_operations", "machine_learning"),
        "生成AIの庁内利用ルールと活用業務の整理",
        "活用方針案・利用ガイドライン案",
    ),
    "情報セキュリティ対策": (
        0.15,
        ("security_management", "incident_response", "security_governance"),
        "情報セキュリティポリシーの見直しと訓練",
        "ポリシー改定案・訓練報告",
    ),
    "データ利活用(EBPM)": (
        0.12,
        ("statistics", "data_literacy", "data_platform_design"),
        "施策評価のためのデータ分析",
        "分析報告書",
    ),
    "行政手続オンライン化・UI改善": (
        0.10,
        ("user_understanding", "design", "frontend"),
        "オンライン申請画面の使いやすさの改善",
        "改善提案書・画面案",
    ),
    "DX推進計画・業務改革": (
        0.10,
        ("business_analysis", "change_management", "business_strategy"),
        "DX推進計画の策定支援",
        "計画骨子案",
    ),
    "ノーコード・RPA導入": (
        0.08,
        ("service_utilization", "development_process"),
        "定型業務の自動化",
        "導入手順書",
    ),
}

_FAMILY = [
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山田",
    "佐々木",
    "山口",
    "松本",
    "井上",
    "木村",
    "林",
    "清水",
    "山崎",
]
_GIVEN = [
    "翔太",
    "美咲",
    "大輔",
    "陽子",
    "健一",
    "由美",
    "拓也",
    "彩",
    "直樹",
    "恵",
    "誠",
    "愛",
    "亮",
    "真由美",
    "和也",
    "優子",
    "剛",
    "麻衣",
    "聡",
    "香織",
]


def quarter_start(year: int, quarter: int) -> date:
    """First day of a fiscal-style calendar quarter: 1 → April (the Japanese fiscal year starts in April)."""
    month = 4 + 3 * (quarter - 1)
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def generate(
    *,
    specialists: int = 300,
    requests: int = 500,
    seed: int = 1,
    start: date | None = None,
    policy: Policy | None = None,
) -> Instance:
    rng = random.Random(seed)
    policy = policy or load_policy()
    start = start or quarter_start(2026, 1)
    end = _quarter_end(start)
    pool = tuple(_specialist(rng, i, start) for i in range(specialists))
    codes = [m.code for m in MUNICIPALITIES]
    # Every municipality asks at least once; the rest follow the square root of population.
    weights = [math.sqrt(m.population) for m in MUNICIPALITIES]
    who = rng.sample(codes, min(requests, len(codes))) + rng.choices(codes, weights, k=max(0, requests - len(codes)))
    rng.shuffle(who)
    asks = tuple(_request(rng, j, code, start, end, pool, policy) for j, code in enumerate(who))
    return Instance(pool, asks, policy)


def _quarter_end(start: date) -> date:
    month = start.month + 3
    first_next = date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    return first_next - timedelta(days=1)


def _level(rng: random.Random, core: bool) -> int:
    return rng.choices((1, 2, 3, 4), (5, 35, 45, 15) if core else (30, 45, 20, 5))[0]


# Hours a week offered: 1 day = 8 hours. 15% below a day (a few hours beside a full-time job), the rest one to three days.
_WEEKLY_HOURS = (4, 6, 8, 12, 16, 24)
_WEEKLY_HOURS_WEIGHTS = (8, 7, 45, 15, 15, 10)


def _specialist(rng: random.Random, i: int, start: date) -> Specialist:
    roles = list(ROLE_SKILLS)
    role = rng.choices(roles, [ROLE_SKILLS[r][0] for r in roles])[0]
    own = ROLE_SKILLS[role][1]
    skills = {s: _level(rng, True) for s in rng.sample(own, rng.randint(2, min(5, len(own))))}
    for extra in rng.sample(("project_management", "collaboration", "data_literacy", "leadership"), 2):
        skills.setdefault(extra, _level(rng, False))
    codes = [m.code for m in MUNICIPALITIES]
    absences: tuple[tuple[date, date], ...] = ()
    if rng.random() < 0.25:
        first = start + timedelta(days=-start.weekday(), weeks=rng.randint(1, 11))
        absences = ((first, first + timedelta(days=rng.choice((4, 11)))),)
    mode = rng.choices(list(SPECIALIST_MODES), (55, 40, 5))[0]
    return Specialist(
        id=f"P{i + 1:04d}",
        name=f"{rng.choice(_FAMILY)} {rng.choice(_GIVEN)}",
        skills=skills,
        hours_per_week=rng.choices(_WEEKLY_HOURS, _WEEKLY_HOURS_WEIGHTS)[0],
        modes=SPECIALIST_MODES[mode],
        home_area=rng.choices(("区部", "多摩", "島しょ"), (70, 28, 2))[0],
        current_load_hours=rng.choice((0, 0, 0, 2, 4)),
        absences=absences,
        conflicts=frozenset(rng.sample(codes, rng.randint(1, 2))) if rng.random() < 0.15 else frozenset(),
        history=frozenset(rng.sample(codes, rng.randint(1, 3))) if rng.random() < 0.3 else frozenset(),
        max_cases=rng.randint(2, 4) if rng.random() < 0.3 else None,
        role_type=role,
    )


def _request(
    rng: random.Random,
    j: int,
    code: str,
    start: date,
    end: date,
    pool: tuple[Specialist, ...],
    policy: Policy,
) -> Request:
    names = list(CATEGORIES)
    category = rng.choices(names, [CATEGORIES[c][0] for c in names])[0]
    _, asked, purpose, deliverable = CATEGORIES[category]
    skills = {s: rng.choices((1, 2, 3, 4), (10, 50, 35, 5))[0] for s in rng.sample(asked, rng.randint(1, 2))}
    island = code >= "13360"
    onsite = rng.random() < (0.15 if island else 0.35)
    if onsite:
        mode, unit, amount = Mode.ONSITE, Unit.DAYS, rng.randint(1, policy.onsite_days_cap)
    else:
        mode, unit, amount = Mode.REMOTE, Unit.HOURS, rng.randint(2, policy.remote_hours_cap)
    weeks = rng.randint(2, 6)
    span = (end - start).days - 7 * weeks
    first = start + timedelta(days=rng.randint(0, max(0, span)))
    last = min(end, first + timedelta(days=7 * weeks - 1))
    preferred = None
    if rng.random() < 0.08:
        known = [s.id for s in pool if code in s.history] or [s.id for s in pool]
        preferred = rng.choice(known)
    return Request(
        id=f"R{j + 1:04d}",
        municipality=code,
        skills=skills,
        mode=mode,
        amount=amount,
        unit=unit,
        start=first,
        end=last,
        urgency=rng.choices(list(Urgency), (70, 22, 8))[0],
        category=category,
        purpose=purpose,
        deliverable=deliverable,
        preferred=preferred,
    )
