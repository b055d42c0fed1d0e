from __future__ import annotations

import pytest

from kyodo.cli import build_parser, main


def test_web_commands_are_registered():
    parser = build_parser()
    for argv in (["web", "manage", "check"], ["web", "worker", "--batch"], ["web", "demo", "--no-serve"]):
        assert callable(parser.parse_args(argv).handler)


def test_manage_passes_through_to_django(capsys):
    assert main(["web", "manage", "check"]) == 0
    assert "no issues" in capsys.readouterr().out


# Transactional: the worker closes its database connection between tasks. Serialized rollback puts the
# organisations (seeded by a data migration) back for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_runs_queued_tasks_and_exits_in_batch_mode(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    assert main(["web", "worker", "--batch", "--interval", "0.1"]) == 0


def test_manage_reports_unknown_commands():
    with pytest.raises(SystemExit):
        main(["web", "manage", "no-such-command"])
