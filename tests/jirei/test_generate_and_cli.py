from __future__ import annotations

import json

from kyodo.cli import main
from kyodo.jirei import Filters, search
from kyodo.jirei.generate import KOTO_CASES, generate_cases
from kyodo.jirei.vocab import Status
from kyodo.municipalities import MUNICIPALITIES


def test_demo_cases_include_the_seed_cases_and_failures_across_tokyo():
    records = generate_cases(300, seed=1)
    assert records[:2] == list(KOTO_CASES)
    assert len(records) == 302
    failed = [r for r in records if r.failed]
    assert 0.15 < len(failed) / len(records) < 0.4
    assert all(r.went_badly for r in failed)
    assert len({r.organisation for r in records}) > 50
    assert {r.organisation for r in records} <= {m.name for m in MUNICIPALITIES}
    assert any(not r.published for r in records) and any(r.published for r in records)
    assert generate_cases(30, seed=5) == generate_cases(30, seed=5)


def test_the_koto_nursery_case_is_found_by_its_other_names():
    records = generate_cases(50, seed=2)
    assert "KOTO-0001" in search(records, "保育所 ＡＩ", limit=3).ids
    assert search(records, "会議録 AI", limit=3).ids[0] == "KOTO-0002"


def test_the_failure_filter_keeps_only_cases_that_did_not_go_on():
    records = generate_cases(100, seed=4)
    result = search(records, "", Filters(failures_only=True), limit=200)
    by_id = {r.case_id: r for r in records}
    assert result.ids and all(by_id[i].status in (Status.NOT_ADOPTED, Status.STOPPED) for i in result.ids)
    assert dict(result.facets["status"]).keys() <= {"実証したが導入せず", "中止"}


def test_facets_count_every_match(tmp_path):
    records = generate_cases(100, seed=4)
    result = search(records, "RPA", limit=3)
    assert sum(n for _, n in result.facets["status"]) == result.total > 3


def test_cli_generate_validate_and_search(tmp_path, capsys):
    out = tmp_path / "cases.csv"
    assert main(["jirei", "generate", "--count", "30", "-o", str(out)]) == 0
    assert main(["jirei", "validate", str(out)]) == 0
    capsys.readouterr()
    assert main(["jirei", "search", str(out), "議事録 AI", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0] == "KOTO-0002"
    bad = tmp_path / "bad.csv"
    bad.write_text("タイトル\n題\n", encoding="utf-8")
    assert main(["jirei", "validate", str(bad)]) == 1
    assert "列「事例ID」がありません" in capsys.readouterr().err
