"""The search across meetings (engine side): what the index stores and what a query asks of it."""

from kyodo.gijiroku.search import fts5_match, hit, index_text, normalise, query_words, tsquery


def test_width_case_and_kana_are_folded() -> None:
    assert normalise("トヨス") == normalise("とよす") == normalise("トヨス")
    assert normalise("ABC 123、") == "abc123"
    assert query_words("待機児童  亀戸") == ["待機児童", "亀戸"]


def test_the_index_stores_character_pairs_of_the_folded_text() -> None:
    assert index_text("とよすの、件。") == "トヨ ヨス スノ ノ件 件"
    assert index_text("。") == "" and index_text("区") == "区"


def test_a_query_word_is_a_phrase_of_its_pairs_and_every_word_is_required() -> None:
    assert fts5_match("南砂地区 とよす") == '"南砂 砂地 地区" AND "トヨ ヨス"'
    assert tsquery("南砂地区 とよす") == "(南砂 <-> 砂地 <-> 地区) & (トヨ <-> ヨス)"
    assert fts5_match("区") == '"区"*' and tsquery("区") == "区:*"
    assert fts5_match("、 。") == "" and tsquery("") == ""


def _asked(word: str) -> set[str]:
    return set(fts5_match(word).strip('"*').split())


def test_every_pair_of_a_query_word_is_in_the_text_it_should_find() -> None:
    stored = set(index_text("江東区の南砂地区では待機児童が減りました。").split())
    for word in ("南砂", "南砂地区", "待機児童", "減り", "た"):
        assert _asked(word) <= stored, word
    assert not _asked("豊洲") <= stored


def test_a_hit_shows_the_text_around_the_first_word() -> None:
    found = hit("row", "はじめに。" * 10 + "豊洲の待機児童は十二人です。", "子ども未来部長", "待機児童 豊洲")
    assert found.speaker == "子ども未来部長" and found.snippet.startswith("…") and "待機児童" in found.snippet
