"""The taxonomy and policy files load, and keep the properties the code relies on."""

from __future__ import annotations

from kyodo.jinzai.fairness import measure
from kyodo.jinzai.model import Instance
from kyodo.jinzai.policy import load_policy
from kyodo.jinzai.skills import taxonomy
from kyodo.municipalities import MUNICIPALITIES
from tests.jinzai.builders import BIG_WARD, ISLAND, SMALL_TOWN, request, specialist


def test_the_taxonomy_has_the_five_role_types_and_the_49_common_skill_items_on_four_levels() -> None:
    tax = taxonomy()
    assert set(tax.role_types.values()) == {
        "ビジネスアーキテクト", "デザイナー", "データサイエンティスト", "ソフトウェアエンジニア", "サイバーセキュリティ",
    }
    assert len(tax.skills) == 49
    assert {s.category for s in tax.skills.values()} == {"ビジネス変革", "データ活用", "テクノロジー", "セキュリティ", "パーソナルスキル"}
    assert sorted(tax.levels) == [1, 2, 3, 4]
    assert len({s.name for s in tax.skills.values()}) == 49
    assert tax.find("クラウドインフラ活用") is tax.find("cloud_infrastructure") is not None


def test_serving_a_request_always_outweighs_any_penalty_so_no_servable_request_is_left() -> None:
    p = load_policy()
    worst_travel = max(v for row in p.travel.values() for v in row.values()) * p.onsite_days_cap
    assert p.serve > worst_travel
    assert all(v >= 0 for v in [*p.urgency.values(), *p.fairness_band.values(), p.preferred, p.continuity, p.coverage])


def test_every_municipality_falls_in_a_band_and_smaller_bands_get_no_less_weight() -> None:
    p = load_policy()
    bands = {p.band(m.population) for m in MUNICIPALITIES}
    assert bands == set(p.band_names)
    weights = [p.fairness_band[b] for b in p.band_names]  # largest band first
    assert weights == sorted(weights)


def test_fairness_figures_on_a_hand_made_plan() -> None:
    cloud = {"cloud_infrastructure": 1}
    inst = Instance(
        (specialist("A", {"cloud_infrastructure": 3}),),
        (
            request("R1", cloud, municipality=BIG_WARD),
            request("R2", cloud, municipality=BIG_WARD),
            request("R3", cloud, municipality=SMALL_TOWN),
            request("R4", cloud, municipality=ISLAND),
        ),
    )
    f = measure(inst, {"R1": "A", "R3": "A"})
    rates = {b.band: b.rate for b in f.bands if b.requests}
    assert rates == {"特大": 0.5, "小規模": 0.5}
    assert f.unserved_municipalities == (ISLAND,)
    # A could have taken R2 or R4 (4 hours each, 10 a week) had the plan not used its time: lost to competition.
    assert {b.band: b.lost for b in f.bands if b.requests} == {"特大": 1, "小規模": 1}
    # Shares 0.5, 1.0, 0.0 → (1.5)² / (3 × 1.25) = 0.6
    assert abs(f.jain - 0.6) < 1e-9
