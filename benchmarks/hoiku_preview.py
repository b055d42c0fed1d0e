"""Benchmark: the web's decision preview (試算) on a synthetic ward: is it fast enough to run in the request?

    uv run python benchmarks/hoiku_preview.py                  # 3,000 children, 120 facilities, 江東区's rules
    uv run python benchmarks/hoiku_preview.py --children 8000 --facilities 311

The preview (`kyodo.web.hoiku.views_adjust.dry_run`) runs `kyodo.hoiku.run` on the stored files with the
decisions in force plus the new one, and compares with the 'before' allocation: the run's stored rows when the
run was made under the same decisions (one engine run), otherwise a second engine run. This prints wall and CPU
seconds of one engine run from the files (read, score, allocate, check, explain, summary) and of the comparison,
for a fix of a waitlisted child into a full class (which displaces someone), as median of --repeat runs.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def _timed(fn):  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=3000)
    parser.add_argument("--facilities", type=int, default=120)
    parser.add_argument("--seed", type=int, default=5151)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from kyodo import hoiku
    from kyodo.hoiku.io import write_instance
    from kyodo.hoiku.io.source import InputFile
    from kyodo.hoiku.rules import load_rules
    from kyodo.hoiku.tools.generate import generate_ward
    from kyodo.web.hoiku.preview import compare, placements

    rules = load_rules("koto")
    ward = generate_ward(children=args.children, facilities=args.facilities, seed=args.seed, fiscal_year=2026,
                         max_choices=5)
    with tempfile.TemporaryDirectory() as tmp:
        write_instance(ward, Path(tmp), formats=("csv",))
        files = tuple(InputFile(n, (Path(tmp) / n).read_bytes()) for n in ("children.csv", "facilities.csv"))

    def engine(decisions=()):  # type: ignore[no-untyped-def]
        return hoiku.run(files, rules, seed=args.seed, fiscal_year=2026, decisions=decisions)

    base = engine()
    full = {(s.facility_id, s.age_class) for s in base.summary.by_seat if s.new_seats and s.cutoff.vacancies_left <= 0}
    waiting = next(cid for cid in base.children_with(hoiku.Status.WAITLISTED)
                   if any((f, base.instance.children[cid].age_class) in full for f in base.instance.facilities))
    age = base.instance.children[waiting].age_class
    facility = next(f for f in sorted(base.instance.facilities) if (f, age) in full)
    fix = hoiku.Decision("fix", waiting, facility, reason="benchmark")
    before = placements(base)
    engine_s, engine_cpu, compare_s = [], [], []
    for _ in range(args.repeat):
        after, wall, cpu = _timed(lambda: engine([fix]))
        engine_s.append(wall)
        engine_cpu.append(cpu)
        preview, wall, _cpu = _timed(lambda: compare(before, placements(after), waiting))  # noqa: B023
        compare_s.append(wall)
    one, cpu, cmp_ = statistics.median(engine_s), statistics.median(engine_cpu), statistics.median(compare_s)
    print(f"{args.children} children, {args.facilities} facilities: fix {waiting} → {facility} ({age}歳)")
    print(f"  moves: {len(preview.gains)} gain, {len(preview.displaced)} displaced, {len(preview.families)} families")
    print(f"  one engine run from the files: {one:.2f} s wall, {cpu:.2f} s CPU (median of {args.repeat})")
    print(f"  comparison: {cmp_ * 1000:.1f} ms")
    print(f"  preview with the run's rows as 'before': {one + cmp_:.2f} s; with a second engine run: {2 * one + cmp_:.2f} s")


if __name__ == "__main__":
    main()
