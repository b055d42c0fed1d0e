"""CPU time of one request of each nursery results page, single-threaded, through the whole Django stack.

    uv run python benchmarks/web_results_cpu.py                      # SQLite in a temporary directory
    uv run python benchmarks/web_results_cpu.py --data-dir /tmp/w    # keep (and reuse) the prepared ward
    uv run python benchmarks/web_results_cpu.py --postgres postgres://postgres@127.0.0.1:5432/kyodo_x
    uv run python benchmarks/web_results_cpu.py --cache redis://127.0.0.1:6379/13 --profile waitlist

The pages are those of `web_results_load.py` (summary, not admitted, not admitted of one age class, flags, a
facility, a child) and the results CSV, requested by a signed-in staff user with Django's test client (every
middleware and context processor runs; DEBUG off). Each page is requested once to warm up, then --repeat times
with different facilities/children; printed: the median CPU time of this process per request (time.process_time,
which includes the database client's work but not the database server's) and the wall time, per page, and the
CPU time of the first request (empty cache, first use in the process).
--profile PAGE prints cProfile's top functions of that page's requests.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import tempfile
import time

PAGES = ("summary", "waitlist", "waitlist-age", "flags", "facility", "child", "csv")


def configure(args: argparse.Namespace, data_dir: str) -> None:
    for key in [k for k in os.environ if k.startswith("KYODO_") or k == "DATABASE_URL"]:
        del os.environ[key]
    os.environ.update({"KYODO_DEBUG": "0", "KYODO_ALLOWED_HOSTS": "testserver", "KYODO_HOIKU_NOTICES": "0",
                       "KYODO_DATA_DIR": data_dir, "DJANGO_SETTINGS_MODULE": "kyodo.web.settings"})
    if args.postgres:
        os.environ["DATABASE_URL"] = args.postgres
    if args.cache != "none":
        os.environ["KYODO_CACHE_URL"] = args.cache


def paths(run, rng: random.Random) -> dict[str, str]:  # type: ignore[no-untyped-def]
    facilities = [f["id"] for f in run.summary["facility_table"]]
    children = list(run.children.values_list("child_id", flat=True)[:500])
    return {
        "summary": f"/hoiku/runs/{run.pk}/",
        "waitlist": f"/hoiku/runs/{run.pk}/waitlist/",
        "waitlist-age": f"/hoiku/runs/{run.pk}/waitlist/?age={rng.randint(0, 5)}",
        "flags": f"/hoiku/runs/{run.pk}/flags/",
        "facility": f"/hoiku/runs/{run.pk}/facilities/{rng.choice(facilities)}/",
        "child": f"/hoiku/runs/{run.pk}/children/{rng.choice(children)}/",
        "csv": f"/hoiku/runs/{run.pk}/download/csv/",
    }


def measure(client, run, page: str, repeat: int, profiler: cProfile.Profile | None) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    rng = random.Random(page)
    cpu, wall, first = [], [], 0.0
    for i in range(repeat + 1):
        path = paths(run, rng)[page]
        c0, w0 = time.process_time(), time.perf_counter()
        if profiler is not None and i:
            profiler.enable()
        response = client.get(path)
        if profiler is not None:
            profiler.disable()
        c1, w1 = time.process_time(), time.perf_counter()
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
        if i:  # the first request of each page warms up (imports, template compilation, connections)
            cpu.append(c1 - c0)
            wall.append(w1 - w0)
        else:
            first = c1 - c0
    return statistics.median(cpu) * 1000, statistics.median(wall) * 1000, first * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", help="where the SQLite file and the generated ward stay (default: temporary)")
    parser.add_argument("--postgres", help="a PostgreSQL database URL to use instead of SQLite (it is migrated)")
    parser.add_argument("--cache", default="none", help="none (per process, the default) or a redis:// URL")
    parser.add_argument("--children", type=int, default=3000)
    parser.add_argument("--facilities", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--profile", choices=PAGES)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative", help="cProfile's order: cumulative (default) or tottime")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kyodo-cpu-") as tmp:
        configure(args, args.data_dir or tmp)
        import django

        django.setup()
        from django.test import Client

        from kyodo.web import demo

        round_ = demo.prepare(children=args.children, facilities=args.facilities)
        run = round_.runs.order_by("-number").first()
        if args.cache != "none":
            from django.core.cache import cache

            cache.clear()
        client = Client()
        if not client.login(username="koto-staff", password=demo.DEMO_PASSWORD):
            raise SystemExit("login failed")
        profiler = cProfile.Profile() if args.profile else None
        print(f"{'page':<14} {'cpu ms':>7} {'wall ms':>8} {'first':>7}   ({args.repeat} requests each, median; "
              f"{'PostgreSQL' if args.postgres else 'SQLite'}, cache {args.cache})")
        for page in PAGES:
            cpu, wall, first = measure(client, run, page, args.repeat, profiler if page == args.profile else None)
            print(f"{page:<14} {cpu:>7.1f} {wall:>8.1f} {first:>7.1f}")
        if profiler is not None:
            pstats.Stats(profiler, stream=sys.stdout).sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
