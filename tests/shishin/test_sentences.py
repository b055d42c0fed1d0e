from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kyodo.shishin.sentences import sentences, split


@pytest.mark.parametrize(("text", "expected"), [
    ("一文目です。二文目です。", ["一文目です。", "二文目です。"]),
    ("彼は「はい。わかりました。」と言った。次へ。", ["彼は「はい。わかりました。」と言った。", "次へ。"]),
    ("『規約。第1条。』を読む。", ["『規約。第1条。』を読む。"]),
    ("生成AI(以下「生成AI」という。)を使う。次。", ["生成AI(以下「生成AI」という。)を使う。", "次。"]),
    ("（注。全角の括弧）です。", ["（注。全角の括弧）です。"]),
    ("本当ですか？はい！！そうです。", ["本当ですか？", "はい！！", "そうです。"]),
    ("Really? Yes! OK", ["Really?", "Yes!", "OK"]),
    ("長い文の\n途中で折り返した。次。", ["長い文の\n途中で折り返した。", "次。"]),
    ("終わりに句点がない", ["終わりに句点がない"]),
    ("#タグは見出しではない。次。", ["#タグは見出しではない。", "次。"]),
    ("閉じない「括弧。のまま\n\n次の段落。", ["閉じない「括弧。のまま", "次の段落。"]),
])
def test_it_splits_where_a_reader_would(text, expected):
    assert sentences(text) == expected


def test_headings_list_items_and_tables_are_kept_whole():
    text = ("## 見出し。ここも見出し\n本文一。本文二。\n\n- 項目一。項目二。\n- 項目三。\n  続きの行。\n"
            "1. 番号つき。二文目。\n\n| 列。 | 列 |\n|---|---|\n| 値。値。 | x |\n\n```\nコード。コード。\n```\n")
    assert sentences(text) == [
        "## 見出し。ここも見出し", "本文一。", "本文二。", "- 項目一。項目二。", "- 項目三。\n  続きの行。",
        "1. 番号つき。二文目。", "| 列。 | 列 |\n|---|---|\n| 値。値。 | x |", "```\nコード。コード。\n```",
    ]


def test_whitespace_between_sentences_is_a_piece_of_its_own():
    assert split("一。二。\n\n三。") == ["一。", "二。", "\n", "\n", "三。"]


def test_an_empty_text_has_no_pieces():
    assert split("") == []


ALPHABET = st.sampled_from(list("あいう漢字AB 。、！？!?「」『』（）()\n\t|#-*1.　"))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=80))
def test_the_splitter_round_trips_exactly(text):
    pieces = split(text)
    assert "".join(pieces) == text
    assert all(pieces)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_the_splitter_round_trips_any_unicode(text):
    assert "".join(split(text)) == text
