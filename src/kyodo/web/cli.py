"""`kyodo web …`: Django's management commands, the background worker and the demo server."""

from __future__ import annotations

import argparse
import os
import sys


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyodo.web.settings")
    import django

    django.setup()


def manage(argv: list[str]) -> int:
    """Run a Django management command (`kyodo web manage migrate`, `… createsuperuser`, …)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyodo.web.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kyodo web manage", *argv])
    return 0


def _manage(args: argparse.Namespace) -> int:
    argv = list(args.args)
    if argv and argv[0] == "--":
        argv = argv[1:]
    return manage(argv)


def _worker(args: argparse.Namespace) -> int:
    setup_django()
    from django.conf import settings

    from kyodo.web import jobs

    # Jobs left "running" by a worker that died are marked failed before new work starts (kyodo.web.jobs): at
    # once when that worker ran on this host (its process is gone), else once its heartbeat is too old. Then
    # again every minute (unless --batch), for workers on other machines.
    manage(["mark_stalled_jobs"])
    if not args.batch:
        jobs.sweep_every(60)
    if settings.TASK_BACKEND == "rq":  # Redis queue: RQ's worker, with the job class django-tasks needs
        argv = ["rqworker", args.queue, "--job-class", "django_tasks_rq.Job", "--name", jobs.WORKER_NAME]
        return manage([*argv, "--burst"] if args.batch else argv)
    # The worker's name (host:pid:token) is recorded with each task it claims: the sweep tells a dead one by it.
    argv = ["db_worker", "--queue-name", args.queue, "--reload" if args.reload else "--no-reload",
            "--worker-id", jobs.WORKER_NAME]
    if args.batch:
        argv.append("--batch")
    if args.interval is not None:
        argv += ["--interval", str(args.interval)]
    return manage(argv)


def _serve(args: argparse.Namespace) -> int:
    from kyodo.web.serve import serve

    return serve(bind=args.bind, workers=args.workers, threads=args.threads, timeout=args.timeout,
                 collect_static=not args.no_collectstatic)


def _demo(args: argparse.Namespace) -> int:
    from kyodo.web import demo

    return demo.main(
        host=args.host, port=args.port, children=args.children, facilities=args.facilities, serve=not args.no_serve
    )


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="web_command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("manage", help="Django の管理コマンド(migrate など)", add_help=False)
    p.add_argument("args", nargs=argparse.REMAINDER)
    p.set_defaults(handler=_manage)

    p = sub.add_parser("worker", help="バックグラウンド処理(利用調整の実行)のワーカー")
    p.add_argument("--queue", default="default", help="処理するキュー(既定: default)")
    p.add_argument("--batch", action="store_true", help="待っている処理をすべて実行したら終了する")
    p.add_argument("--interval", type=float, default=None, help="キューを確認する間隔(秒)")
    p.add_argument("--reload", action="store_true", help="コードが変わったら再起動する(開発用)")
    p.set_defaults(handler=_worker)

    p = sub.add_parser("serve", help="本番用の Web サーバー(gunicorn)を起動する")
    p.add_argument("--bind", default=os.environ.get("KYODO_BIND", "127.0.0.1:8000"), help="待ち受けるアドレス:ポート")
    # Result pages are CPU work under one interpreter lock per process: a process per core, and two threads each
    # so that one waiting for the database or a slow page does not hold up the next request. More threads made
    # every request slower under load (benchmarks/web_results_load.py: p95 at 8 threads twice that at 2).
    # At most 8 by default: each thread keeps a database connection, and PostgreSQL allows 100 unless told more.
    default_workers = str(min(os.cpu_count() or 2, 8))
    p.add_argument("--workers", type=int, default=int(os.environ.get("KYODO_WEB_WORKERS", default_workers)),
                   help="プロセス数(既定: CPU のコア数、最大 8)")
    p.add_argument("--threads", type=int, default=int(os.environ.get("KYODO_WEB_THREADS", "2")),
                   help="プロセスあたりのスレッド数(既定: 2)")
    p.add_argument("--timeout", type=int, default=int(os.environ.get("KYODO_WEB_TIMEOUT", "60")),
                   help="1リクエストの上限(秒)")
    p.add_argument("--no-collectstatic", action="store_true", help="静的ファイルを集め直さない")
    p.set_defaults(handler=_serve)

    p = sub.add_parser("demo", help="デモ用の組織・利用者・データを用意してサーバーを起動する")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--children", type=int, default=1500, help="生成する申込数")
    p.add_argument("--facilities", type=int, default=60, help="生成する施設数")
    p.add_argument("--no-serve", action="store_true", help="準備だけしてサーバーは起動しない")
    p.set_defaults(handler=_demo)


if __name__ == "__main__":  # `python -m kyodo.web.cli migrate`
    sys.exit(manage(sys.argv[1:]))
