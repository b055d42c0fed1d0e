"""Case search latency on 10,000 and 100,000 cases, on SQLite (FTS5) and PostgreSQL (tsvector + GIN).

    uv run python benchmarks/jirei_search.py                        # both sizes, SQLite and PostgreSQL if reachable
    uv run python benchmarks/jirei_search.py --sizes 10000 --db sqlite --repeat 5

For each database and size: a fresh database (a temporary SQLite file; on PostgreSQL the database named in
--postgres, dropped and created again), migrated, then the demo generator's cases (`kyodo.jirei.generate`, the
seed's two 江東区 cases and generated ones across the 62 municipalities, about 90% published) imported through the
web app's own service (tokens from the engine, the full-text index written as on every save). Then each query of
QUERIES runs `kyodo.web.jirei.search.search_cases` as 江東区 would (its drafts included) — the ranked first page of
20 and every facet count over all matches — `--repeat` times after one warm-up. Prints wall-clock p50/p95/max per
database and size, the CPU time of the searching process (on a shared machine the wall clock mostly measures the
queue for a CPU), the slowest queries, the import time, the CPU count and the load average. Target (issue 14): p95 ≤ 50 ms at 10,000 on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUERIES = (
    "議事録", "会議録 ＡＩ", "保育園 入所", "ﾁｬｯﾄﾎﾞｯﾄ", "問い合わせ対応", "導入に至らなかった RPA", "人工知能 窓口",
    "ＡＩ－ＯＣＲ 税", "ドローン 電子決済", "マイナンバーカード", "生成AI 議会答弁", "子ども 医療費", "キャッシュレス",
    "失敗 チャットボット", "センサー ごみ", "給与 RPA -中止", "申し込み オンライン", "道路 損傷 画像", "AI", "",
)
POSTGRES = "postgres://postgres@127.0.0.1:5432/jirei_bench"


def worker(size: int, repeat: int) -> dict[str, object]:
    from kyodo.web.cli import setup_django

    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from kyodo.jirei.generate import generate_cases
    from kyodo.web.accounts.models import Organisation
    from kyodo.web.jirei import services
    from kyodo.web.jirei.operations import organisations_of
    from kyodo.web.jirei.search import search_cases

    call_command("migrate", verbosity=0, interactive=False)
    records = generate_cases(size - 2, seed=14)
    orgs = organisations_of(records, "bench")
    started = time.perf_counter()
    for i in range(0, len(records), 5000):
        services.import_records(records[i:i + 5000], orgs, None)
    imported = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE jirei_case")
    koto = Organisation.objects.get(code="131083").pk
    per_query: dict[str, list[float]] = {q: [] for q in QUERIES}
    cpu: list[float] = []  # this process only: on PostgreSQL the server's own work is not in it
    totals: dict[str, int] = {}
    for q in QUERIES:
        totals[q] = search_cases(koto, q).total  # warm-up
    for _ in range(repeat):
        for q in QUERIES:
            t, c = time.perf_counter(), time.process_time()
            search_cases(koto, q)
            per_query[q].append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
    return {"vendor": connection.vendor, "size": size, "import_s": round(imported, 1), "per_query": per_query,
            "totals": totals, "cpu": cpu}


def run(db: str, size: int, repeat: int) -> dict[str, object] | None:
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        if db == "sqlite":
            env.pop("DATABASE_URL", None)
            env["KYODO_DATA_DIR"] = tmp
        else:
            if not _reset_postgres(POSTGRES):
                print(f"PostgreSQL ({POSTGRES}) is not reachable: skipped")
                return None
            env["DATABASE_URL"] = POSTGRES
        out = subprocess.run([sys.executable, __file__, "--worker", str(size), "--repeat", str(repeat)], env=env,
                             capture_output=True, text=True, timeout=3600)
    if out.returncode != 0:
        raise SystemExit(f"{db} {size}: failed\n{out.stderr[-3000:]}")
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _reset_postgres(url: str) -> bool:
    try:
        import psycopg

        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True, connect_timeout=3) as conn:
            name = url.rsplit("/", 1)[1]
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return True
    except Exception:
        return False


def report(result: dict[str, object]) -> float:
    per_query: dict[str, list[float]] = result["per_query"]  # type: ignore[assignment]
    totals: dict[str, int] = result["totals"]  # type: ignore[assignment]
    times = sorted(t for ts in per_query.values() for t in ts)
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"{result['vendor']:<11}{result['size']:>8,} cases  import {result['import_s']:>6} s   "
          f"p50 {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  max {times[-1]:6.1f} ms  ({len(times)} searches)")
    cpu = sorted(result.get("cpu") or [])  # type: ignore[call-overload]
    if cpu:
        print(f"{'':<19}CPU of this process: p50 {statistics.median(cpu):6.1f} ms  "
              f"p95 {cpu[int(0.95 * (len(cpu) - 1))]:6.1f} ms" + ("  (the server's work is not in it)"
                                                               if result["vendor"] == "postgresql" else ""))
    slowest = sorted(per_query, key=lambda q: -statistics.median(per_query[q]))[:3]
    for q in slowest:
        print(f"    slowest: {q or '(no words: newest first)'!r:<28} median {statistics.median(per_query[q]):6.1f} ms,"
              f" {totals[q]:,} matches")
    return p95


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.repeat)))
        return 0
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"CPUs: {os.cpu_count()}, load average {load:.1f}; {len(QUERIES)} queries × {args.repeat}")
    dbs = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    failed = False
    for db in dbs:
        for size in (int(s) for s in args.sizes.split(",")):
            result = run(db, size, args.repeat)
            if result is not None:
                p95 = report(result)
                failed |= size <= 10_000 and p95 > 50
    if failed:
        print("p95 over 50 ms at 10,000 cases (the target)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    sys.exit(main())
