"""Every audit action of every app has a Japanese label on the audit page, and an unlabelled one cannot be written."""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from kyodo.web.audit import log, registry
from kyodo.web.audit.log import record
from kyodo.web.audit.models import Action, AuditEntry
from kyodo.web.jinzai.actions import JinzaiAction

SRC = Path(__file__).parents[2] / "src"
WRITERS = {"record": log.record, "record_request": log.record_request}


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(SRC).with_suffix("").parts)


def actions_written_in_the_code() -> dict[str, list[str]]:
    """Action value → where it is written, for every call of the audit log's writers anywhere under src/.

    The action argument is evaluated in the calling module's namespace, so `JinzaiAction.CONFIRM` reads as
    "jinzai_confirm". A call whose action cannot be read that way is itself a failure: it is written as a
    registered TextChoices member at the call site, so this test can see it.
    """
    found: dict[str, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "record" not in text:
            continue
        tree = ast.parse(text)
        calls = [
            node for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in WRITERS
        ]
        if not calls:
            continue
        module = importlib.import_module(_module_name(path))
        if module is log:
            continue  # record_request passes its caller's action on to record
        for call in calls:
            assert isinstance(call.func, ast.Name)
            if getattr(module, call.func.id, None) is not WRITERS[call.func.id]:
                continue  # some other function of that name
            where = f"{path.relative_to(SRC)}:{call.lineno}"
            argument = next((k.value for k in call.keywords if k.arg == "action"), None)
            if argument is None:
                assert len(call.args) >= 2, f"{where}: no action given"
                argument = call.args[1]
            try:
                value: Any = eval(compile(ast.Expression(argument), where, "eval"), vars(module))  # our own source
            except NameError:
                pytest.fail(f"{where}: write the action as a registered TextChoices member, not {ast.unparse(argument)}")
            found.setdefault(str(value), []).append(where)
    return found


def test_every_action_written_anywhere_has_a_japanese_label() -> None:
    written = actions_written_in_the_code()
    # The scan finds the foundation's, hoiku's and jinzai's writers (so it cannot pass by finding nothing).
    assert {"login", "download", "decision", "jinzai_confirm", "jinzai_decline", "jinzai_rating"} <= set(written)
    unlabelled = {value: where for value, where in written.items() if not registry.is_registered(value)}
    assert unlabelled == {}
    for value in written:
        label = registry.label(value)
        assert label != value and registry._JAPANESE.search(label), (value, label)


def test_every_actions_class_of_every_app_is_registered() -> None:
    classes = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.actions")
        except ModuleNotFoundError:
            continue
        classes += [c for _, c in inspect.getmembers(module, inspect.isclass)
                    if issubclass(c, models.TextChoices) and c.__module__ == module.__name__]
    assert JinzaiAction in classes
    for c in [Action, *classes]:
        assert all(registry.label(value) == label for value, label in c.choices), c


def test_the_audit_page_shows_japanese_labels_for_every_app(alice_client, alice) -> None:
    record(alice, Action.DOWNLOAD, kind="csv")
    record(alice, JinzaiAction.CONFIRM, request_id=1)
    record(alice, JinzaiAction.DECLINE, reason="日程")
    body = alice_client.get("/audit/").content.decode()
    assert "<td>ダウンロード</td>" in body and "<td>割当の確定</td>" in body and "<td>提案の見送り</td>" in body
    assert "<td>jinzai_confirm</td>" not in body
    assert '<option value="jinzai_decline">提案の見送り</option>' in body  # the filter lists them too
    filtered = alice_client.get("/audit/?action=jinzai_decline").content.decode()
    assert "<td>提案の見送り</td>" in filtered and "<td>割当の確定</td>" not in filtered


def test_an_unregistered_action_is_refused_and_nothing_is_written(alice) -> None:
    with pytest.raises(ValueError, match="not registered"):
        record(alice, "jinzai_something_new", detail="x")
    assert not AuditEntry.objects.for_user(alice).exists()


def test_registering_needs_a_japanese_label_and_one_label_per_value() -> None:
    class English(models.TextChoices):
        FINE = "test_fine", "テスト"
        EXPORT = "test_export", "Export"

    class Relabelled(models.TextChoices):
        LOGIN = "login", "サインイン"

    with pytest.raises(ImproperlyConfigured, match="Japanese label"):
        registry.register(English)
    assert not registry.is_registered("test_fine")  # all or nothing
    with pytest.raises(ImproperlyConfigured, match="two labels"):
        registry.register(Relabelled)
    assert registry.label("login") == "ログイン"


def test_apps_actions_are_registered_when_django_starts_before_any_view_is_imported() -> None:
    # A worker or management command may never import the views that use JinzaiAction.
    code = (
        "import sys, django; django.setup(); from kyodo.web.audit import registry; "
        "assert 'kyodo.web.jinzai.views' not in sys.modules; print(registry.label('jinzai_confirm'))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kyodo.web.settings"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "割当の確定"
