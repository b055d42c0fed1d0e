"""Counts for issue 11: inputs tried per importer, how many read, how many gave a clear problem list, how many
raised anything else (a traceback), and whether a failed CLI run left any output behind.

    uv run python benchmarks/robustness_counts.py            # 300 inputs per importer
    uv run python benchmarks/robustness_counts.py --n 1000
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import traceback
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings

sys.path.insert(0, str(Path(__file__).parents[1]))

from kyodo.hoiku.io import read_instance
from kyodo.hoiku.io.combinations import read_combinations
from kyodo.hoiku.model.errors import InputError, RuleError
from tests.fuzz import test_hoiku_importers as h
from tests.fuzz.strategies import inputs


def _jinzai(data: bytes, role: str) -> None:
    from kyodo.jinzai.readers import read_instance as read_jinzai

    examples = Path(__file__).parents[1] / "examples" / "jinzai"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{role}.csv"
        path.write_bytes(data)
        if role == "specialists":
            read_jinzai(path, examples / "requests.csv")
        else:
            read_jinzai(examples / "specialists.csv", path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    args = parser.parse_args()
    examples = Path(__file__).parents[1] / "examples" / "jinzai"
    importers: dict[str, tuple[Callable[[bytes], object], object]] = {
        "hoiku children": (lambda d: read_instance(("c.csv", d), h.CORPUS / "good_facilities.csv", fiscal_year=2026),
                           inputs(h.CHILDREN_CSV, h.CHILDREN_XLSX)),
        "hoiku facilities": (lambda d: read_instance(h.CORPUS / "good_children.csv", ("f.xlsx", d), fiscal_year=2026),
                             inputs(h.FACILITIES_CSV, h.FACILITIES_XLSX)),
        "hoiku combinations": (lambda d: read_combinations(("k.csv", d), h.WARD), inputs(h.COMBINATIONS_CSV)),
        "jinzai specialists": (lambda d: _jinzai(d, "specialists"),
                               inputs((examples / "specialists.csv").read_text(encoding="utf-8-sig"))),
        "jinzai requests": (lambda d: _jinzai(d, "requests"),
                            inputs((examples / "requests.csv").read_text(encoding="utf-8-sig"))),
    }
    total: Counter[str] = Counter()
    print(f"{'importer':<22}{'tried':>7}{'read':>7}{'clear':>7}{'traceback':>10}")
    for name, (read, strategy) in importers.items():
        counts = _count(read, strategy, args.n)
        total.update(counts)
        print(f"{name:<22}{counts['tried']:>7}{counts['read']:>7}{counts['clear']:>7}{counts['traceback']:>10}")
    print(f"{'total':<22}{total['tried']:>7}{total['read']:>7}{total['clear']:>7}{total['traceback']:>10}")
    print("half-written outputs:", _half_written())


def _count(read: Callable[[bytes], object], strategy: object, n: int) -> Counter[str]:
    counts: Counter[str] = Counter()

    @settings(max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(strategy)  # type: ignore[arg-type]
    def run(data: bytes) -> None:
        counts["tried"] += 1
        try:
            read(data)
            counts["read"] += 1
        except (InputError, RuleError):
            counts["clear"] += 1
        except Exception:
            counts["traceback"] += 1
            traceback.print_exc(limit=3)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run()
    return counts


CLI = "import sys; from kyodo.cli import main; sys.exit(main(sys.argv[1:]))"


def _half_written() -> int:
    """Failing `kyodo jinzai match` runs (bad input, unwritable output): files left in the output folder."""
    left = 0
    examples = Path(__file__).parents[1] / "examples" / "jinzai"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        out.mkdir()
        bad = Path(tmp) / "bad.csv"
        bad.write_bytes("依頼ID,団体\nR1,\x01\n".encode())
        (out / "blocker").write_text("a file where a folder is expected")
        cases = [
            ["match", str(examples / "specialists.csv"), str(bad), "-o", str(out / "plan.xlsx")],
            ["match", str(examples / "specialists.csv"), str(examples / "requests.csv"), "-o", str(out / "plan.xlsx"),
             "--json", str(out / "blocker" / "plan.json")],
        ]
        for argv in cases:
            done = subprocess.run([sys.executable, "-c", CLI, "jinzai", *argv], capture_output=True, text=True,
                                  check=False)
            assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
            left += len([p for p in out.iterdir() if p.name != "blocker"])
    return left


if __name__ == "__main__":
    main()
