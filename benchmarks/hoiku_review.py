"""Benchmark: share of applicants flagged for staff review (要確認), and reasons for every result.

    uv run python benchmarks/hoiku_review.py                       # 1,000 / 8,000 children, seeds 1-3
    uv run python benchmarks/hoiku_review.py --sizes 8000 --seeds 1 2 3 4 5

Target (issue 4): at most 1% of applicants flagged on generated wards.

Each ward comes from `kyodo.hoiku.tools.generate.generate_ward` (10% sibling families, 5% transfers) with at
most as many choices as the 江東区 rules allow (5): a file with more is refused by the reader, so
over-limit choices never reach the engine from a file. The run is `run_round` with the 江東区 rules
for fiscal 2026. For each size and seed it prints the flagged children (distinct) and their share,
the flags by kind, the children whose order the lottery decided anywhere (what was flagged before
issue 4), and checks that every child has a reason for every choice ranked above its result
(exit 1 otherwise). Times are wall seconds on a shared machine: read them as rough.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter

from kyodo.hoiku.engine.pipeline import run_round
from kyodo.hoiku.explain.reasons import ReasonKind, explain_all
from kyodo.hoiku.rules import load_rules
from kyodo.hoiku.tools.generate import generate_ward

SIZES = {1_000: 40, 8_000: 311}
TARGET_SHARE = 0.01


def run(size: int, seed: int, max_choices: int) -> tuple[float, bool]:
    ward = generate_ward(
        children=size, facilities=SIZES.get(size, max(1, size // 26)), seed=seed, fiscal_year=2026,
        max_choices=max_choices,
    )  # fmt: skip
    started = time.perf_counter()
    koto = load_rules("koto")
    result = run_round(ward, rules=koto, fiscal_year=2026, seed=seed)
    allocated = time.perf_counter() - started
    started = time.perf_counter()
    explanations = explain_all(result, koto)
    explained = time.perf_counter() - started

    flagged = {f.child_id for f in result.flags}
    kinds = Counter(str(f.kind) for f in result.flags)
    share = len(flagged) / len(ward.children)
    complete = True
    reasons: Counter[str] = Counter()
    for cid, child in ward.children.items():
        got = result.assignment[cid]
        above = child.choices[: child.choices.index(got)] if got in child.choices else child.choices
        given = explanations[cid].choices
        complete &= [r.facility_id for r in given] == list(above) and all(r.text for r in given)
        reasons.update(r.kind for r in given)
    waitlisted = sum(1 for f in result.assignment.values() if f is None)
    print(
        f"{size:>6} seed {seed}: 要確認 {len(flagged):>4}人 / {len(ward.children)} = {share:6.2%}"
        f"  {dict(kinds) or '{}'}  抽選で順位が決まった児童 {len(result.priority.lottery_ties)}人"
        f"  保留 {waitlisted}人  理由 {dict(sorted((str(k), n) for k, n in reasons.items()))}"
        f"  {'理由はすべての希望にあり' if complete else '理由の欠けた児童あり'}"
        f"  (run {allocated:.2f} s, explain {explained:.2f} s)"
    )
    if ReasonKind.OTHER in reasons:
        print("  注意: 要確認(other)の理由があります")
    return share, complete


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    rules = load_rules("koto")
    limit = rules.choice_limit.at(2026) if rules.choice_limit else 10
    print(f"CPU {os.cpu_count()}、load average {os.getloadavg()[0]:.2f}; 希望数の上限 {limit}(江東区)")
    ok = True
    for size in args.sizes:
        shares = []
        for seed in args.seeds:
            share, complete = run(size, seed, limit)
            shares.append(share)
            ok &= complete
        worst = max(shares)
        verdict = "目標内" if worst <= TARGET_SHARE else "目標超過"
        print(f"{size:>6}: 要確認の割合 最大 {worst:.2%}、平均 {sum(shares) / len(shares):.2%}(目標 ≤ 1%: {verdict})")
        ok &= worst <= TARGET_SHARE
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
