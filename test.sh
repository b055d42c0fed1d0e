#!/usr/bin/env bash
# The whole test suite: lint, types, tests on SQLite, then the web tests again on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/bootstrap.sh --test
export PATH="$HOME/.local/bin:$PATH"

uv run --frozen ruff check
uv run --frozen mypy
uv run --frozen pytest "$@"

pg_url="${KYODO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
if [[ -d tests/web ]] && uv run --frozen python scripts/db_reachable.py "$pg_url"; then
    echo "[kyodo] PostgreSQL でWebのテストを実行します"
    DATABASE_URL="$pg_url" uv run --frozen pytest tests/web -m "not browser"
elif [[ -d tests/web && "${CI:-}" == "true" ]]; then
    echo "[kyodo] CI では PostgreSQL が必要です: $pg_url に接続できません" >&2
    exit 1
fi
