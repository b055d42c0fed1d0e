"""Load on the nursery results pages: 50 concurrent signed-in users, on loopback only.

    uv run python benchmarks/web_results_load.py                 # SQLite and PostgreSQL (if reachable)
    uv run python benchmarks/web_results_load.py --db sqlite --users 20 --requests 25
    uv run python benchmarks/web_results_load.py --server runserver --cache none   # the old setup, for comparison

The server is `kyodo web serve` (gunicorn, --workers × --threads) by default, or Django's development server;
with --cache redis (the default when Redis answers) the result cache is shared in Redis (KYODO_CACHE_URL).

For each database: a fresh database (a temporary SQLite file, or a temporary PostgreSQL database
created on the server given by --postgres and dropped afterwards), the demo ward uploaded and run,
a server on 127.0.0.1 (DEBUG off), an empty cache (the Redis database is flushed), then each user
signs in (not timed: a password check costs a second of CPU on purpose) and, all starting at once,
requests the results pages (summary, not admitted, not admitted of one age class, flags, a facility,
a child, the CSV) in turn, each user over one kept-alive connection as a browser does. Every request
is timed, the first ones (empty cache) included. Bounded in count (users × requests) and time
(--max-seconds); --passes 2 runs the same load again on the warm server, --runs 5 starts five servers in
turn on the same data (each cold) and prints the median p95. Prints requests/s, p50 and
p95 latency, errors, p95 per page, each user's first request (all arrive at once, on a cold server) apart from
the later ones, the CPU time per request of the server processes and of this client, and the load average before
and after (the machine may be shared); exits 1 if any request failed.
"""

from __future__ import annotations

import argparse
import http.client
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
import urllib.parse
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
    """One signed-in user as a browser is: one kept-alive connection (HTTP/1.1), cookies sent back."""

    def __init__(self, base: str) -> None:
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname or HOST, parts.port or 80
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes, http.client.HTTPResponse]:
        headers = {**(headers or {}), "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        for attempt in (1, 2):  # a kept-alive connection the server closed is opened again, once
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.will_close:
            self.connection.close()
            self.connection = None
        return response.status, data, response

    def get(self, path: str) -> tuple[int, bytes]:
        status, data, _ = self.request("GET", path)
        return status, data

    def login(self) -> None:
        _, body = self.get("/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        assert token, "no CSRF token on the login page"
        data = urllib.parse.urlencode(
            {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1).decode()}
        ).encode()
        headers = {"Referer": f"http://{self.host}:{self.port}/login/",
                   "Content-Type": "application/x-www-form-urlencoded"}
        status, _, response = self.request("POST", "/login/", data, headers)
        if status != 302 or "/login/" in (response.getheader("Location") or ""):
            raise SystemExit("login failed")


def load(base: str, info: dict, users: int, per_user: int, max_seconds: float, server_pid: int) -> dict:
    run = info["run"]
    pages = [
        ("summary", lambda rng: f"/hoiku/runs/{run}/"),
        ("waitlist", lambda rng: f"/hoiku/runs/{run}/waitlist/"),
        ("flags", lambda rng: f"/hoiku/runs/{run}/flags/"),
        ("facility", lambda rng: f"/hoiku/runs/{run}/facilities/{rng.choice(info['facilities'])}/"),
        ("child", lambda rng: f"/hoiku/runs/{run}/children/{rng.choice(info['children'])}/"),
        ("waitlist-age", lambda rng: f"/hoiku/runs/{run}/waitlist/?age={rng.randint(0, 5)}"),
        ("csv", lambda rng: f"/hoiku/runs/{run}/download/csv/"),
    ]
    latencies: list[float] = []
    by_page: dict[str, list[float]] = {name: [] for name, _ in pages}
    firsts: list[float] = []  # each user's first request: all arrive at once, on a cold server
    later: list[float] = []
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
                (later if i else firsts).append(elapsed)
                if status != 200:
                    errors.append(f"{status} {path}")

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    server_cpu, client_cpu, t0 = process_tree_cpu(server_pid), time.process_time(), time.perf_counter()
    services_cpu = {name: processes_cpu(name) for name in SERVICES}
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    server_cpu, client_cpu = process_tree_cpu(server_pid) - server_cpu, time.process_time() - client_cpu
    services_cpu = {name: processes_cpu(name) - cpu for name, cpu in services_cpu.items()}
    latencies.sort()
    return {
        "requests": len(latencies),
        "seconds": wall,
        "rps": len(latencies) / wall if wall else 0.0,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p95_ms": p95(latencies) * 1000,
        "errors": errors,
        "p95_by_page_ms": {k: p95(v) * 1000 for k, v in by_page.items() if v},
        "first_ms": (statistics.median(firsts) * 1000, max(firsts) * 1000) if firsts else (0.0, 0.0),
        "later_p95_ms": p95(later) * 1000,
        "server_cpu_ms": server_cpu / len(latencies) * 1000 if latencies else 0.0,
        "client_cpu_ms": client_cpu / len(latencies) * 1000 if latencies else 0.0,
        "services_cpu_ms": {k: v / len(latencies) * 1000 for k, v in services_cpu.items()} if latencies else {},
    }


SERVICES = ("postgres", "redis-server")  # local servers that share the machine's cores with the web server


def processes_cpu(name: str) -> float:
    """CPU seconds used so far by every process of this name on the machine (a local database server); Linux only."""
    total, ticks = 0.0, os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        comm, _, rest = text.partition("(")[2].rpartition(")")
        if comm == name:
            fields = rest.split()
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its children (gunicorn's workers); Linux only."""
    total, ticks = 0.0, os.sysconf("SC_CLK_TCK")
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
        pending += [int(c) for c in children]
    return total


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


def bench(name: str, env: dict[str, str], args: argparse.Namespace) -> list[dict]:
    info = prepare(env, args.children, args.facilities)
    results = []
    for n in range(args.runs):  # each on a new server with an empty cache: the first users meet a cold server
        for result in serve_and_load(name, env, args, info):
            if args.runs > 1:
                result["database"] += f" run {n + 1}"
            results.append(result)
    return results


def serve_and_load(name: str, env: dict[str, str], args: argparse.Namespace, info: dict) -> list[dict]:
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
        if env.get("KYODO_CACHE_URL"):
            import redis

            redis.Redis.from_url(env["KYODO_CACHE_URL"]).flushdb()  # start cold: nothing from an earlier run
        results = []
        for n in range(args.passes):  # the first starts with empty caches; later ones find what it left
            before = os.getloadavg()[0]
            result = load(f"http://{HOST}:{port}", info, args.users, args.requests, args.max_seconds, server.pid)
            result["load"] = (before, os.getloadavg()[0])
            cache = "redis" if env.get("KYODO_CACHE_URL") else "local"
            result["database"] = f"{name}/{args.server}/{cache}" + (f" #{n + 1}" if args.passes > 1 else "")
            results.append(result)
    finally:
        server.terminate()
        server.wait(timeout=20)
    return results


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
    parser.add_argument("--threads", type=int, default=2, help="per process (default 2, as `kyodo web serve`)")
    parser.add_argument("--cache", default="redis", help="redis (default), none, or a redis:// URL")
    parser.add_argument("--requests", type=int, default=10, help="requests per user")
    parser.add_argument("--max-seconds", type=float, default=120.0)
    parser.add_argument("--runs", type=int, default=1,
                        help="servers started one after another on the same data (the median p95 is printed)")
    parser.add_argument("--passes", type=int, default=1,
                        help="load passes on one server; the first (the figure that counts) starts with empty caches")
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
            results += bench("SQLite", {**base_env, "KYODO_DATA_DIR": str(Path(tmp) / "sqlite")}, args)
        if args.db in ("postgres", "both"):
            created = postgres_database(args.postgres)
            if created is None:
                print(f"PostgreSQL に接続できません({args.postgres}): スキップします", file=sys.stderr)
            else:
                url, (admin, name) = created  # type: ignore[misc]
                try:
                    env = {**base_env, "DATABASE_URL": url, "KYODO_DATA_DIR": str(Path(tmp) / "pg")}
                    results += bench("PostgreSQL", env, args)
                finally:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[attr-defined]
                    admin.close()  # type: ignore[attr-defined]
    print(f"{'database':<26} {'requests':>8} {'seconds':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'errors':>6}")
    for r in results:
        print(f"{r['database']:<26} {r['requests']:>8} {r['seconds']:>8.1f} {r['rps']:>7.1f} "
              f"{r['p50_ms']:>7.0f} {r['p95_ms']:>7.0f} {len(r['errors']):>6}")
        print("  p95 by page (ms): " + ", ".join(f"{k} {v:.0f}" for k, v in r["p95_by_page_ms"].items()))
        print(f"  each user's first request (all at once): median {r['first_ms'][0]:.0f} ms, slowest "
              f"{r['first_ms'][1]:.0f} ms; the later requests: p95 {r['later_p95_ms']:.0f} ms")
        print(f"  CPU per request: server {r['server_cpu_ms']:.1f} ms, this client {r['client_cpu_ms']:.1f} ms; "
              f"load average {r['load'][0]:.2f} before, {r['load'][1]:.2f} after ({os.cpu_count()} CPUs)")
        used = ", ".join(f"{k} {v:.1f} ms" for k, v in r["services_cpu_ms"].items() if v > 0.05)
        if used:
            print(f"  CPU per request of local services: {used}")
        for e in r["errors"][:10]:
            print(f"  error: {e}")
    for name in ("SQLite", "PostgreSQL"):
        first = [r for r in results if r["database"].startswith(name) and "#" not in r["database"]]
        if len(first) > 1:
            p95s = sorted(r["p95_ms"] for r in first)
            print(f"{name}: p95 over {len(first)} cold servers: median {statistics.median(p95s):.0f} ms "
                  f"(from {p95s[0]:.0f} to {p95s[-1]:.0f}); requests/s median "
                  f"{statistics.median(r['rps'] for r in first):.0f}")
    return 1 if any(r["errors"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
