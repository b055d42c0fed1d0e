"""Benchmark: CP-SAT matching against the greedy baseline on a generated quarter.

    uv run python benchmarks/jinzai_match.py                 # 300 specialists, 62 municipalities, 500 requests
    uv run python benchmarks/jinzai_match.py --seeds 1 2 3 --time-limit 8 --json out/jinzai_bench.json

For each seed: requests served, hours served, fairness across municipality size bands (served share per band, the
worst band's share, the gap between bands, Jain's index over municipalities, municipalities left with nothing) and the
requests lost to competition per band (someone could have served them, nobody was left), and the
wall-clock solve time (reading the instance, building the model, solving and reading out; the one-off import of
OR-Tools is excluded). Every plan is checked against the hard constraints before it is reported.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from kyodo.jinzai import greedy, optimize
from kyodo.jinzai.check import violations
from kyodo.jinzai.fairness import measure
from kyodo.jinzai.generate import generate
from kyodo.jinzai.model import Instance, Plan


def _figures(instance: Instance, plan: Plan, seconds: float) -> dict[str, Any]:
    assignment = plan.by_request()
    broken = violations(instance, assignment)
    if broken:
        raise SystemExit(f"{plan.method}: {len(broken)} hard-constraint violations, first: {broken[0]}")
    f = measure(instance, assignment)
    p = instance.policy
    return {
        "method": plan.method,
        "status": plan.status,
        "served": len(plan.assignments),
        "hours_served": sum(instance.request(r).hours(p) for r in assignment),
        "objective": plan.objective,
        "bands": {b.band: round(b.rate, 3) for b in f.bands},
        "lost": {b.band: b.lost for b in f.bands},
        "servable_rate": {b.band: round(b.rate_servable, 3) for b in f.bands},
        "min_band_rate": round(f.min_band_rate, 3),
        "band_gap": round(f.band_gap, 3),
        "small_vs_large": round(f.small_vs_large, 3),
        "jain": round(f.jain, 3),
        "unserved_municipalities": len(f.unserved_municipalities),
        "seconds": round(seconds, 2),
    }


def run(seed: int, specialists: int, requests: int, time_limit: float, workers: int) -> dict[str, Any]:
    instance = generate(specialists=specialists, requests=requests, seed=seed)
    p = instance.policy
    started = time.perf_counter()
    g = greedy.solve(instance)
    g_time = time.perf_counter() - started
    started = time.perf_counter()
    o = optimize.solve(instance, time_limit_s=time_limit, workers=workers, seed=seed)
    o_time = time.perf_counter() - started
    return {
        "seed": seed,
        "specialists": len(instance.specialists),
        "municipalities": len({r.municipality for r in instance.requests}),
        "requests": len(instance.requests),
        "hours_requested": sum(r.hours(p) for r in instance.requests),
        "greedy": _figures(instance, g, g_time),
        "cpsat": _figures(instance, o, o_time),
    }


ROWS = [
    ("依頼の割当数", "served"), ("割当時間", "hours_served"), ("目的関数", "objective"),
    ("割当率 特大", ("bands", "特大")), ("割当率 大規模", ("bands", "大規模")),
    ("割当率 中規模", ("bands", "中規模")), ("割当率 小規模", ("bands", "小規模")),
    ("競合で取りこぼし 特大", ("lost", "特大")), ("競合で取りこぼし 大規模", ("lost", "大規模")),
    ("競合で取りこぼし 中規模", ("lost", "中規模")), ("競合で取りこぼし 小規模", ("lost", "小規模")),
    ("最も低い区分の割当率", "min_band_rate"), ("区分間の差", "band_gap"), ("小規模−特大", "small_vs_large"),
    ("Jain指数(団体別)", "jain"), ("割当0件の団体数", "unserved_municipalities"), ("計算時間(秒)", "seconds"),
    ("状態", "status"),
]


def _cell(figures: dict[str, Any], key: str | tuple[str, str]) -> str:
    value = figures[key[0]][key[1]] if isinstance(key, tuple) else figures[key]
    return str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--specialists", type=int, default=300)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--time-limit", type=float, default=8.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    import ortools.sat.python.cp_model  # noqa: F401  (import once, outside the timings)

    results = []
    for seed in args.seeds:
        result = run(seed, args.specialists, args.requests, args.time_limit, args.workers)
        results.append(result)
        print(
            f"\nseed {seed}: 人材 {result['specialists']} 名、{result['municipalities']} 団体、"
            f"依頼 {result['requests']} 件({result['hours_requested']} 時間)"
        )
        print(f"{'':24}{'貪欲法':>12}{'CP-SAT':>12}")
        for label, key in ROWS:
            print(f"{label:<24}{_cell(result['greedy'], key):>12}{_cell(result['cpsat'], key):>12}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
