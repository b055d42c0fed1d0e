"""Side by side with ChilmAI on the same ChilmAI-format instances (sibling families and transfers).

For each size: generate a ward (10% of children in sibling families, 5% transfers), score it
under 江東区's rules, and write it in ChilmAI's default format. So that both engines rank
applicants identically, each child's points at each choice (点数N) are written as a strict
score from Kyodo's priority at that facility (ChilmAI has no tie-break chain). Then:
- Kyodo reads the files and allocates (sibling-aware deferred acceptance, CP-SAT only if needed);
- ChilmAI's MatchingService matches the same files (CP-SAT, its default 360 s limit);
- Kyodo's independent check counts blocking pairs and coalitions in both results.
Times are wall-clock (and Kyodo's CPU time) for reading + allocation in one process run; "Kyodo job" is the
whole CLI job on the same files (read, allocate, check, explain, workbook + JSON, with the CLI's collector
setting). ChilmAI runs after Kyodo at each size. Run:
    uv run python benchmarks/hoiku_vs_chilmai.py [600 3000 8000]
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from kyodo.hoiku import run_instance
from kyodo.hoiku.checks.check import blocking_pairs
from kyodo.hoiku.cli_common import collector_paused
from kyodo.hoiku.engine.family import families
from kyodo.hoiku.engine.pipeline import _check, run_round
from kyodo.hoiku.engine.priority import build_priority
from kyodo.hoiku.engine.scoring import score_instance
from kyodo.hoiku.io import read_instance, write_instance
from kyodo.hoiku.outputs.result_json import json_bytes
from kyodo.hoiku.outputs.workbook import write_workbook_to
from kyodo.hoiku.rules import load_rules
from kyodo.hoiku.tools.generate import generate_ward
from kyodo.tables import write_all

FACILITIES = {600: 30, 3000: 120, 8000: 311}
TOP = 100_000


def strict_points_instance(children: int, seed: int):  # type: ignore[no-untyped-def]
    facilities = FACILITIES.get(children, max(20, children // 26))
    ward = generate_ward(
        children=children,
        facilities=facilities,
        seed=seed,
        fiscal_year=2026,
        sibling_share=0.10,
        transfer_share=0.05,
    )
    rules = load_rules("koto")
    limit = rules.choice_limit.at(2026) if rules.choice_limit else 10
    ward = replace(
        ward, children={cid: replace(c, choices=c.choices[:limit]) for cid, c in ward.children.items()}
    )
    priority = build_priority(ward, score_instance(ward, rules, 2026), rules, seed)
    rank = {(cid, seat[0]): i for seat, order in priority.order.items() for i, cid in enumerate(order)}
    children_out = {}
    for cid, c in ward.children.items():
        at = {f: TOP - rank[(cid, f)] for f in c.choices}
        children_out[cid] = replace(c, given_points=at[c.choices[0]], given_points_at=at)
    return replace(ward, children=children_out)


def run_chilmai(folder: Path, time_limit: float) -> tuple[dict[str, str | None], float]:
    from chilmai.generic.config import DEFAULT_CONFIG
    from chilmai.generic.service import MatchingService

    start = time.perf_counter()
    result = MatchingService().match(
        children_file_bytes=(folder / "children.csv").read_bytes(),
        children_file_format="csv",
        daycares_file_bytes=(folder / "facilities.csv").read_bytes(),
        daycares_file_format="csv",
        mapping=DEFAULT_CONFIG,
        solver_config={"max_time_seconds": time_limit},
    )
    seconds = time.perf_counter() - start
    assignment = {
        str(k): (str(v) if v not in (None, "") else None) for k, v in result["matching_result_dict"].items()
    }
    return assignment, seconds


def main(sizes: list[int], chilmai_limit: float = 360.0) -> None:
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}; cpus={os.cpu_count()}")
    print("children  engine       seconds  cpu s  placed  blocking(Kyodo's check)  method")
    for n in sizes:
        instance = strict_points_instance(n, seed=1)
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            write_instance(instance, folder, formats=("csv",), layout="chilmai")
            gc.collect()  # what an earlier size left behind is not this size's cost
            start, cpu = time.perf_counter(), time.process_time()
            read = read_instance(folder / "children.csv", folder / "facilities.csv")
            ours = run_round(read, rules=None, fiscal_year=2026, seed=1)
            kyodo_seconds, kyodo_cpu = time.perf_counter() - start, time.process_time() - cpu
            job_seconds, job_cpu = _whole_job(folder)
            theirs, chilmai_seconds = run_chilmai(folder, chilmai_limit)
        fams = families(read)
        theirs = {cid: theirs.get(cid) for cid in read.children}
        their_blocking = blocking_pairs(_check(read, ours.priority, theirs, fams, {}))
        our_blocking = blocking_pairs(list(ours.violations))
        method = ours.run.method if ours.run else ""
        placed = _placed(ours.assignment)
        print(
            f"{n:8d}  Kyodo      {kyodo_seconds:8.2f} {kyodo_cpu:6.2f}  {placed:6d}  {len(our_blocking):23d}  {method}"
        )
        print(
            f"{n:8d}  Kyodo job  {job_seconds:8.2f} {job_cpu:6.2f}  {placed:6d}  {'':23s}  + check, explain, outputs"
        )
        print(
            f"{n:8d}  ChilmAI    {chilmai_seconds:8.2f} {'':6s}  {_placed(theirs):6d}  {len(their_blocking):23d}  CP-SAT"
        )
        print(
            f"{'':8s}  speed-up ×{chilmai_seconds / kyodo_seconds:.0f} (read + allocate), "
            f"×{chilmai_seconds / job_seconds:.0f} (whole job); load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )


def _whole_job(folder: Path) -> tuple[float, float]:
    """Wall and CPU seconds of what `kyodo hoiku allocate -o r.xlsx --json r.json` does on the same files."""
    gc.collect()
    with collector_paused(), tempfile.TemporaryDirectory() as out:
        start, cpu = time.perf_counter(), time.process_time()
        read = read_instance(folder / "children.csv", folder / "facilities.csv")
        outcome = run_instance(read, None, seed=1, fiscal_year=2026)
        write_all(
            {
                Path(out) / "r.xlsx": lambda tmp: write_workbook_to(outcome, tmp),
                Path(out) / "r.json": lambda tmp: tmp.write_bytes(json_bytes(outcome)),
            }
        )
        return time.perf_counter() - start, time.process_time() - cpu


def _placed(assignment: dict[str, str | None] | object) -> int:
    return sum(1 for f in assignment.values() if f is not None)  # type: ignore[attr-defined]


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [600, 3000, 8000])
