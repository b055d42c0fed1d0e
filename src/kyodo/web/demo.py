"""`kyodo web demo`: a working platform on this machine in one command.

Steps (each a function, so tests can run them one by one): migrate → demo users of 江東区 and 東京都 →
every service's demo data (each service's own `demo` module) → 江東区's rules version and letter settings → a
generated ward written as Excel files → a round under that version with those files uploaded → one run → the
server on 127.0.0.1 with a background worker beside it. Running it again reuses what exists.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

DEMO_ORG_CODE = "131083"  # 江東区
DEMO_PASSWORD = "kyodo-demo-2026"
DEMO_USERS = (
    ("koto-admin", "江東 管理者", "org_admin"),
    ("koto-staff", "江東 職員", "staff"),
)
DEMO_ROUND_TITLE = "4月入所(デモ)"
FISCAL_YEAR = 2026
SEED = 2026


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def ensure_users() -> Any:
    from kyodo.web.accounts.models import Organisation, User

    org = Organisation.objects.get(code=DEMO_ORG_CODE)
    users = []
    for username, display_name, role in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username, password=DEMO_PASSWORD, organisation=org, role=role, display_name=display_name
            )
        users.append(user)
    return users[0]


def write_ward(directory: Path, *, children: int, facilities: int) -> tuple[Path, Path]:
    from kyodo.hoiku.io import write_instance
    from kyodo.hoiku.tools.generate import generate_ward
    from kyodo.web.hoiku.services import choice_limit

    limit = choice_limit("koto", FISCAL_YEAR) or 10
    instance = generate_ward(
        children=children, facilities=facilities, seed=SEED, fiscal_year=FISCAL_YEAR, max_choices=limit
    )
    directory.mkdir(parents=True, exist_ok=True)
    write_instance(instance, directory, formats=("xlsx",))
    return directory / "children.xlsx", directory / "facilities.xlsx"


def ensure_round(admin: Any, children_path: Path, facilities_path: Path, rules_version: Any = None) -> Any:
    """The demo round with the ward uploaded and run once (the run happens here, not in the worker), under the
    organisation's rules version when given, else the shipped 江東区 rules."""
    from django.test import override_settings

    from kyodo.web.hoiku import services
    from kyodo.web.hoiku.models import Round

    round_ = Round.objects.for_user(admin).filter(title=DEMO_ROUND_TITLE).first()
    if round_ is None:
        round_ = Round.objects.create(
            organisation_id=admin.organisation_id, title=DEMO_ROUND_TITLE, fiscal_year=FISCAL_YEAR,
            rules_name="" if rules_version else "koto", rules_version=rules_version, seed=SEED, created_by=admin,
        )
    if round_.latest_input() is None:
        files = [services.UploadedFile(p.name, p.read_bytes()) for p in (children_path, facilities_path)]
        instance, problems = services.read_upload(round_, files[0], files[1])
        if instance is None:
            raise RuntimeError("デモのデータを読み込めません: " + " / ".join(str(p) for p in problems))
        services.store_upload(round_, admin, files[0], files[1], instance)
    if not round_.runs.exists():
        print("[kyodo] デモの区で利用調整を実行しています(通知書の PDF 作成を含めて数十秒かかります)", flush=True)
        immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
        with override_settings(TASKS=immediate):
            services.start_run(round_, admin)
    return round_


def ensure_services(tokyo_user: Any, admin: Any) -> None:
    """The other services' demo data, each step once: Tokyo's two model guidelines (1.0 published, 1.1 a draft to
    publish); the shared cases (the seed's two 江東区 cases and generated ones from all of Tokyo); Tokyo's training
    courses with a survey taking nominations and 江東区's first nominees; every municipality's standardisation
    plans and 江東区's past monthly reports; one transcribed 江東区 committee meeting."""
    from kyodo.jirei.generate import generate_cases
    from kyodo.web.accounts.models import User
    from kyodo.web.gijiroku import demo as gijiroku
    from kyodo.web.hyojunka import demo as hyojunka
    from kyodo.web.jirei import services as jirei
    from kyodo.web.jirei.models import Case
    from kyodo.web.jirei.operations import organisations_of
    from kyodo.web.kenshu import demo as kenshu
    from kyodo.web.shishin.demo import load as load_guidelines

    load_guidelines(tokyo_user)
    if not Case.objects.unscoped("is there any demo case yet").exists():
        records = generate_cases(300, 1)
        jirei.import_records(records, organisations_of(records, "demo"), None)
    kenshu.load(tokyo_user, admin, User.objects.get(username=DEMO_USERS[1][0]))
    hyojunka.load(admin)
    if gijiroku.load(admin) is None:
        print("[kyodo] 会議録のデモは作りません(合成音声の pyopenjtalk-plus がありません)", flush=True)


def prepare(*, children: int, facilities: int) -> Any:
    from django.conf import settings

    if settings.PRODUCTION:
        raise SystemExit("デモは本番設定(KYODO_ENV=production)では動かしません")
    migrate()
    admin = ensure_users()
    from kyodo.web.hoiku import demo as hoiku
    from kyodo.web.jinzai.demo import ensure_pool

    coordinator = ensure_pool(DEMO_PASSWORD)
    ensure_services(coordinator, admin)
    version = hoiku.ensure_rules_version(admin, FISCAL_YEAR)
    hoiku.ensure_letter_settings(admin, FISCAL_YEAR)  # before the run, whose notices print them
    paths = write_ward(Path(settings.DATA_DIR) / "demo" / "ward", children=children, facilities=facilities)
    return ensure_round(admin, *paths, rules_version=version)


def serve_as_in_production() -> None:
    """DEBUG off and static files collected (before Django starts): the product's own error pages, and no debug
    404 page listing every URL. An explicit KYODO_DEBUG / KYODO_STATIC_COLLECTED still wins."""
    os.environ.setdefault("KYODO_DEBUG", "0")
    os.environ.setdefault("KYODO_STATIC_COLLECTED", "1")


def run_server(host: str, port: int) -> int:
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # WhiteNoise serves them, as `kyodo web serve`
    # The worker runs re-runs started from the browser; it stops with the server, on Ctrl+C or SIGTERM.
    worker = subprocess.Popen([sys.executable, "-m", "kyodo.cli", "web", "worker", "--interval", "0.5"])

    def stop(signum: int, frame: Any) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once is enough while the worker stops
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        call_command("runserver", f"{host}:{port}", use_reloader=False)
    except (KeyboardInterrupt, SystemExit):  # runserver turns Ctrl+C into sys.exit(0)
        pass
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
    print("[kyodo] デモを終了しました")
    return 0


def main(*, host: str, port: int, children: int, facilities: int, serve: bool = True) -> int:
    from kyodo.web.cli import setup_django

    if serve:
        serve_as_in_production()
    setup_django()
    round_ = prepare(children=children, facilities=facilities)
    run = round_.runs.order_by("-number").first()
    print(f"[kyodo] デモの準備ができました: {round_}(第{run.number}回: {run.get_status_display()})")
    print(f"[kyodo] アドレス: http://{host}:{port}/")
    from kyodo.web.jinzai.demo import USERS as JINZAI_USERS

    for username, display_name, _role in (*DEMO_USERS, *JINZAI_USERS):
        print(f"[kyodo] ログイン: {username} / {DEMO_PASSWORD}({display_name})")
    if not serve:
        return 0
    print("[kyodo] 終了するには Ctrl+C を押してください")
    sys.stdout.flush()
    return run_server(host, port)
