"""Mutation testing of the checkers (the engines' own referees), within a fixed time.

    uv run python scripts/mutation.py                 # all modules in scripts/mutation.toml, 20 minutes
    uv run python scripts/mutation.py --budget 600 --module hoiku.check
    uv run python scripts/mutation.py --tests before  # the test selection named "before" in the config
    uv run python scripts/mutation.py --sample 5      # every mutant whose number ends in 0 or 5 (a fifth)

Runs mutmut (3.x) in a scratch copy of src/ and tests/ (nothing is written in the checkout), over the
modules listed in scripts/mutation.toml with the tests listed there, stops at the time budget, and prints
per module: mutants killed / tested (kill rate), those not reached in time, and every survivor with its
diff, so each can be judged (a real gap in the tests, or an equivalent mutant). Not part of ./test.sh:
it runs the selected tests once per mutant and takes many minutes.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "scripts" / "mutation.toml"
KILLED = {"killed", "timeout", "caught by type check"}
SURVIVED = {"survived"}


def main() -> int:
    config = tomllib.loads(CONFIG.read_text("utf-8"))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--budget", type=int, default=int(config.get("budget_seconds", 1200)), help="seconds")
    parser.add_argument("--module", action="append", choices=sorted(config["modules"]), help="only these")
    parser.add_argument("--tests", default="after", choices=sorted(config["tests"]), help="test selection")
    parser.add_argument("--jobs", type=int, default=max(1, (os.cpu_count() or 2) // 2))
    parser.add_argument("--sample", type=int, choices=(1, 2, 5, 10), default=1,
                        help="test one mutant in N, chosen by its number (the same ones every time)")
    parser.add_argument("--tests-at", metavar="COMMIT", help="take tests/ as it was at this commit (a baseline)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch copy and print where it is")
    args = parser.parse_args()

    modules = {name: config["modules"][name] for name in (args.module or sorted(config["modules"]))}
    tests = config["tests"][args.tests]
    scratch = Path(tempfile.mkdtemp(prefix="kyodo-mutation-"))
    try:
        _prepare(scratch, [m["path"] for m in modules.values()], tests)
        if args.tests_at:
            _tests_at(scratch, args.tests_at)
        started = time.monotonic()
        finished = _run_mutmut(scratch, args.budget, args.jobs, SAMPLES[args.sample])
        elapsed = time.monotonic() - started
        statuses = _statuses(scratch)
        print(f"\nmutmut {'finished' if finished else 'stopped at the budget'} after {elapsed:.0f} s "
              f"(tests: {args.tests}{' at ' + args.tests_at if args.tests_at else ''}, {len(tests)} paths, "
              f"{'all mutants' if args.sample == 1 else f'one mutant in {args.sample}'})\n")
        worst = _report(scratch, modules, statuses)
    finally:
        if args.keep:
            print(f"scratch copy kept at {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0 if worst >= float(config.get("target_percent", 90)) else 1


def _prepare(scratch: Path, paths: list[str], tests: list[str]) -> None:
    """A copy with src/, tests/ and pyproject.toml, and a setup.cfg naming what to mutate and which tests."""
    shutil.copytree(ROOT / "src", scratch / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "tests", scratch / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "pyproject.toml", scratch / "pyproject.toml")
    lines = ["[mutmut]", "source_paths = src", "only_mutate ="]
    lines += [f"    {p}" for p in paths]
    lines += ["pytest_add_cli_args_test_selection ="]
    lines += [f"    {t}" for t in tests]
    # Hypothesis' example database would let one mutant's failure replay into the next run; keep it off.
    lines += ["pytest_add_cli_args =", "    -p", "    no:cacheprovider", "    -x", "    -q"]
    lines += ["use_git_change_detection = false", "timeout_multiplier = 5.0"]
    (scratch / "setup.cfg").write_text("\n".join(lines) + "\n", "utf-8")


# mutmut numbers each function's mutants 1, 2, …: a sample by last digit spreads over every function.
SAMPLES = {1: [], 2: ["*__mutmut_*[02468]"], 5: ["*__mutmut_*[05]"], 10: ["*__mutmut_*0"]}


def _tests_at(scratch: Path, commit: str) -> None:
    shutil.rmtree(scratch / "tests")
    archive = subprocess.run(["git", "archive", commit, "tests"], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(scratch)], input=archive, check=True)


def _run_mutmut(scratch: Path, budget: int, jobs: int, names: list[str]) -> bool:
    env = {**os.environ, "HYPOTHESIS_STORAGE_DIRECTORY": str(scratch / ".hypothesis"), "PYTHONHASHSEED": "0"}
    cmd = [sys.executable, "-m", "mutmut", "run", "--max-children", str(jobs), *names]
    proc = subprocess.Popen(cmd, cwd=scratch, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=budget)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 15)
        out, _ = proc.communicate()
        print(_last_lines(out))
        return False
    print(_last_lines(out))
    return proc.returncode == 0


def _last_lines(text: str, n: int = 15) -> str:
    lines = [ln for ln in re.split(r"[\r\n]+", text or "") if ln.strip()]
    return "\n".join(lines[-n:])


def _statuses(scratch: Path) -> dict[str, str]:
    out = subprocess.run([sys.executable, "-m", "mutmut", "results", "--all", "true"], cwd=scratch,
                         capture_output=True, text=True, check=False).stdout
    found: dict[str, str] = {}
    for line in out.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep:
            found[name] = status
    return found


def _module_of(mutant: str, modules: dict[str, dict[str, str]]) -> str | None:
    for name, m in modules.items():
        dotted = m["path"].removeprefix("src/").removesuffix(".py").replace("/", ".")
        if mutant.startswith(dotted + ".") and mutant[len(dotted) + 1 :].startswith(("x_", "x\u01c1")):
            return name
    return None


def _report(scratch: Path, modules: dict[str, dict[str, str]], statuses: dict[str, str]) -> float:
    worst = 100.0
    survivors: list[str] = []
    lines: list[str] = []
    for name, m in modules.items():
        mine = {k: v for k, v in statuses.items() if _module_of(k, modules) == name}
        counts = Counter(mine.values())
        killed = sum(n for s, n in counts.items() if s in KILLED)
        survived = sorted((k for k, v in mine.items() if v in SURVIVED), key=_natural)
        tested = killed + len(survived)
        rate = 100.0 * killed / tested if tested else 0.0
        worst = min(worst, rate)
        others = ", ".join(f"{s} {n}" for s, n in sorted(counts.items()) if s not in KILLED | SURVIVED)
        lines.append(f"{name:<18} {m['path']:<40} killed {killed}/{tested} = {rate:5.1f}%  ({others or 'all run'})")
        survivors += survived
    print("\n".join(lines))
    if survivors:
        print("\nsurvivors:")
        print(_diffs(scratch, survivors))
    return worst


def _natural(name: str) -> tuple[str, int]:
    head, _, number = name.rpartition("__mutmut_")
    return head, int(number) if number.isdigit() else 0


DIFFS = r"""
import sys
from mutmut.mutation.diff_apply import find_mutant, get_diff_for_mutant
for name in sys.argv[1:]:
    lines = get_diff_for_mutant(name, path=find_mutant(name).path).splitlines()
    changed = [ln[:1] + " " + ln[1:].strip() for ln in lines if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
    print("    " + name)
    print("\n".join("        " + ln[:150] for ln in changed))
"""


def _diffs(scratch: Path, names: list[str]) -> str:
    """Each survivor's changed lines, from one process (one `mutmut show` each takes seconds)."""
    out = subprocess.run([sys.executable, "-c", DIFFS, *names], cwd=scratch, capture_output=True, text=True,
                         check=False)
    return out.stdout + (out.stderr[-2000:] if out.returncode else "")


if __name__ == "__main__":
    sys.exit(main())
