"""Fair against FCFS on generated years of joint-training demand (`kyodo.kenshu.generate`).

For each seed: seats used, worst municipal share, municipalities without a seat, the share of the smallest size
band (villages and towns with the fewest staff), Jain's index of the shares, and the allocation time.

    uv run python benchmarks/kenshu_allocate.py [--seeds 3]
"""

from __future__ import annotations

import argparse
import os
import time

from kyodo.kenshu import Plan, allocate
from kyodo.kenshu.generate import generate, it_staff
from kyodo.municipalities import BY_CODE

SMALLEST_BAND = 3  # it_staff() == 3: the villages, towns and small islands (the minimum)


def band_share(plan: Plan) -> float:
    rows = [s for s in plan.fairness.shares if it_staff(BY_CODE[s.municipality].population) <= SMALLEST_BAND]
    nominated = sum(s.nominations for s in rows)
    return sum(s.seats for s in rows) / nominated if nominated else 1.0


def main() -> None:
    print(f"CPUs {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}")
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    print(f"{'seed':>4} {'method':<6} {'noms':>5} {'seats':>5} {'worst':>6} {'no seat':>7} {'small band':>10} "
          f"{'Jain':>6} {'time s':>7} {'cpu s':>6}")
    for seed in range(1, args.seeds + 1):
        instance = generate(seed=seed)
        for method in ("fcfs", "fair"):
            start, cpu = time.perf_counter(), time.process_time()
            plan = allocate(instance, method=method, seed=seed)
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
            f = plan.fairness
            print(f"{seed:>4} {method:<6} {len(instance.nominations):>5} {len(plan.assignments):>5} "
                  f"{f.worst_share:>6.1%} {len(f.without_seat):>7} {band_share(plan):>10.1%} {f.jain:>6.3f} "
                  f"{elapsed:>7.2f} {cpu:>6.2f}")


if __name__ == "__main__":
    main()
