"""The normalised search across meetings (engine side)."""

from kyodo.gijiroku.search import find_segments, normalise, query_words


def test_width_case_and_kana_are_folded() -> None:
    assert normalise("トヨス") == normalise("とよす") == normalise("トヨス")
    assert normalise("ABC 123、") == "abc123"
    assert query_words("待機児童  亀戸") == ["待機児童", "亀戸"]


def test_a_hit_holds_every_word_and_the_speaker() -> None:
    rows = [("豊洲の待機児童は十二人です。", "子ども未来部長"), ("とよすの件を伺います。", "委員(鈴木一郎君)")]
    hits = find_segments(rows, "トヨス", "", text_of=lambda r: r[0], speaker_of=lambda r: r[1])
    assert [h.row for h in hits] == [rows[1]]
    hits = find_segments(rows, "待機児童 豊洲", "部長", text_of=lambda r: r[0], speaker_of=lambda r: r[1])
    assert [h.speaker for h in hits] == ["子ども未来部長"] and "待機児童" in hits[0].snippet
    assert find_segments(rows, "", "鈴木", text_of=lambda r: r[0], speaker_of=lambda r: r[1])[0].row == rows[1]
