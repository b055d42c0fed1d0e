"""Any byte string given to the importers of kenshu (sessions, nominations), hyojunka (plans, steps, Fit & Gap) and
jirei (cases) either reads or gives the project's problem list — never another exception."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from kyodo.problems import InputError
from kyodo.tables import TableError
from tests.fuzz.strategies import inputs

ROOT = Path(__file__).parents[2]
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)


def _csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _hyojunka_files() -> tuple[str, str]:
    from kyodo.hyojunka.generate import generate
    from kyodo.hyojunka.outputs import PLAN_COLUMNS, STEP_COLUMNS, plan_rows, step_rows
    from kyodo.municipalities import MUNICIPALITIES

    made = generate(seed=3, municipalities=MUNICIPALITIES[:1])
    plans = made.plans[:3]
    return _csv(list(PLAN_COLUMNS), plan_rows(plans)), _csv(list(STEP_COLUMNS), step_rows(plans, made.steps)[:60])


def _jirei_file() -> str:
    from kyodo.jirei.generate import generate_cases
    from kyodo.jirei.io import write_cases

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cases.csv"
        write_cases(path, generate_cases(count=4, seed=2, with_koto=True))
        return path.read_text(encoding="utf-8-sig")


PLANS, STEPS = _hyojunka_files()
CASES = _jirei_file()
SESSIONS = (ROOT / "examples/kenshu/sessions.csv").read_text(encoding="utf-8-sig")
NOMINATIONS = (ROOT / "examples/kenshu/nominations.csv").read_text(encoding="utf-8-sig")
FIT_SPEC = (ROOT / "examples/hyojunka/fitgap_spec.csv").read_text(encoding="utf-8-sig")
FIT_ANSWERS = (ROOT / "examples/hyojunka/fitgap_answers.csv").read_text(encoding="utf-8-sig")


def _reads_or_explains(data: bytes, name: str, read: Callable[[Path], object]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / (Path(name).stem + (".xlsx" if data.startswith(b"PK") else ".csv"))
        path.write_bytes(data)
        try:
            read(path)
        except InputError as exc:
            assert exc.problems and all(p.message for p in exc.problems)
            assert not any("\x1b" in p.message or "\x00" in p.message for p in exc.problems)
        except TableError as exc:
            assert exc.problem.message


def _text_file(text: str, name: str, folder: Path) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@FUZZ
@given(inputs(SESSIONS))
def test_any_kenshu_sessions_file_reads_or_gives_problems(data: bytes) -> None:
    from kyodo.kenshu.readers import read_instance

    with tempfile.TemporaryDirectory() as tmp:
        nominations = _text_file(NOMINATIONS, "nominations.csv", Path(tmp))
        _reads_or_explains(data, "sessions.csv", lambda p: read_instance(p, nominations))


@FUZZ
@given(inputs(NOMINATIONS))
def test_any_kenshu_nominations_file_reads_or_gives_problems(data: bytes) -> None:
    from kyodo.kenshu.readers import read_instance

    with tempfile.TemporaryDirectory() as tmp:
        sessions = _text_file(SESSIONS, "sessions.csv", Path(tmp))
        _reads_or_explains(data, "nominations.csv", lambda p: read_instance(sessions, p))


@FUZZ
@given(inputs(PLANS))
def test_any_hyojunka_plans_file_reads_or_gives_problems(data: bytes) -> None:
    from kyodo.hyojunka.io import read_plans

    _reads_or_explains(data, "plans.csv", read_plans)


@FUZZ
@given(inputs(STEPS))
def test_any_hyojunka_steps_file_reads_or_gives_problems(data: bytes) -> None:
    from kyodo.hyojunka.io import read_plans, read_steps

    with tempfile.TemporaryDirectory() as tmp:
        plans = read_plans(_text_file(PLANS, "plans.csv", Path(tmp)))
    _reads_or_explains(data, "steps.csv", lambda p: read_steps(p, plans))


@FUZZ
@given(inputs(FIT_ANSWERS))
def test_any_fit_and_gap_answers_file_reads_or_gives_problems(data: bytes) -> None:
    from kyodo.hyojunka.fitgap import read_answers, read_spec

    with tempfile.TemporaryDirectory() as tmp:
        spec = read_spec(_text_file(FIT_SPEC, "fitgap_spec.csv", Path(tmp)))
    _reads_or_explains(data, "fitgap_answers.csv", lambda p: read_answers(p, spec))


@FUZZ
@given(inputs(CASES))
def test_any_jirei_cases_file_reads_or_gives_problems(data: bytes) -> None:
    from kyodo.jirei.io import read_cases

    _reads_or_explains(data, "cases.csv", read_cases)
