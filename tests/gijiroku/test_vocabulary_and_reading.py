"""The organisation's default vocabulary, choosing the prompt, and reading-based correction."""

from __future__ import annotations

from pathlib import Path

import pytest

from kyodo.gijiroku.errors import GijirokuError, RuleFileError
from kyodo.gijiroku.glossary import Glossary, organisation_glossary, parse_glossary, vocabulary_terms
from kyodo.gijiroku.reading import ReadingIndex, correct_by_reading, phonetic_key, similarity
from kyodo.gijiroku.vocabulary import (
    MeetingContext,
    Term,
    TermKind,
    approximate_tokens,
    default_vocabulary,
    load_council_terms,
    municipality_terms,
    resolve_organisation,
    select_prompt_terms,
    town_terms,
)


@pytest.fixture(scope="module")
def koto_index() -> ReadingIndex:
    terms = [*default_vocabulary("江東区"), Term("都市整備部"), Term("東陽")]
    return ReadingIndex(terms)


def test_koto_starts_with_its_name_towns_with_readings_the_62_and_council_terms() -> None:
    terms = {t.text: t for t in default_vocabulary("131083")}
    assert next(iter(terms)) == "江東区"
    assert terms["亀戸"].kind == TermKind.TOWN and terms["亀戸"].reading == "カメイド"
    assert terms["南砂"].reading == "ミナミスナ" and terms["豊洲"].reading == "トヨス"
    assert "豊洲豊洲センタービル" not in terms  # per-floor rows of an office tower are not towns
    assert {"世田谷区", "八王子市", "檜原村", "青ヶ島村"} <= set(terms)
    assert terms["委員長"].kind == TermKind.COUNCIL and "待機児童" in terms


def test_municipality_readings_come_from_japan_post_without_the_district() -> None:
    readings = {t.text: t.reading for t in municipality_terms()}
    assert len(readings) == 62
    assert readings["瑞穂町"] == "ミズホマチ" and readings["江東区"] == "コウトウク"


def test_each_town_list_belongs_to_its_own_municipality() -> None:
    ota = {t.text for t in town_terms("131113")}
    assert "蒲田" in ota and "亀戸" not in ota


def test_an_unknown_organisation_is_refused_in_japanese() -> None:
    with pytest.raises(GijirokuError, match="見つかりません"):
        resolve_organisation("横浜市")
    assert resolve_organisation("東京都") == ("東京都", "130001")


def test_a_malformed_council_terms_file_names_the_group_and_entry(tmp_path: Path) -> None:
    bad = tmp_path / "terms.yaml"
    bad.write_text("titles:\n  - 議長\n  - {a: b}\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match="titles の2件目"):
        load_council_terms(bad)
    bad.write_text("titles: 議長\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match="一覧"):
        load_council_terms(bad)


def test_a_glossary_file_can_ask_for_the_defaults() -> None:
    glossary = parse_glossary({"organisation": "江東区", "defaults": True, "terms": ["亀戸防災拠点"]})
    assert glossary.terms[0] == "亀戸防災拠点" and "南砂" in glossary.terms
    with pytest.raises(RuleFileError, match="organisation"):
        parse_glossary({"defaults": True})


def test_glossary_terms_recover_kinds_and_readings() -> None:
    glossary = organisation_glossary("江東区", Glossary(terms=("亀戸防災拠点",)))
    terms = {t.text: t for t in vocabulary_terms(glossary, MeetingContext(title="子ども家庭支援委員会"))}
    assert terms["亀戸"].reading == "カメイド" and terms["亀戸防災拠点"].kind == TermKind.CUSTOM
    assert terms["江東区"].kind == TermKind.ORGANISATION
    assert terms["子ども家庭支援委員会"].kind == TermKind.MEETING


def test_the_prompt_holds_the_meeting_and_its_relevant_terms_within_the_budget() -> None:
    context = MeetingContext("江東区議会 子ども家庭支援委員会", ("南砂地区のまちづくり",), ("山田太郎", "議長"))
    chosen = select_prompt_terms(default_vocabulary("江東区"), context, budget=100)
    assert set(chosen[:4]) == {"江東区議会 子ども家庭支援委員会", "南砂地区のまちづくり", "山田太郎", "議長"}
    assert "江東区" in chosen and "南砂" in chosen and "まちづくり" in chosen
    assert "檜原村" not in chosen  # nothing in the meeting points at it
    assert 90 < sum(approximate_tokens("、" + t) for t in chosen) <= 100


def test_phonetic_key_unifies_long_vowels() -> None:
    assert phonetic_key("トウヨウ") == phonetic_key("トーヨー")
    assert phonetic_key("セイビ") == phonetic_key("セービ")
    assert similarity("タイキジドウ", "ダイキジドウ") > similarity("タイキジドウ", "サイキジドウ")


@pytest.mark.parametrize(
    ("heard", "expected"),
    [
        ("カメイドの駅前で", "亀戸の駅前で"),
        ("ミナミスナチックの再開発", "南砂地区の再開発"),
        ("ミナミスナでは", "南砂では"),
        ("ただいまから高等区議会を開会します", "ただいまから江東区議会を開会します"),
        ("トヨスについて", "豊洲について"),
        ("タイキジドウの解消", "待機児童の解消"),
        ("アリアケ地区で", "有明地区で"),
    ],
)
def test_close_readings_take_the_vocabulary_spelling(koto_index: ReadingIndex, heard: str, expected: str) -> None:
    corrected, applied = correct_by_reading(heard, koto_index)
    assert corrected == expected
    assert applied and all(c.source == "reading" for c in applied)


@pytest.mark.parametrize(
    "text",
    [
        "東洋の文化と土曜日の予定",  # 東洋 (トーヨー) is a word, not the town 東陽
        "差がありません",  # サガ: too short, and a particle
        "大島さんが佐賀県から来ました",
        "きばの近くで",
        "今日はいい天気ですね",
        "豊洲市場と東陽町",  # already spelt right
        "亀戸と南砂と江東区",
        "カメラの映像を確認します",  # カメラ is not カメイド
        "トースターを買いました",
    ],
)
def test_near_misses_are_left_alone(koto_index: ReadingIndex, text: str) -> None:
    assert correct_by_reading(text, koto_index) == (text, [])


def test_every_replacement_is_counted(koto_index: ReadingIndex) -> None:
    _, applied = correct_by_reading("カメイドとカメイド、ミナミスナ", koto_index)
    assert {(c.wrong, c.right, c.count) for c in applied} == {("カメイド", "亀戸", 2), ("ミナミスナ", "南砂", 1)}


@pytest.mark.parametrize(
    "text",
    ["東雲の学童クラブについても伺います。", "待機児童対策についてお伺いします。", "学童クラブ、学童クラブ。"],
)
def test_a_term_already_spelled_right_is_not_replaced_by_itself(text: str) -> None:
    # A stretch inside the right spelling (学童クラ in 学童クラブ) reads close to the term: it is no mistake.
    index = ReadingIndex([Term("学童クラブ"), Term("待機児童対策について")])
    assert correct_by_reading(text, index) == (text, [])


def test_a_misheard_term_beside_a_right_one_is_still_corrected() -> None:
    index = ReadingIndex([Term("学童クラブ"), Term("亀戸")])
    fixed, applied = correct_by_reading("カメイドの学童クラブ", index)
    assert fixed == "亀戸の学童クラブ" and [(a.wrong, a.right) for a in applied] == [("カメイド", "亀戸")]
