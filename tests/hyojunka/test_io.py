"""Reading plans, steps and the survey workbook: a corpus of bad files, round trips, and the CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from kyodo.cli import main
from kyodo.hyojunka import report
from kyodo.hyojunka.generate import generate
from kyodo.hyojunka.io import read_plans, read_steps, read_survey
from kyodo.hyojunka.outputs import report_sheets, survey_header, survey_rows, xlsx_writer
from kyodo.problems import InputError
from kyodo.tables import write_all

CORPUS = Path(__file__).parent / "corpus"

# file → (row, column, words of the message)
BAD_PLANS = {
    "plans_unknown_system.csv": (2, "業務", "標準化対象の20業務にありません(「住民記録」)"),
    "plans_unknown_municipality.csv": (2, "団体", "都内の区市町村として見つかりません"),
    "plans_bad_date.csv": (2, "移行期限", "存在しない日付です"),
    "plans_tokutei_without_reason.csv": (2, "理由区分", "特定移行支援システムには理由区分が必要です"),
    "plans_negative_cost.csv": (2, "移行前運用経費", "0以上の整数"),
    "plans_duplicate_pair.csv": (3, "業務", "同じ団体・業務が2行目にもあります"),
    "plans_missing_deadline_column.csv": (1, "移行期限", "「移行期限」列がありません"),
    "plans_bad_form_and_flag.csv": (2, "移行方式", "「単独」か「共同利用」"),
    "plans_deadline_too_late.csv": (2, "移行期限", "特定移行支援システムでも2031年3月31日まで"),
}
BAD_STEPS = {
    "steps_bad_number.csv": (2, "手順番号", "1から40の整数"),
    "steps_twice.csv": (3, "手順番号", "手順1の完了日が2回"),
    "steps_pair_not_planned.csv": (2, "業務", "計画(plans)にない団体・業務"),
    "steps_bad_date.csv": (2, "完了日", "日付として読めません"),
}


@pytest.mark.parametrize("name", sorted(BAD_PLANS))
def test_a_bad_plans_file_names_file_row_and_column(name: str) -> None:
    row, column, words = BAD_PLANS[name]
    with pytest.raises(InputError) as caught:
        read_plans(CORPUS / name)
    hits = [p for p in caught.value.problems if p.row == row and p.column == column and words in p.message]
    assert hits, caught.value.problems
    assert all(p.file == name for p in caught.value.problems)


def test_every_problem_of_a_row_is_reported_not_only_the_first() -> None:
    with pytest.raises(InputError) as caught:
        read_plans(CORPUS / "plans_bad_form_and_flag.csv")
    assert {p.column for p in caught.value.problems} == {"移行方式", "特定移行支援"}


@pytest.mark.parametrize("name", sorted(BAD_STEPS))
def test_a_bad_steps_file_names_file_row_and_column(name: str) -> None:
    row, column, words = BAD_STEPS[name]
    plans = read_plans(CORPUS / "plans_ok.csv")
    with pytest.raises(InputError) as caught:
        read_steps(CORPUS / name, plans)
    assert any(p.row == row and p.column == column and words in p.message for p in caught.value.problems), (
        caught.value.problems
    )


def test_the_generated_picture_is_deterministic_and_mostly_migrated() -> None:
    a, b = generate(seed=3), generate(seed=3)
    assert a == b and generate(seed=4) != a
    assert len(a.plans) == 62 * 20
    r = report(list(a.plans), a.steps, date(2026, 12, 31).toordinal())
    complete = sum(1 for p in r.pairs if p.progress == 100)
    assert complete > 0.8 * len(r.pairs)
    at_risk = r.at_risk
    assert any(p.tokutei for p in at_risk) and any("停滞" in p.reason for p in at_risk)
    assert all(d <= date(2026, 12, 31).toordinal() for done in a.steps.values() for d in done.values())


def test_the_survey_workbook_reads_back_what_was_written(tmp_path: Path) -> None:
    made = generate(seed=2)
    koto = [p for p in made.plans if p.municipality == "131083"]
    path = tmp_path / "survey.xlsx"
    write_all({path: xlsx_writer({"進捗調査": (survey_header(), survey_rows(koto, made.steps, None))})})
    plans, steps = read_survey(path, municipality="131083")
    assert plans == koto
    assert steps == {p.key: made.steps[p.key] for p in koto}


def test_the_survey_refuses_another_municipalitys_rows(tmp_path: Path) -> None:
    made = generate(seed=2)
    ota = [p for p in made.plans if p.municipality == "131113"][:2]
    path = tmp_path / "survey.xlsx"
    write_all({path: xlsx_writer({"進捗調査": (survey_header(), survey_rows(ota, made.steps, None))})})
    with pytest.raises(InputError) as caught:
        read_survey(path, municipality="131083")
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "団体"), (3, "団体")]


def test_report_sheets_are_in_the_survey_shape(tmp_path: Path) -> None:
    made = generate(seed=2)
    plans = list(made.plans[:40])
    r = report(plans, made.steps, date(2026, 12, 31).toordinal())
    sheets = report_sheets(r, plans, made.steps)
    header, rows = sheets["進捗調査"]
    assert list(header[:3]) == ["団体コード", "団体", "業務"] and header[-1] == "手順40" and len(rows) == 40
    assert len(sheets["遅延リスク"][1]) == len(r.at_risk)


def test_the_cli_generates_and_reports_with_the_issue_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hyojunka", "generate", "--seed", "5", "--out", str(tmp_path)]) == 0
    plans_head = (tmp_path / "plans.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert all(h in plans_head for h in ("団体", "業務", "移行期限", "特定移行支援", "理由区分"))
    steps_head = (tmp_path / "steps.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert steps_head == "団体コード,団体,業務,手順番号,完了日"
    out_json, out_xlsx = tmp_path / "report.json", tmp_path / "report.xlsx"
    code = main(["hyojunka", "report", str(tmp_path / "plans.csv"), str(tmp_path / "steps.csv"),
                 "--as-of", "2026-12-31", "--json", str(out_json), "-o", str(out_xlsx)])
    assert code == 0 and out_xlsx.stat().st_size > 0
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert len(data["pairs"]) == 1240
    pair = data["pairs"][0]
    assert {"municipality", "system", "progress", "at_risk", "projected_completion", "reason"} <= set(pair)
    assert pair["municipality"] == "千代田区" and pair["system"] == "住民基本台帳"
    assert len(data["by_system"]) == 20 and len(data["by_municipality"]) == 62
    assert data["at_risk"] == sum(p["at_risk"] for p in data["pairs"])
    assert "遅延リスク計" in capsys.readouterr().out


def test_a_failed_report_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_json = tmp_path / "report.json"
    code = main(["hyojunka", "report", str(CORPUS / "plans_ok.csv"), str(CORPUS / "steps_twice.csv"),
                 "--as-of", "2026-12-31", "--json", str(out_json)])
    assert code == 1 and not out_json.exists()
    assert "steps_twice.csv 3行目 「手順番号」列" in capsys.readouterr().err


def _survey_book(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    """A one-row survey workbook for 江東区, changed by `change(header, row)` before it is written."""
    made = generate(seed=2)
    plan = next(p for p in made.plans if p.municipality == "131083")
    header, rows = survey_header(), survey_rows([plan], made.steps, None)
    header, row = change(list(header), list(rows[0]))
    path = tmp_path / "調査票.xlsx"
    write_all({path: xlsx_writer({"進捗調査": (header, [row])})})
    return path


def _set(column: str, value: object):  # type: ignore[no-untyped-def]
    def change(header: list[str], row: list[object]) -> tuple[list[str], list[object]]:
        row[header.index(column)] = value
        return header, row

    return change


def _drop(column: str):  # type: ignore[no-untyped-def]
    def change(header: list[str], row: list[object]) -> tuple[list[str], list[object]]:
        i = header.index(column)
        return header[:i] + header[i + 1:], row[:i] + row[i + 1:]

    return change


BAD_SURVEYS = {
    "a step column missing": (_drop("手順17"), 1, "手順17", "「手順17」列がありません"),
    "a step date that is not a date": (_set("手順03", "済"), 2, "手順03", "日付として読めません"),
    "an unknown system": (_set("業務", "住基"), 2, "業務", "標準化対象の20業務にありません"),
    "a code and a name that disagree": (_set("団体", "大田区"), 2, "団体", "団体コード 131083 は江東区です"),
    "a tokutei reason not in the list": (_set("理由区分", "予算不足"), 2, "理由区分", "理由区分は"),
    "cost with decimals": (_set("移行前運用経費", "1200000.5"), 2, "移行前運用経費", "整数"),
}


@pytest.mark.parametrize("case", sorted(BAD_SURVEYS))
def test_a_bad_survey_workbook_names_row_and_column(tmp_path: Path, case: str) -> None:
    change, row, column, words = BAD_SURVEYS[case]
    with pytest.raises(InputError) as caught:
        read_survey(_survey_book(tmp_path, change), municipality="131083")
    assert any(p.row == row and p.column == column and words in p.message for p in caught.value.problems), (
        caught.value.problems
    )


def test_an_old_excel_file_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "調査票.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(InputError) as caught:
        read_survey(path)
    assert "古い Excel 形式" in str(caught.value) and caught.value.problems[0].file == "調査票.xls"
