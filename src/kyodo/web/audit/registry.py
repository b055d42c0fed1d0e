"""Every audit action of every app, with its Japanese label: the one list the log, its page and its filter read.

Each app declares its actions as a `TextChoices` class (its own `actions.py`, or `audit.models.Action` for the
foundation's) decorated with `@register`. When Django starts, the audit app imports every installed app's `actions`
module (`apps.AuditConfig.ready`), and `log.record` refuses an action that is not registered: a new app that forgets
to register fails in its first test instead of showing raw values such as `jinzai_confirm` on the audit page.
The field's choices are this registry (a callable), so a new app's actions need no migration of the audit app.
"""

from __future__ import annotations

import re
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models

C = TypeVar("C", bound=type[models.TextChoices])

MAX_LENGTH = 30  # AuditEntry.action's column
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")  # kana or kanji
_LABELS: dict[str, str] = {}


def register(actions: C) -> C:
    """Add an app's actions (a class decorator). Each needs a Japanese label; a value may not change its label.

    All or nothing: ImproperlyConfigured names the first bad action, and none of the class is registered.
    """
    labels = {value: str(label) for value, label in actions.choices}
    for value, text in labels.items():
        if len(value) > MAX_LENGTH:
            raise ImproperlyConfigured(f"audit action {value!r} is longer than {MAX_LENGTH} characters")
        if not _JAPANESE.search(text):
            raise ImproperlyConfigured(f"audit action {value!r} needs a Japanese label, not {text!r}")
        if _LABELS.get(value, text) != text:
            raise ImproperlyConfigured(f"audit action {value!r} has two labels: {_LABELS[value]!r} and {text!r}")
    _LABELS.update(labels)
    return actions


def choices() -> list[tuple[str, str]]:
    """(value, label) of every registered action, in the order registered; the model field's choices."""
    return list(_LABELS.items())


def is_registered(value: str) -> bool:
    return value in _LABELS


def label(value: str) -> str:
    """The Japanese label; KeyError for an action nobody registered."""
    return _LABELS[value]
