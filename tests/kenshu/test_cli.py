"""`kyodo kenshu generate` and `allocate`: files, columns, plan.json keys, bytes, and a corpus of bad inputs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kyodo.cli import main
from kyodo.kenshu.formats import NOMINATION_COLUMNS, SESSION_COLUMNS
from kyodo.kenshu.readers import read_instance
from kyodo.problems import InputError
from kyodo.tables import read_table


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out: Path = tmp_path_factory.mktemp("year")
    assert main(["kenshu", "generate", "--seed", "3", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def small_year(year: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated sessions with every other nomination (still oversubscribed, half the time)."""
    out: Path = tmp_path_factory.mktemp("small")
    (out / "sessions.csv").write_bytes((year / "sessions.csv").read_bytes())
    lines = (year / "nominations.csv").read_text(encoding="utf-8-sig").splitlines(keepends=True)
    (out / "nominations.csv").write_text("".join([lines[0], *lines[1::2]]), encoding="utf-8-sig")
    return out


def test_generate_writes_a_year_with_the_japanese_columns(year: Path) -> None:
    sessions, nominations = read_table(year / "sessions.csv"), read_table(year / "nominations.csv")
    assert sessions.headers[:7] == ("開催回ID", "研修ID", "研修名", "開催日", "形式", "定員", "団体あたり上限")
    assert nominations.headers[:9] == ("推薦ID", "職員ID", "氏名", "団体", "研修ID", "希望開催回", "団体内順位",
                                       "申込日時", "前回キャンセル待ち")
    assert 120 <= len(sessions.rows) <= 200 and 2000 <= len(nominations.rows) <= 5000
    instance = read_instance(year / "sessions.csv", year / "nominations.csv")
    assert len(instance.courses) == 40 and len({n.municipality for n in instance.nominations}) == 62


def test_allocate_writes_plan_json_with_the_issue_keys_and_the_same_bytes_twice(small_year: Path,
                                                                               tmp_path: Path) -> None:
    year = small_year
    args = ["kenshu", "allocate", str(year / "sessions.csv"), str(year / "nominations.csv"), "--seed", "11"]
    assert main([*args, "--json", str(tmp_path / "a.json"), "-o", str(tmp_path / "a.xlsx")]) == 0
    assert main([*args, "--json", str(tmp_path / "b.json")]) == 0
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    plan = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert {"assignments", "waitlist", "unseated", "fairness", "seed"} <= set(plan)
    assert plan["seed"] == 11 and plan["method"] == "fair"
    assert set(plan["assignments"][0]) == {"nomination", "session"}
    assert {"reason", "waitlist"} <= set(plan["unseated"][0])
    assert {"municipalities", "worst_share", "without_seat", "jain_index"} <= set(plan["fairness"])
    from openpyxl import load_workbook

    assert load_workbook(tmp_path / "a.xlsx").sheetnames == ["座席", "キャンセル待ち", "未配席の理由", "団体別"]


def test_fcfs_is_the_baseline_and_fair_seats_at_least_as_many(small_year: Path, tmp_path: Path) -> None:
    year = small_year
    files = [str(year / "sessions.csv"), str(year / "nominations.csv")]
    assert main(["kenshu", "allocate", *files, "--method", "fcfs", "--json", str(tmp_path / "f.json")]) == 0
    assert main(["kenshu", "allocate", *files, "--json", str(tmp_path / "g.json")]) == 0
    fcfs = json.loads((tmp_path / "f.json").read_text(encoding="utf-8"))
    fair = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))
    assert fcfs["method"] == "fcfs"
    assert len(fair["assignments"]) >= len(fcfs["assignments"])
    assert fair["fairness"]["worst_share"] > fcfs["fairness"]["worst_share"]


SESSIONS = "開催回ID,研修ID,研修名,開催日,形式,定員,団体あたり上限,前提研修\n" \
           "S1,K1,生成AI入門,2026-06-10 13:30,集合,20,3,\nS2,K2,生成AI実践,2026-07-01,オンライン,30,,K1\n"
NOMS = "推薦ID,職員ID,氏名,団体,研修ID,希望開催回,団体内順位,申込日時,前回キャンセル待ち\n" \
       "N1,001,檜原 一郎,檜原村,K1,S1,1,2026-03-02 10:15,\nN2,002,江東 花子,131083,K2,S2,1,2026-03-02 11:00,はい\n"

# (which file, text replaced → by, expected row, column, a fragment of the message)
BAD: list[tuple[str, str, str, int | None, str | None, str]] = [
    ("sessions", "団体あたり上限,前提研修", "上限,前提研修", None, None, ""),  # an unknown extra column is fine
    ("sessions", "開催回ID,研修ID", "回,研修ID", 1, "開催回ID", "必須の列がありません"),
    ("sessions", "20,3", "0,3", 2, "定員", "1以上の整数"),
    ("sessions", "20,3", "二十,3", 2, "定員", "整数ではありません"),
    ("sessions", "2026-06-10 13:30", "6月10日", 2, "開催日", "日付・日時として読めません"),
    ("sessions", "集合", "対面", 2, "形式", "使えません"),
    ("sessions", ",K1\n", ",K9\n", 3, "前提研修", "前提研修「K9」"),
    ("sessions", "S2,K2,生成AI実践", "S1,K2,生成AI実践", 3, "開催回ID", "重複しています"),
    ("nominations", "檜原村", "檜原町", 2, "団体", "見つかりません"),
    ("nominations", "K1,S1,1", "K1,S2,1", 2, "希望開催回", "研修「K1」の開催回ではありません"),
    ("nominations", "K1,S1,1", "K1,S7,1", 2, "希望開催回", "開催回「S7」は開催回一覧にありません"),
    ("nominations", "K1,S1,1", "K1,S1,0", 2, "団体内順位", "1以上の整数"),
    ("nominations", "K1,S1,1", "K1,S1; S1,1", 2, "希望開催回", "同じ開催回が2回"),
    ("nominations", "11:00,はい", "11:00,たぶん", 3, "前回キャンセル待ち", "使えません"),
    ("nominations", "2026-03-02 10:15", "", 2, "申込日時", "値が空です"),
    ("nominations", "N2,002,江東 花子,131083,K2", "N2,001,檜原 二郎,檜原村,K1", 3, "職員ID", "2行目でも推薦"),
]


@pytest.mark.parametrize(("which", "old", "new", "row", "column", "fragment"), BAD)
def test_bad_inputs_are_reported_by_file_row_and_column_and_nothing_is_written(
    tmp_path: Path, which: str, old: str, new: str, row: int | None, column: str | None, fragment: str
) -> None:
    texts = {"sessions": SESSIONS, "nominations": NOMS}
    assert old in texts[which]
    texts[which] = texts[which].replace(old, new, 1)
    for name, text in texts.items():
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    if not fragment:
        read_instance(tmp_path / "sessions.csv", tmp_path / "nominations.csv")
        return
    with pytest.raises(InputError) as caught:
        read_instance(tmp_path / "sessions.csv", tmp_path / "nominations.csv")
    found = [p for p in caught.value.problems if fragment in p.message]
    assert found, caught.value.problems
    assert found[0].file == f"{which}.csv" and found[0].row == row and found[0].column == column
    code = main(["kenshu", "allocate", str(tmp_path / "sessions.csv"), str(tmp_path / "nominations.csv"),
                 "--json", str(tmp_path / "plan.json"), "-o", str(tmp_path / "plan.xlsx")])
    assert code == 1 and not (tmp_path / "plan.json").exists() and not (tmp_path / "plan.xlsx").exists()


def test_shift_jis_and_xlsx_inputs_read_the_same(tmp_path: Path) -> None:
    from kyodo.tables import write_xlsx

    (tmp_path / "s.csv").write_bytes(SESSIONS.encode("cp932"))
    (tmp_path / "n.csv").write_text(NOMS, encoding="utf-8-sig")
    lines = [line.split(",") for line in SESSIONS.strip().split("\n")]
    write_xlsx(tmp_path / "s.xlsx", "開催回", lines[0], lines[1:])
    assert read_instance(tmp_path / "s.csv", tmp_path / "n.csv") == read_instance(tmp_path / "s.xlsx",
                                                                                  tmp_path / "n.csv")


def test_an_unreadable_file_and_a_missing_file_are_problems_not_crashes(tmp_path: Path) -> None:
    (tmp_path / "n.csv").write_text(NOMS, encoding="utf-8")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
    for bad in (tmp_path / "old.xls", tmp_path / "missing.csv"):
        with pytest.raises(InputError) as caught:
            read_instance(bad, tmp_path / "n.csv")
        assert caught.value.problems[0].file == bad.name


def test_the_columns_are_those_the_issue_names() -> None:
    assert list(SESSION_COLUMNS)[:7] == ["開催回ID", "研修ID", "研修名", "開催日", "形式", "定員", "団体あたり上限"]
    assert len(NOMINATION_COLUMNS) >= 9


def test_kyodo_kenshu_help_runs() -> None:
    out = subprocess.run([sys.executable, "-m", "kyodo.cli", "kenshu", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "allocate" in out.stdout


def test_the_examples_allocate_and_their_readme_lists_every_column(tmp_path: Path) -> None:
    root = Path(__file__).parents[2] / "examples" / "kenshu"
    readme = (root / "README.md").read_text(encoding="utf-8")
    for column in (*SESSION_COLUMNS, *NOMINATION_COLUMNS):
        assert f"| {column} |" in readme
    assert main(["kenshu", "allocate", str(root / "sessions.csv"), str(root / "nominations.csv"),
                 "--json", str(tmp_path / "fair.json")]) == 0
    assert main(["kenshu", "allocate", str(root / "sessions.csv"), str(root / "nominations.csv"), "--method", "fcfs",
                 "--json", str(tmp_path / "fcfs.json")]) == 0
    fair = json.loads((tmp_path / "fair.json").read_text(encoding="utf-8"))["fairness"]
    fcfs = json.loads((tmp_path / "fcfs.json").read_text(encoding="utf-8"))["fairness"]
    assert fair["worst_share"] > fcfs["worst_share"]
