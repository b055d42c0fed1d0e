"""A realistic synthetic year of joint training: 62 municipalities, ~40 courses, ~150 sessions, a few thousand
nominations. Seeded: the same seed gives the same files.

Sizes follow `kyodo.municipalities` populations: a ward has dozens of DX/IT staff, a village three. Large
municipalities tend to answer the survey early (which is what lets them take the seats under FCFS); popular
courses (生成AI, セキュリティ) are oversubscribed, specialised ones are not.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from kyodo.kenshu.model import Course, Format, Instance, Nomination, Session, Standard
from kyodo.municipalities import MUNICIPALITIES

# (title, standard, skills, level, hours, popularity)
TOPICS: tuple[tuple[str, Standard, tuple[str, ...], int, int, int], ...] = (
    ("生成AIの業務活用", Standard.LITERACY, ("data_literacy", "emerging_tech"), 1, 3, 10),
    ("情報セキュリティの基本", Standard.LITERACY, ("security_management", "privacy"), 1, 3, 9),
    ("データ利活用とEBPM", Standard.LITERACY, ("data_literacy", "statistics"), 1, 6, 7),
    ("自治体DXの進め方", Standard.LITERACY, ("change_management", "business_strategy"), 1, 3, 8),
    ("業務改革(BPR)とノーコード", Standard.LITERACY, ("business_analysis", "service_utilization"), 2, 6, 6),
    ("ガバメントクラウドと標準化", Standard.PRACTITIONER, ("cloud_infrastructure", "systems_engineering"), 2, 6, 6),
    ("プロジェクトマネジメント", Standard.PRACTITIONER, ("project_management", "leadership"), 2, 12, 5),
    ("サービスデザインと利用者調査", Standard.PRACTITIONER, ("user_understanding", "design"), 2, 6, 4),
    ("IT調達と仕様書の書き方", Standard.PRACTITIONER, ("business_analysis", "enterprise_architecture"), 2, 6, 5),
    ("インシデント対応訓練", Standard.PRACTITIONER, ("incident_response", "security_operations"), 3, 6, 4),
    ("オープンデータとデータ基盤", Standard.PRACTITIONER, ("data_platform_design", "data_ai_strategy"), 2, 6, 3),
    ("統計とデータ分析", Standard.PRACTITIONER, ("statistics", "machine_learning"), 3, 12, 3),
    ("ウェブアクセシビリティ", Standard.PRACTITIONER, ("web_basics", "frontend"), 2, 3, 2),
    ("個人情報保護とAI", Standard.LITERACY, ("privacy", "data_ai_operations"), 1, 3, 5),
    ("RPA・業務自動化", Standard.PRACTITIONER, ("service_utilization", "development_process"), 2, 6, 4),
    ("ファシリテーションと合意形成", Standard.LITERACY, ("collaboration", "problem_solving"), 1, 3, 3),
    ("ネットワークとゼロトラスト", Standard.PRACTITIONER, ("security_governance", "cloud_infrastructure"), 3, 6, 2),
    ("地理空間情報(GIS)の活用", Standard.PRACTITIONER, ("data_platform_operations", "tech_trends"), 2, 6, 2),
    ("デジタル人材育成の計画", Standard.LITERACY, ("goal_setting", "leadership"), 1, 3, 2),
    ("窓口DXと書かない窓口", Standard.LITERACY, ("user_validation", "change_management"), 1, 3, 5),
)
LEVELS = (("入門", 0), ("実践", 1))  # the 実践 course of a topic needs its 入門 course
SURNAMES = (
    "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木", "山口", "松本", "井上", "木村", "林", "清水", "山崎",
)
GIVEN = (
    "翔太", "美咲", "健一", "陽子", "大輔", "花子", "拓也", "さくら", "直樹", "真由美", "悠斗", "愛", "誠", "由美", "蓮", "結衣", "剛", "恵", "颯太", "葵",
)
VENUES = ("都庁第一本庁舎", "東京都庁研修所", "立川市役所", "区役所会議室", "オンライン(Teams)")


def it_staff(population: int) -> int:
    return max(3, round(population / 12_000))


def _courses() -> dict[str, Course]:
    courses: dict[str, Course] = {}
    for i, (title, std, skills, level, hours, _) in enumerate(TOPICS, start=1):
        for label, step in LEVELS:
            cid = f"K{i:02d}{'B' if step else 'A'}"
            pre = (f"K{i:02d}A",) if step else ()
            courses[cid] = Course(cid, f"{title}({label})", std, skills, min(4, level + step), hours, pre)
    return courses


def _sessions(rng: random.Random, courses: dict[str, Course], year: int) -> list[Session]:
    sessions: list[Session] = []
    start = datetime(year, 5, 11, 13, 30)
    for cid in courses:
        popularity = TOPICS[int(cid[1:3]) - 1][5]
        runs = 3 + (popularity >= 6) + (rng.random() < 0.5)
        for _ in range(runs):
            fmt = rng.choice((Format.IN_PERSON, Format.IN_PERSON, Format.ONLINE, Format.HYBRID))
            when = start + timedelta(days=rng.randrange(0, 280), hours=rng.choice((-4, 0)))
            capacity = rng.choice((12, 15, 16, 20, 20, 24)) if fmt is Format.IN_PERSON else rng.choice((20, 24, 30))
            cap = rng.choice((None, None, 3, 4, 5))
            venue = VENUES[-1] if fmt is Format.ONLINE else rng.choice(VENUES[:-1])
            sessions.append(Session(f"S{len(sessions) + 1:03d}", cid, when, fmt, capacity, cap, venue))
    return sessions


def generate(*, seed: int = 1, year: int = 2026) -> Instance:
    rng = random.Random(seed)
    courses = _courses()
    sessions = _sessions(rng, courses, year)
    by_course: dict[str, list[str]] = {}
    for s in sorted(sessions, key=lambda s: (s.starts_at, s.id)):
        by_course.setdefault(s.course_id, []).append(s.id)
    ids = list(courses)
    weights = [TOPICS[int(c[1:3]) - 1][5] * (1.0 if c.endswith("A") else 0.5) for c in ids]
    nominations: list[Nomination] = []
    survey = datetime(year, 2, 2, 9, 0)  # nominations about three months before the first session
    for m in MUNICIPALITIES:
        staff = it_staff(m.population)
        # large municipalities answer early: days after the survey opens, fewer for more staff
        first = survey + timedelta(days=rng.uniform(0, 20) * (1 - min(staff, 60) / 80), minutes=rng.randrange(600))
        ranks: dict[str, int] = {}
        for k in range(1, staff + 1):
            name = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
            wanted = set(rng.choices(ids, weights=weights, k=rng.choice((1, 2, 2, 3, 3, 4))))
            for cid in sorted(wanted):
                ranks[cid] = ranks.get(cid, 0) + 1
                options = by_course[cid]
                listed = tuple(rng.sample(options, k=min(len(options), rng.choice((1, 2, 2, 3)))))
                done = frozenset(courses[cid].prerequisites) if rng.random() < 0.85 else frozenset()
                nominations.append(Nomination(
                    id=f"N{len(nominations) + 1:05d}", staff_id=f"{m.code}-{k:03d}",
                    name=name, municipality=m.code, course_id=cid,
                    sessions=listed, rank=0, submitted_at=first + timedelta(minutes=rng.randrange(0, 2880)),
                    waitlisted_before=rng.random() < 0.05, completed=done,
                ))
    # each municipality's own order for a course: a random order of its nominees (1 = first)
    order: dict[tuple[str, str], list[int]] = {}
    for i, n in enumerate(nominations):
        order.setdefault((n.municipality, n.course_id), []).append(i)
    ranked = list(nominations)
    for idx in order.values():
        rng.shuffle(idx)
        for rank, i in enumerate(idx, start=1):
            n = nominations[i]
            ranked[i] = Nomination(n.id, n.staff_id, n.name, n.municipality, n.course_id, n.sessions, rank,
                                   n.submitted_at, n.waitlisted_before, n.completed)
    return Instance(courses, tuple(sessions), tuple(ranked))
