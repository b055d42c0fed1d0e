from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kyodo.jirei.highlight import highlight, snippet
from kyodo.jirei.query import fts5_match, parse_query, tsquery
from kyodo.jirei.text import analyse, fold, synonyms, tokens

JAPANESE = st.text(alphabet=st.sampled_from(list("議事録会議保育所園ＡＩai人工知能のをにはで、。 　ｶﾀｶﾅチャットボット-「」1２")),
                   max_size=40)


def test_full_and_half_width_give_the_same_tokens():
    assert tokens("ＡＩ－ＯＣＲ") == tokens("AI-OCR")
    assert tokens("ﾁｬｯﾄﾎﾞｯﾄ") == tokens("チャットボット")
    assert tokens("ＲＰＡ") == ["rpa"]


def test_spelling_variants_are_unified():
    assert tokens("問合せ") == tokens("問い合わせ")
    assert tokens("サーバ") == tokens("サーバー")
    assert tokens("子ども") == tokens("こども") == tokens("子供")
    assert tokens("申込")[0] == tokens("申し込み")[0]


def test_synonyms_become_their_group():
    assert tokens("会議録")[0] == tokens("議事録")[0] == "議事録"
    assert tokens("保育園")[0] == "保育所"
    assert tokens("人工知能")[0] == "ai"
    assert "aiocr" in tokens("AI OCR")  # a two-word member
    assert "マイナンバーカード" in tokens("マイナカード")


def test_every_synonym_group_of_the_data_file_maps_to_one_token():
    from importlib import resources

    raw = yaml.safe_load(resources.files("kyodo.jirei").joinpath("data/synonyms.yaml").read_text("utf-8"))
    for group in raw["groups"]:
        firsts = {parse_query(f'"{t}"').terms[0].alternatives[0] for t in group["terms"]}
        assert len(firsts) == 1, group["terms"]
    assert synonyms().longest_phrase >= 2


def test_particles_and_symbols_are_not_tokens():
    assert tokens("議事録の作成を、する。") == ["議事録", "議事", "録", "作成"]


def test_offsets_point_into_the_original_text():
    text = "ＡＩで会議録を作る"
    assert [text[w.begin:w.end] for w in analyse(text)][:2] == ["ＡＩ", "会議録"]


def test_a_query_has_terms_exclusions_and_the_failure_filter():
    q = parse_query("導入に至らなかった　ＡＩ 会議録 -保育園")
    assert q.failures_only
    assert [t.alternatives[0] for t in q.terms] == [("ai",), ("議事録",)]
    assert q.excluded[0].alternatives[0] == ("保育所",)
    assert not parse_query("AI").failures_only


def test_a_quoted_phrase_keeps_its_space():
    assert parse_query('"AI OCR"').terms[0].alternatives == (("aiocr",),)


def test_database_syntax_of_a_query():
    q = parse_query("専門用語の登録 ＡＩ")
    assert fts5_match(q.terms, all_terms=True) == '("専門用語" OR ("専門" AND "用語")) AND ("登録") AND ("ai")'
    assert tsquery(q.terms, all_terms=False) == "('専門用語' | ('専門' & '用語')) | ('登録') | ('ai')"


def test_highlight_marks_the_words_as_written():
    segments = highlight("江東区の会議録とＡＩの活用", parse_query("議事録 AI"))
    assert [s.text for s in segments if s.hit] == ["会議録", "ＡＩ"]


def test_snippet_starts_near_the_first_match():
    text = "前置き。" * 50 + "保育所の入所選考" + "後書き。" * 50
    segments = snippet(text, parse_query("保育園"), width=60)
    assert segments[0].text == "…" and segments[-1].text == "…"
    assert any(s.hit and s.text == "保育所" for s in segments)


@settings(max_examples=60, deadline=None)
@given(JAPANESE, JAPANESE)
def test_tokens_are_letters_and_digits_and_highlights_keep_the_text(text, query):
    for token in tokens(text):
        assert token and token == fold(token)
    assert "".join(s.text for s in highlight(text, parse_query(query))) == text
