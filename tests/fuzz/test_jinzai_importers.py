"""Any byte string given to a jinzai importer reads, or gives the problem list; a failing `kyodo jinzai match`
writes nothing (and says why in Japanese, without a traceback)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from kyodo.jinzai.errors import InputError
from kyodo.jinzai.readers import read_instance
from tests.fuzz.strategies import inputs

EXAMPLES = Path(__file__).parents[2] / "examples" / "jinzai"
SPECIALISTS = (EXAMPLES / "specialists.csv").read_text(encoding="utf-8-sig")
REQUESTS = (EXAMPLES / "requests.csv").read_text(encoding="utf-8-sig")
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)


def _read(role: str, data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{role}{suffix}"
        path.write_bytes(data)
        specialists = path if role == "specialists" else EXAMPLES / "specialists.csv"
        requests = path if role == "requests" else EXAMPLES / "requests.csv"
        try:
            read_instance(specialists, requests)
        except InputError as exc:
            assert exc.problems and all(p.message for p in exc.problems)
            assert not any("\x1b" in p.message or "\x00" in p.message for p in exc.problems)


@FUZZ
@given(inputs(SPECIALISTS, (EXAMPLES / "specialists.xlsx").read_bytes()))
def test_any_specialists_file_reads_or_gives_problems(data: bytes) -> None:
    _read("specialists", data, ".xlsx" if data.startswith(b"PK") else ".csv")


@FUZZ
@given(inputs(REQUESTS, (EXAMPLES / "requests.xlsx").read_bytes()))
def test_any_requests_file_reads_or_gives_problems(data: bytes) -> None:
    _read("requests", data, ".xlsx" if data.startswith(b"PK") else ".csv")


@pytest.mark.parametrize("where", ["bad input", "json under a file", "output is a folder"])
def test_a_failing_match_writes_nothing_and_explains(tmp_path: Path, where: str, capsys: pytest.CaptureFixture[str]) -> None:
    from kyodo.cli import main

    out = tmp_path / "out"
    out.mkdir()
    (out / "blocker").write_text("a file")
    (out / "folder.xlsx").mkdir()
    requests = EXAMPLES / "requests.csv"
    plan, json_path = out / "plan.xlsx", out / "plan.json"
    if where == "bad input":
        requests = tmp_path / "requests.csv"
        requests.write_bytes(REQUESTS.replace("千代田区", "千代田区\x01", 1).encode())
    elif where == "json under a file":
        json_path = out / "blocker" / "plan.json"
    else:
        plan = out / "folder.xlsx"
    code = main(["jinzai", "match", str(EXAMPLES / "specialists.csv"), str(requests), "-o", str(plan),
                 "--json", str(json_path)])
    assert code == 1
    assert sorted(p.name for p in out.iterdir()) == ["blocker", "folder.xlsx"]
    assert "Traceback" not in capsys.readouterr().err
