#!/usr/bin/env bash
# One command after cloning: set everything up and run Kyodo's main job on demo data.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/bootstrap.sh
export PATH="$HOME/.local/bin:$PATH"
mkdir -p out/demo
uv run kyodo hoiku generate --children 3000 --facilities 120 --seed 2026 --out out/demo/ward
uv run kyodo hoiku allocate out/demo/ward/children.xlsx out/demo/ward/facilities.xlsx \
    --rules koto --fiscal-year 2026 --seed 2026 \
    -o out/demo/result.xlsx --assignment-json out/demo/assignment.json --json out/demo/result.json
echo "[kyodo] デモの結果: out/demo/result.xlsx, out/demo/result.json"
