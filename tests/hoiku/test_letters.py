"""What residents receive: notices and appeal sheets cite only the ward's document and section, a trial run
says 「試行・未確定」 on every page, and the letter details (文書番号, 発行日, 区長名 公印省略, contact) print."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

import kyodo.hoiku as hoiku
from kyodo.cli import main
from kyodo.hoiku.io import write_instance
from kyodo.hoiku.outcome import Outcome
from kyodo.hoiku.outputs.notices import appeal_sheets_bytes, notices_bytes
from kyodo.hoiku.outputs.notices.letter import (
    LetterSettings,
    japanese_date,
    letter_settings,
    read_letter_settings,
)
from kyodo.hoiku.rules import load_rules, parse_rules
from kyodo.hoiku.tools.generate import generate_ward
from kyodo.problems import InputError

WARDS = ["koto", "ota", "edogawa", "shinagawa"]
LETTER = LetterSettings(
    "江こ保第0123号", date(2027, 2, 1), "江東 太郎", "こども未来部 保育課 入園相談係", "03-3647-9999"
)


def _pages(pdf: bytes) -> list[str]:
    # Without white space: pypdf breaks long lines where the PDF wraps them.
    return [re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _ward_outcome(name: str, children: int = 30) -> Outcome:
    rules = load_rules(name)
    limit = rules.choice_limit.at(2026) if rules.choice_limit else 10
    ward = generate_ward(children=children, facilities=6, seed=11, fiscal_year=2026, max_choices=limit)
    return hoiku.run_instance(ward, name, seed=1, fiscal_year=2026)


@pytest.mark.parametrize("name", WARDS)
def test_notices_cite_only_the_wards_own_document_and_say_trial_on_every_page(name: str) -> None:
    outcome = _ward_outcome(name)
    rules = load_rules(name)
    assert outcome.trial is not None and outcome.trial.values  # every shipped value is still 要確認
    notes = [_squeeze(p.note) for _, p in rules.values() if p.note]
    third_party = [_squeeze(s.title) for s in rules.sources.values() if s.confirm]
    for pdf in (notices_bytes(outcome, letter=LETTER), appeal_sheets_bytes(outcome, letter=LETTER)):
        pages = _pages(pdf)
        assert len(pages) >= len(outcome.instance.children)
        for text in pages:
            assert "試行・未確定" in text
            for banned in ("http", "www", "ブログ", "未確認", "第三者", ".jp", "要確認"):
                assert banned not in text, (banned, text[:300])
            assert not [n for n in notes if n in text]
            assert not [t for t in third_party if t in text]
    first = _pages(notices_bytes(outcome, child_ids=[next(iter(outcome.instance.children))]))[0]
    assert _squeeze(rules.document) in first  # the points' 根拠 is the ward's document


def _confirmed_rules(extra_adjustment: dict[str, Any] | None = None) -> Any:
    ok = {
        "status": "確認済み",
        "confirmed_by": "保育課 山田",
        "confirmed_on": "2026-11-30",
        "section": "別表1",
    }
    adjustments = [
        {"id": "single_parent", "label": "ひとり親世帯", "when": {"single_parent": True}, "points": 5, **ok}
    ]
    if extra_adjustment is not None:
        adjustments.append(extra_adjustment)
    data = {
        "municipality": "試験区",
        "document": "試験区保育所等利用調整基準",
        "household": {"combine": "sum", "missing_guardian": 20, **ok},
        "base": {
            reason: {"table": [{"min_days_per_month": 1, "points": 20, **ok}], "otherwise": 0}
            for reason in ("employment", "employment_home", "study")
        }
        | {
            reason: {"points": 10, **ok}
            for reason in ("illness", "disability", "care", "job_seeking", "birth", "disaster", "none")
        },
        "adjustments": adjustments,
        "tie_break": [{"key": "municipal_tax", "direction": "lower", "label": "所得割額が低い世帯", **ok}],
    }
    return parse_rules(data, name="test", file_name="test.yaml")


def _small_ward() -> Any:
    ward = generate_ward(children=20, facilities=4, seed=5, fiscal_year=2026, max_choices=3)
    # Grades of the generated ward (入院 …) are not in the test rules: give every guardian a plain reason.
    from dataclasses import replace

    from kyodo.hoiku.model.instance import Guardian, Reason

    households = {
        hid: replace(h, guardians=tuple(Guardian(Reason.EMPLOYMENT, 20, 8) for _ in h.guardians))
        for hid, h in ward.households.items()
    }
    return replace(ward, households=households)


def test_a_run_on_confirmed_values_only_is_not_a_trial_and_a_stamp_is_printed_on_every_page() -> None:
    outcome = hoiku.run_instance(_small_ward(), _confirmed_rules(), seed=1, fiscal_year=2026)
    assert outcome.trial is None
    plain = _pages(notices_bytes(outcome))
    assert all("試行・未確定" not in text for text in plain)
    drafts = _pages(notices_bytes(outcome, stamp="案")) + _pages(appeal_sheets_bytes(outcome, stamp="案"))
    assert all(text.startswith("案") or "案" in text[:20] for text in drafts)
    assert all("試験区保育所等利用調整基準別表1" in text for text in _pages(notices_bytes(outcome)))


def test_the_trial_lists_only_the_unconfirmed_values_the_run_used() -> None:
    unused = {"id": "allergy", "label": "アレルギー", "when": {"allergy": True, "twins": True}, "points": 1}
    ward = _small_ward()
    assert not any(c.facts["allergy"] and c.facts["twins"] for c in ward.children.values())
    outcome = hoiku.run_instance(ward, _confirmed_rules(unused), seed=1, fiscal_year=2026)
    assert outcome.trial is None  # an unconfirmed value nobody's points used does not make a trial
    used = {"id": "everyone", "label": "全員", "when": {"age_class": {"min": 0}}, "points": 1}
    outcome = hoiku.run_instance(ward, _confirmed_rules(used), seed=1, fiscal_year=2026)
    assert outcome.trial is not None
    assert outcome.trial.values == (("adjustments.everyone", "調整指数 全員"),)
    assert all("試行・未確定" in text for text in _pages(notices_bytes(outcome)))


def test_the_letter_prints_number_date_addressee_sender_with_seal_omitted_and_contact() -> None:
    outcome = _ward_outcome("koto", children=4)
    cid = next(iter(outcome.instance.children))
    guardian = outcome.instance.children[cid].guardian_name
    assert guardian
    text = _pages(notices_bytes(outcome, letter=LETTER, child_ids=[cid]))[0]
    for expected in (
        "江こ保第0123号",
        "令和9年2月1日",
        f"{guardian}様",
        "江東区長江東太郎（公印省略）",
        "こども未来部保育課入園相談係電話03-3647-9999",
    ):
        assert _squeeze(expected) in text
    appeal = _pages(appeal_sheets_bytes(outcome, letter=LETTER, child_ids=[cid]))[0]
    assert "03-3647-9999" in appeal


def test_japanese_dates_use_the_era() -> None:
    assert japanese_date(date(2019, 5, 1)) == "令和元年5月1日"
    assert japanese_date(date(2027, 2, 1)) == "令和9年2月1日"
    assert japanese_date(date(2019, 4, 30)) == "平成31年4月30日"


GOOD = (
    'document_number = "江こ保第1号"\nissue_date = 2027-02-01\nmayor = "江東 太郎"\n'
    'contact_section = "保育課"\ncontact_phone = "03-0000-0000"\n'
)


def test_letter_settings_read_from_toml_and_yaml(tmp_path: Path) -> None:
    toml = tmp_path / "letter.toml"
    toml.write_text(GOOD, encoding="utf-8")
    yml = tmp_path / "letter.yaml"
    yml.write_text(GOOD.replace(" = ", ": "), encoding="utf-8")
    assert read_letter_settings(toml) == read_letter_settings(yml)
    assert read_letter_settings(toml).sender("江東区") == "江東区長 江東 太郎（公印省略）"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"mayr": "江東 太郎"}, "「mayr」は使えないキーです"),
        ({"mayor": None}, "mayor(区長名)がありません"),
        ({"mayor": 3}, "mayor(区長名)は文字列"),
        ({"issue_date": "2027/02/01"}, "issue_date(発行日)「2027/02/01」は日付"),
        ({"issue_date": None}, "issue_date(発行日)がありません"),
        ({"contact_phone": "電話して"}, "contact_phone(問い合わせ先の電話番号)「電話して」は電話番号"),
        ({"contact_section": "保育課\n入園係"}, "contact_section(問い合わせ先(担当課))は改行を含まない"),
    ],
)
def test_each_bad_letter_setting_is_named(change: dict[str, Any], message: str) -> None:
    values: dict[str, Any] = {
        "document_number": "第1号",
        "issue_date": date(2027, 2, 1),
        "mayor": "江東 太郎",
        "contact_section": "保育課",
        "contact_phone": "03-0000-0000",
    }
    values.update(change)
    values = {k: v for k, v in values.items() if v is not None}
    with pytest.raises(InputError) as caught:
        letter_settings(values, "letter.toml")
    assert any(message in str(p) and "letter.toml" in str(p) for p in caught.value.problems)


def _cli_ward(tmp_path: Path) -> tuple[Path, Path]:
    ward = generate_ward(children=12, facilities=4, seed=2, fiscal_year=2026, max_choices=5)
    paths = write_instance(ward, tmp_path / "in", formats=("csv",), layout="kyodo")
    children = next(p for p in paths if "children" in p.name or "児童" in p.name)
    facilities = next(p for p in paths if p != children)
    return children, facilities


def test_the_cli_prints_trial_writes_it_to_json_and_uses_the_letter_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    children, facilities = _cli_ward(tmp_path)
    settings = tmp_path / "letter.toml"
    settings.write_text(GOOD.replace("mayor", "mayr"), encoding="utf-8")
    base = ["hoiku", "allocate", str(children), str(facilities), "--rules", "koto", "--fiscal-year", "2026"]
    outputs = [
        "-o",
        str(tmp_path / "r.xlsx"),
        "--json",
        str(tmp_path / "r.json"),
        "--notices",
        str(tmp_path / "n.pdf"),
    ]
    assert main([*base, *outputs, "--letter-settings", str(settings)]) == 1
    assert "「mayr」は使えないキーです" in capsys.readouterr().err
    assert not (tmp_path / "r.xlsx").exists()
    settings.write_text(GOOD, encoding="utf-8")
    assert main([*base, *outputs, "--letter-settings", str(settings), "--stamp", "案"]) == 0
    out = capsys.readouterr().out
    assert "試行・未確定: 確認済みでない基準の値を" in out
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["trial"]["stamp"] == "試行・未確定" and data["trial"]["values"]
    pages = _pages((tmp_path / "n.pdf").read_bytes())
    assert all("案" in p and "試行・未確定" in p and "江こ保第1号" in p for p in pages)
    import openpyxl

    summary = openpyxl.load_workbook(tmp_path / "r.xlsx")["概要"]
    cells = [str(c.value) for row in summary.iter_rows() for c in row if c.value is not None]
    assert any(c.startswith("試行・未確定(確認済みでない基準の値") for c in cells)


def test_a_section_or_document_with_a_web_address_is_refused() -> None:
    from kyodo.hoiku.model.errors import RuleError

    data: dict[str, Any] = {"municipality": "X区", "household": {}, "base": {"none": {"points": 0}}}
    data["base"]["none"]["section"] = "https://example.jp/kijun 別表1"
    with pytest.raises(RuleError, match=r"none\.section: 出典の箇所は文書の中の箇所"):
        parse_rules(data, name="x", file_name="x.yaml")
    data["base"]["none"]["section"] = "別表1"
    data["document"] = "www.example.jp"
    with pytest.raises(RuleError, match="document: 通知書に載せる文書名"):
        parse_rules(data, name="x", file_name="x.yaml")
    del data["document"]
    assert parse_rules(data, name="x", file_name="x.yaml").document == "X区保育所等利用調整基準"


def test_the_children_file_takes_an_optional_guardian_name_and_graduating_sibling(tmp_path: Path) -> None:
    import csv
    from dataclasses import replace

    from kyodo.hoiku.io import read_instance

    ward = generate_ward(children=6, facilities=3, seed=4, fiscal_year=2026, max_choices=2)
    first = next(iter(ward.children.values()))
    facility = first.choices[0]
    changed = replace(first, sibling_facilities=(facility,), sibling_graduating=(facility,))
    ward = replace(ward, children={**ward.children, first.id: changed})
    write_instance(ward, tmp_path, formats=("csv",))
    got = read_instance(tmp_path / "children.csv", tmp_path / "facilities.csv", fiscal_year=2026)
    assert got.children[first.id].sibling_graduating == (facility,)
    assert got.children[first.id].guardian_name == first.guardian_name
    with (tmp_path / "children.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    column = rows[0].index("卒園予定きょうだい在園施設")
    rows[1][rows[0].index("きょうだい在園施設")] = ""
    with (tmp_path / "children.csv").open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    with pytest.raises(InputError) as caught:
        read_instance(tmp_path / "children.csv", tmp_path / "facilities.csv", fiscal_year=2026)
    assert any(
        p.row == 2 and p.column == rows[0][column] and "「きょうだい在園施設」にも書いてください" in p.message
        for p in caught.value.problems
    )
