"""Checks that production settings must pass before the process starts (kept apart to be testable)."""

from __future__ import annotations

import os

# Used only in development; production refuses it (see production_problems).
DEVELOPMENT_SECRET_KEY = "django-insecure-kyodo-development-only-never-use-in-production-0123456789"
MIN_SECRET_KEY_LENGTH = 50


def env_flag(name: str, *, default: bool) -> bool:
    """Read a 1/0, true/false, yes/no environment variable; anything else is an error."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name} は 1 か 0 で指定してください(指定: {raw!r})")


def production_problems(*, debug: bool, secret_key: str) -> list[str]:
    """Why these settings must not run in production (empty when they may)."""
    problems = []
    if debug:
        problems.append("DEBUG が有効です(KYODO_DEBUG=0 にしてください)")
    if not secret_key:
        problems.append("KYODO_SECRET_KEY が設定されていません")
    elif secret_key == DEVELOPMENT_SECRET_KEY or secret_key.startswith("django-insecure"):
        problems.append("KYODO_SECRET_KEY が開発用の値です")
    elif len(secret_key) < MIN_SECRET_KEY_LENGTH or len(set(secret_key)) < 5:
        problems.append(f"KYODO_SECRET_KEY が短すぎるか単純すぎます({MIN_SECRET_KEY_LENGTH}文字以上の乱数にしてください)")
    return problems
