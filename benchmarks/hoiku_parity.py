"""Parity of the engine with a perturbed "manual" result, on a generated ward (issue 15).

    uv run python benchmarks/hoiku_parity.py                  # 400 children, 12 facilities, 江東区, seed 7
    uv run python benchmarks/hoiku_parity.py --children 2000 --facilities 60 --swaps 30

The ward comes from `kyodo hoiku generate`; `kyodo hoiku allocate --json` gives the engine's result. The
"manual" result starts from that result and is perturbed the way hand work goes wrong: `--swaps` placed children
are replaced by a waitlisted child with fewer points who wanted the same place (priority inversions),
`--transfers` transfer applicants are left where they are, and one waitlisted child is added to its first
choice (over capacity). `kyodo hoiku parity` then reports the agreement and the differences by cause.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import tempfile
from pathlib import Path
from typing import Any

from kyodo.cli import main


def perturb(result: dict[str, Any], swaps: int, transfers: int, seed: int) -> dict[str, str | None]:
    children = result["children"]
    manual = {cid: c["assigned"] for cid, c in children.items()}
    rnd = random.Random(seed)
    done = 0
    for low in rnd.sample(list(children), len(children)):
        fid = manual[low]
        if done == swaps or fid is None or children[low]["current_facility"]:
            continue
        age, points = children[low]["age_class"], children[low]["points"]["at"][fid]
        lower = [
            h
            for h, c in children.items()
            if manual[h] is None
            and fid in c["choices"]
            and c["age_class"] == age
            and c["points"]["at"][fid] < points
        ]
        if lower:
            manual[lower[0]], manual[low] = fid, None
            done += 1
    for cid in [c for c, v in children.items() if v["current_facility"] and manual[c]][:transfers]:
        manual[cid] = None
    extra = next(c for c, v in children.items() if manual[c] is None and not v["current_facility"])
    manual[extra] = children[extra]["choices"][0]
    return manual


def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        common = [
            "--children",
            str(args.children),
            "--facilities",
            str(args.facilities),
            "--seed",
            str(args.seed),
        ]
        assert main(["hoiku", "generate", *common, "--fiscal-year", "2026", "--out", str(d / "gen")]) == 0
        inputs = [str(d / "gen" / "children.csv"), str(d / "gen" / "facilities.csv")]
        outputs = ["-o", str(d / "r.xlsx"), "--json", str(d / "r.json")]
        assert (
            main(["hoiku", "allocate", *inputs, "--rules", args.rules, "--fiscal-year", "2026", *outputs])
            == 0
        )
        result = json.loads((d / "r.json").read_text(encoding="utf-8"))
        manual = perturb(result, args.swaps, args.transfers, args.seed)
        with (d / "manual.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["児童番号", "施設番号"])
            writer.writerows([cid, fid or ""] for cid, fid in manual.items())
        print(
            f"--- parity ({args.rules}, {args.children} children, {args.swaps} swaps, {args.transfers} transfers)"
        )
        assert (
            main(["hoiku", "parity", str(d / "r.json"), str(d / "manual.csv"), "--json", str(d / "p.json")])
            == 0
        )
        report = json.loads((d / "p.json").read_text(encoding="utf-8"))
        shown: set[str] = set()
        for diff in report["differences"]:
            if diff["cause_label"] not in shown:
                shown.add(diff["cause_label"])
                print(f"  例({diff['cause_label']}): {diff['text']}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=400)
    parser.add_argument("--facilities", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rules", default="koto")
    parser.add_argument("--swaps", type=int, default=8)
    parser.add_argument("--transfers", type=int, default=3)
    run(parser.parse_args())
