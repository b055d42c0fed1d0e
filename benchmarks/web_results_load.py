"""Load on the nursery results pages: 50 concurrent signed-in users, on loopback only.

    uv run python benchmarks/web_results_load.py                 # SQLite and PostgreSQL (if reachable)
    uv run python benchmarks/web_results_load.py --db sqlite --users 20 --requests 25
    uv run python benchmarks/web_results_load.py --server runserver --cache none   # the old setup, for comparison

The server is `kyodo web serve` (gunicorn, --workers × --threads) by default, or Django's development server;
with --cache redis (the default when Redis answers) the result cache is shared in Redis (KYODO_CACHE_URL).

For each database: a fresh database (a temporary SQLite file, or a temporary PostgreSQL database
created on the server given by --postgres and dropped afterwards), the demo ward uploaded and run,
a server on 127.0.0.1 (DEBUG off) with a worker, then each user signs in and requests the results
pages (summary, not admitted, flags, a facility, a child, the CSV) in turn. Bounded in count
(users × requests) and time (--max-seconds). Prints requests/s, p50 and p95 latency, errors;
exits 1 if any request failed.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

HOST = "127.0.0.1"
REDIS_URL = "redis://127.0.0.1:6379/14"
USERNAME, PASSWORD = "koto-staff", "kyodo-demo-2026"

SETUP = """
import json
from kyodo.web.cli import setup_django
setup_django()
from kyodo.web import demo
round_ = demo.prepare(children={children}, facilities={facilities})
run = round_.runs.order_by("-number").first()
print(json.dumps({{"run": run.pk, "status": run.status,
                   "facilities": [f["id"] for f in run.summary["facility_table"]],
                   "children": list(run.children.values_list("child_id", flat=True)[:500])}}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def prepare(env: dict[str, str], children: int, facilities: int) -> dict:
    import json

    code = SETUP.format(children=children, facilities=facilities)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise SystemExit(f"setup failed:\n{out.stderr[-3000:]}")
    info: dict = json.loads(out.stdout.strip().splitlines()[-1])
    if info["status"] != "done":
        raise SystemExit(f"the demo run did not finish: {info['status']}")
    return info


class Session:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with self.opener.open(self.base + path, timeout=60) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def login(self) -> None:
        _, body = self.get("/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        assert token, "no CSRF token on the login page"
        data = urllib.parse.urlencode(
            {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1).decode()}
        ).encode()
        request = urllib.request.Request(self.base + "/login/", data=data, headers={"Referer": self.base + "/login/"})
        with self.opener.open(request, timeout=60) as r:
            if "/login/" in r.url:
                raise SystemExit("login failed")


def load(base: str, info: dict, users: int, per_user: int, max_seconds: float) -> dict:
    run = info["run"]
    pages = [
        ("summary", lambda rng: f"/hoiku/runs/{run}/"),
        ("waitlist", lambda rng: f"/hoiku/runs/{run}/waitlist/"),
        ("flags", lambda rng: f"/hoiku/runs/{run}/flags/"),
        ("facility", lambda rng: f"/hoiku/runs/{run}/facilities/{rng.choice(info['facilities'])}/"),
        ("child", lambda rng: f"/hoiku/runs/{run}/children/{rng.choice(info['children'])}/"),
        ("waitlist-age", lambda rng: f"/hoiku/runs/{run}/waitlist/?age={rng.randint(0, 5)}"),
    ]
    latencies: list[float] = []
    by_page: dict[str, list[float]] = {name: [] for name, _ in pages}
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + max_seconds
    sessions = [Session(base) for _ in range(users)]
    for s in sessions:
        s.login()
    start_line = threading.Barrier(users)

    def user(n: int) -> None:
        rng = random.Random(n)
        session = sessions[n]
        start_line.wait()
        for i in range(per_user):
            if time.monotonic() > deadline:
                return
            page, make = pages[(n + i) % len(pages)]
            path = make(rng)
            t0 = time.perf_counter()
            status, _ = session.get(path)
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                by_page[page].append(elapsed)
                if status != 200:
                    errors.append(f"{status} {path}")

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    latencies.sort()
    return {
        "requests": len(latencies),
        "seconds": wall,
        "rps": len(latencies) / wall if wall else 0.0,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p95_ms": p95(latencies) * 1000,
        "errors": errors,
        "p95_by_page_ms": {k: p95(v) * 1000 for k, v in by_page.items() if v},
    }


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)] if ordered else 0.0


def wait_for_server(port: int, proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the server stopped while starting")
        with socket.socket() as s:
            if s.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit("the server did not start")


def bench(name: str, env: dict[str, str], args: argparse.Namespace) -> dict:
    info = prepare(env, args.children, args.facilities)
    port = free_port()
    if args.server == "serve":
        command = ["web", "serve", "--bind", f"{HOST}:{port}", "--workers", str(args.workers),
                   "--threads", str(args.threads)]
    else:
        command = ["web", "manage", "runserver", f"{HOST}:{port}", "--noreload"]
    server = subprocess.Popen([sys.executable, "-m", "kyodo.cli", *command], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_server(port, server)
        result = load(f"http://{HOST}:{port}", info, args.users, args.requests, args.max_seconds)
    finally:
        server.terminate()
        server.wait(timeout=20)
    result["database"] = f"{name}/{args.server}/{'redis' if env.get('KYODO_CACHE_URL') else 'local'}"
    return result


def redis_url(wanted: str) -> str | None:
    if wanted == "none":
        return None
    try:
        import redis

        redis.Redis.from_url(wanted if wanted != "redis" else REDIS_URL).ping()
    except Exception:
        print("Redis に接続できません: 結果のキャッシュはプロセスごとにします", file=sys.stderr)
        return None
    return wanted if wanted != "redis" else REDIS_URL


def postgres_database(url: str) -> tuple[str, object] | None:
    """Create a throw-away database on the server of `url`; None when the server is unreachable."""
    import psycopg

    try:
        admin = psycopg.connect(url, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        return None
    name = f"kyodo_bench_{os.getpid()}"
    admin.execute(f'CREATE DATABASE "{name}"')
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), (admin, name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--postgres", default=os.environ.get("KYODO_BENCH_POSTGRES_URL",
                                                            "postgres://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--server", choices=["serve", "runserver"], default="serve")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--cache", default="redis", help="redis (default), none, or a redis:// URL")
    parser.add_argument("--requests", type=int, default=25, help="requests per user")
    parser.add_argument("--max-seconds", type=float, default=120.0)
    parser.add_argument("--children", type=int, default=3000)
    parser.add_argument("--facilities", type=int, default=120)
    args = parser.parse_args()

    base_env = {k: v for k, v in os.environ.items() if not k.startswith("KYODO_") and k != "DATABASE_URL"}
    # Notices (PDF) are not what this measures, and would add a minute of setup per database.
    base_env.update({"KYODO_DEBUG": "0", "KYODO_ALLOWED_HOSTS": HOST, "DJANGO_SETTINGS_MODULE": "kyodo.web.settings",
                     "KYODO_HOIKU_NOTICES": "0", "KYODO_SSL_REDIRECT": "0"})
    cache = redis_url(args.cache)
    if cache:
        base_env["KYODO_CACHE_URL"] = cache
    results = []
    with tempfile.TemporaryDirectory(prefix="kyodo-bench-") as tmp:
        if args.db in ("sqlite", "both"):
            results.append(bench("SQLite", {**base_env, "KYODO_DATA_DIR": str(Path(tmp) / "sqlite")}, args))
        if args.db in ("postgres", "both"):
            created = postgres_database(args.postgres)
            if created is None:
                print(f"PostgreSQL に接続できません({args.postgres}): スキップします", file=sys.stderr)
            else:
                url, (admin, name) = created  # type: ignore[misc]
                try:
                    env = {**base_env, "DATABASE_URL": url, "KYODO_DATA_DIR": str(Path(tmp) / "pg")}
                    results.append(bench("PostgreSQL", env, args))
                finally:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[attr-defined]
                    admin.close()  # type: ignore[attr-defined]
    print(f"{'database':<26} {'requests':>8} {'seconds':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'errors':>6}")
    for r in results:
        print(f"{r['database']:<26} {r['requests']:>8} {r['seconds']:>8.1f} {r['rps']:>7.1f} "
              f"{r['p50_ms']:>7.0f} {r['p95_ms']:>7.0f} {len(r['errors']):>6}")
        print("  p95 by page (ms): " + ", ".join(f"{k} {v:.0f}" for k, v in r["p95_by_page_ms"].items()))
        for e in r["errors"][:10]:
            print(f"  error: {e}")
    return 1 if any(r["errors"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
