#!/usr/bin/env bash
# One command after cloning: set everything up, run Kyodo's main job on demo data, then start the web app
# (demo organisation 江東区, demo users, the generated ward uploaded and run) on http://127.0.0.1:8000/.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/bootstrap.sh
export PATH="$HOME/.local/bin:$PATH"
mkdir -p out/demo
uv run kyodo hoiku generate --children 3000 --facilities 120 --seed 2026 --out out/demo/ward
# 大田区's rules: the generator draws up to 10 choices, and 江東区's rules allow 5 (the web demo generates 5 for 江東区).
uv run kyodo hoiku allocate out/demo/ward/children.xlsx out/demo/ward/facilities.xlsx \
    --rules ota --fiscal-year 2026 --seed 2026 \
    -o out/demo/result.xlsx --assignment-json out/demo/assignment.json --json out/demo/result.json
echo "[kyodo] デモの結果: out/demo/result.xlsx, out/demo/result.json"
# The web app: prints the address and the demo login, then serves until Ctrl+C.
exec uv run kyodo web demo
