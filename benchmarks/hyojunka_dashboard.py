"""Load time of Tokyo's standardisation dashboard with 62 × 20 pairs and two years of monthly history.

    uv run python benchmarks/hyojunka_dashboard.py               # SQLite in a temporary folder
    uv run python benchmarks/hyojunka_dashboard.py --repeat 20 --seed 2

A fresh database (temporary SQLite file, migrated), the generator's Tokyo-wide picture loaded as rows (1,240 plans
with their 40 step dates, up to December 2026), 24 monthly reports per municipality (two years of history), and a
member of 東京都 signed in. Then the dashboard (heat map, at-risk list, 24-month chart, 特定移行支援, cost) is
requested `--repeat` times through Django's test client (the whole request: query, engine, history, template),
and the Excel export and a municipality's home page a few times. Prints p50 / p95 / max in milliseconds, and
the time of the engine alone, and the Tokyo-wide picture (pairs at risk, by reason).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

AS_OF = "2026-12-31"


def timed(fn: Callable[[], object], repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of each call (CPU time shows the cost on a machine shared with others)."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu


def line(label: str, times: tuple[list[float], list[float]]) -> str:
    ms, cpu = times
    ordered = sorted(ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (f"{label:<34} p50 {statistics.median(ms):8.1f} ms   p95 {p95:8.1f} ms   max {max(ms):8.1f} ms   "
            f"CPU p50 {statistics.median(cpu):7.1f} ms   (n={len(ms)})")


def load(seed: int) -> None:
    from kyodo.hyojunka.generate import generate
    from kyodo.web.accounts.models import Organisation
    from kyodo.web.hyojunka.models import MonthlyReport, Plan

    orgs = {o.code: o for o in Organisation.objects.all()}
    made = generate(seed=seed)
    Plan.objects.bulk_create([
        Plan(organisation=orgs[p.municipality], system=p.system, vendor=p.vendor, product=p.product,
             platform=p.platform, form=str(p.form), deadline=date.fromordinal(p.deadline), tokutei=p.tokutei,
             reason=p.reason or "", cost_before=p.cost_before, cost_after=p.cost_after,
             steps={str(n): date.fromordinal(d).isoformat() for n, d in made.steps[p.key].items()})
        for p in made.plans
    ])
    from kyodo.web.accounts.models import Role, User

    clerk = User.objects.create_user(username="bench-clerk", password="x", organisation=orgs["131083"],
                                     role=Role.STAFF)
    reports = []
    for code in {p.municipality for p in made.plans}:
        for i in range(24):
            year, month = 2025 + i // 12, i % 12 + 1
            month_end = date(year + month // 12, month % 12 + 1, 1).toordinal() - 1
            snapshot = {p.system: sum(1 for d in made.steps[p.key].values() if d <= month_end)
                        for p in made.plans if p.municipality == code}
            reports.append(MonthlyReport(organisation=orgs[code], month=date(year, month, 1), snapshot=snapshot,
                                         submitted_by=clerk))
    MonthlyReport.objects.bulk_create(reports)


def main(argv: list[str] | None = None) -> int:
    print(f"負荷(1分平均): {os.getloadavg()[0]:.1f}、CPU {os.cpu_count()} 個")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kyodo-bench-") as tmp:
        os.environ["KYODO_DATA_DIR"] = tmp
        os.environ.pop("DATABASE_URL", None)
        os.environ["KYODO_ALLOWED_HOSTS"] = "testserver"
        from kyodo.web.cli import setup_django

        setup_django()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        start = time.perf_counter()
        load(args.seed)
        print(f"読込: 1,240 組と 62×24 件の月次報告 {time.perf_counter() - start:.1f} 秒({Path(tmp).name})")
        return run(args.repeat)


def run(repeat: int) -> int:
    from django.test import Client

    from kyodo import hyojunka
    from kyodo.web.accounts.models import Organisation, Role, User
    from kyodo.web.hyojunka import roles, services

    tokyo = User.objects.create_user(username="bench-tokyo", password="x",
                                     organisation=Organisation.objects.get(code="130001"), role=Role.STAFF)
    client = Client()
    client.force_login(tokyo)
    clerk = Client()
    clerk.force_login(User.objects.get(username="bench-clerk"))
    url = f"/hyojunka/dashboard/?as_of={AS_OF}"
    first = client.get(url)
    if first.status_code != 200:
        print(f"ダッシュボードが {first.status_code} を返しました", file=sys.stderr)
        return 1
    print(f"ダッシュボードの HTML {len(first.content) / 1024:.0f} KB")
    as_of = date.fromisoformat(AS_OF)

    def engine_only() -> None:
        pic = services.picture(roles.all_plans(), as_of, services.organisation_codes())
        services.history(pic, as_of)

    print(line("ダッシュボード(要求全体)", timed(lambda: client.get(url), repeat)))
    print(line("  うち DB 読込+エンジン+24か月の推移", timed(engine_only, repeat)))
    print(line("絞り込み(区部)", timed(lambda: client.get(url + "&area=区部"), max(3, repeat // 2))))
    print(line("Excel 出力", timed(lambda: client.get(f"/hyojunka/dashboard/export.xlsx?as_of={AS_OF}"), 3)))
    print(line("区の計画一覧(江東区)", timed(lambda: clerk.get("/hyojunka/"), max(3, repeat // 2))))

    report = services.picture(roles.all_plans().select_related("organisation"), as_of).report
    counts = report.risk_counts
    print(f"\n{AS_OF} 時点: {len(report.pairs)} 組、遅延リスク {len(report.at_risk)} 組"
          f"(停滞 {counts[hyojunka.RiskKind.STALLED]}、遅延見込み {counts[hyojunka.RiskKind.LATE]})")
    tokutei = [p for p in report.at_risk if p.tokutei]
    print(f"  うち特定移行支援 {len(tokutei)} 組、それ以外(2025年度末の期限を過ぎた) {len(report.at_risk) - len(tokutei)} 組")
    for g in report.tokutei_by_reason:
        print(f"  特定移行支援 {g.name}: {g.pairs} 組(完了 {g.complete}、遅延リスク {g.at_risk})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
