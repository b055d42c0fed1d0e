#!/usr/bin/env bash
# Installs what Kyodo needs on a fresh machine: uv, the locked Python packages and, with --test,
# the Debian packages the test suite uses (Chromium for browser tests, IPAex fonts for PDFs).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v uv >/dev/null 2>&1; then
    echo "[kyodo] uv をインストールします"
    python3 -m pip install --quiet uv || python3 -m pip install --quiet --user uv
    export PATH="$HOME/.local/bin:$PATH"
fi

want=(fonts-ipaexfont-gothic fonts-ipaexfont-mincho)
if [[ "${1:-}" == "--test" ]]; then
    want+=(chromium)
fi
missing=()
for pkg in "${want[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "[kyodo] Debian パッケージをインストールします: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "[kyodo] 注意: 次の Debian パッケージがありません(root で apt-get install してください): ${missing[*]}" >&2
    fi
fi

uv sync --frozen --quiet
