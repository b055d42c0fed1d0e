"""Benchmark: the notices ZIP (one PDF per facility, or one per child) for a generated ward.

    uv run python benchmarks/hoiku_notices_zip.py                  # 3,000 children, 120 facilities
    uv run python benchmarks/hoiku_notices_zip.py --children 300 --facilities 12

Prints the engine time (what the web task repeats to rebuild the Outcome) and, per grouping, the time to write
the ZIP, its size and number of PDFs. The web app builds the ZIP in a background task (kyodo.web.hoiku.tasks).
"""

from __future__ import annotations

import argparse
import io
import time
import zipfile

from kyodo.hoiku import run_instance
from kyodo.hoiku.outputs.notices.archive import notices_zip
from kyodo.hoiku.tools.generate import generate_ward


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=3_000)
    parser.add_argument("--facilities", type=int, default=120)
    parser.add_argument("--groupings", default="facility,child")
    args = parser.parse_args()
    instance = generate_ward(children=args.children, facilities=args.facilities, seed=1, fiscal_year=2026)
    start = time.perf_counter()
    outcome = run_instance(instance, "koto", seed=1, fiscal_year=2026)
    print(f"children {args.children}, facilities {args.facilities}: engine {time.perf_counter() - start:.2f} s")
    for by in args.groupings.split(","):
        start = time.perf_counter()
        data = notices_zip(outcome, by=by, stamp="案")
        spent = time.perf_counter() - start
        count = len(zipfile.ZipFile(io.BytesIO(data)).namelist())
        print(f"by {by}: {spent:.1f} s, {count} PDFs, {len(data) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
