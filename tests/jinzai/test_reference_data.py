"""The reference data says where it comes from: DSS version, unconfirmed items, level texts, populations' date."""

from __future__ import annotations

from datetime import date

import pytest

from kyodo.jinzai.generate import generate
from kyodo.jinzai.skills import taxonomy
from kyodo.municipalities import BY_CODE, MUNICIPALITIES


@pytest.mark.parametrize("spelling", [
    "検証（顧客・ユーザー視点）",  # the official spelling, full-width brackets
    "検証(顧客・ユーザー視点)",  # half-width, as a clerk may type it
    " 検証 ( 顧客・ユーザー視点 ) ",
    "user_validation",
])
def test_skill_names_are_found_after_nfkc_normalisation(spelling):
    found = taxonomy().find(spelling)
    assert found is not None and found.id == "user_validation"
    assert found.name == "検証（顧客・ユーザー視点）"  # stored as the standard writes it


def test_an_unknown_or_near_skill_name_is_not_guessed():
    assert taxonomy().find("検証(顧客視点)") is None
    assert taxonomy().find("クラウド") is None


def test_the_taxonomy_says_its_version_and_which_items_are_unconfirmed():
    tax = taxonomy()
    assert tax.version == "ver.1.2" and "ver.1.2" in tax.reference
    assert "独自" in tax.levels_source  # the level texts are the project's own, not DSS wording
    unconfirmed = {s.name for s in tax.skills.values() if not s.confirmed}
    assert len(tax.skills) == 49 and len(unconfirmed) == 15
    assert "プロジェクトマネジメント" in unconfirmed and "クラウドインフラ活用" not in unconfirmed


def test_populations_of_tokyos_estimate_carry_their_date():
    dated = [m for m in MUNICIPALITIES if m.population_date is not None]
    assert {m.population_date for m in dated} == {date(2025, 12, 1)}
    assert BY_CODE["131121"].population == 950_679  # 世田谷区, 東京都の人口(推計) 令和7年12月1日
    assert BY_CODE["134015"].population == 6_444  # 八丈町


def test_the_generated_pool_mostly_offers_at_least_a_day_a_week():
    pool = generate(specialists=300, requests=10, seed=4).specialists
    at_least_a_day = sum(s.hours_per_week >= 8 for s in pool) / len(pool)
    assert 0.75 <= at_least_a_day <= 0.95  # most a day or more (GovTech東京: 週1日以上), a few less
    assert any(s.hours_per_week < 8 for s in pool)
