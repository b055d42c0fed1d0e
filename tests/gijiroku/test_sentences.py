"""Restoring 。 and 、, and cutting utterances between sentences rather than inside words."""

from __future__ import annotations

from kyodo.gijiroku.sentences import build_utterances, punctuate, timed_chars
from kyodo.gijiroku.transcript import Segment, SpeakerTurn, Word


def words(*pieces: tuple[str, float, float]) -> Segment:
    return Segment(pieces[0][1], pieces[-1][2], "".join(p[0] for p in pieces),
                   tuple(Word(t, a, b) for t, a, b in pieces))


def text_of(segment: Segment) -> str:
    return "".join(c.char for c in punctuate(timed_chars([segment])))


def test_a_full_stop_follows_a_polite_final_form_before_a_new_sentence() -> None:
    seg = words(("説明をお願いします", 0.0, 2.0), ("はい", 2.1, 2.4), ("事務局です", 2.5, 3.5))
    assert text_of(seg) == "説明をお願いします。はい事務局です。"


def test_final_particles_stay_in_their_sentence() -> None:
    seg = words(("どうなっていますか", 0.0, 2.0), ("東雲の件も伺います", 2.1, 4.0))
    assert text_of(seg) == "どうなっていますか。東雲の件も伺います。"


def test_a_sentence_that_goes_on_is_not_cut() -> None:
    seg = words(("対応できると考えていますけど", 0.0, 2.0), ("詳細は後日報告します", 2.1, 4.0))
    assert text_of(seg) == "対応できると考えていますけど詳細は後日報告します。"
    assert text_of(words(("予算がないですので", 0.0, 1.0), ("延期します", 1.1, 2.0))) == "予算がないですので延期します。"


def test_a_pause_before_a_content_word_becomes_a_comma() -> None:
    seg = words(("ほかにご意見がなければ", 0.0, 2.0), ("本件は了承します", 2.8, 4.0))
    assert text_of(seg) == "ほかにご意見がなければ、本件は了承します。"
    # A pause before a particle is a hesitation, not a comma.
    assert "、" not in text_of(words(("南砂地区", 0.0, 1.0), ("の再開発を進めます", 1.8, 3.0)))


def test_existing_marks_are_not_doubled() -> None:
    assert text_of(words(("開会します。", 0.0, 1.0), ("日程第一", 1.9, 3.0))) == "開会します。日程第一"


def test_a_turn_never_ends_inside_a_word() -> None:
    # Whisper put the next speaker's first sound 「ミ」 in the chair's chunk; the diarizer's turn changes at 2.2 s.
    seg = words(("説明会を開きます", 0.0, 2.0), ("ミ", 2.05, 2.15), ("ナミスナ地区の説明会は", 2.3, 4.0),
                ("区民の意見を聞いてください", 4.0, 6.0))
    turns = [SpeakerTurn(0.0, 2.2, 0), SpeakerTurn(2.2, 6.0, 1)]
    utterances = build_utterances([seg], turns)
    assert [(u.speaker, u.punctuated) for u in utterances] == [
        (0, "説明会を開きます。"), (1, "ミナミスナ地区の説明会は区民の意見を聞いてください。")]
    assert utterances[1].raw_text == "ミナミスナ地区の説明会は区民の意見を聞いてください"  # exactly as recognised


def test_a_sentence_goes_to_the_speaker_heard_most_during_it() -> None:
    seg = words(("ほかにご意見がなければ", 10.0, 12.0), ("本件は了承することとします", 12.1, 15.0))
    # The diarizer hears the chair for most of it but gives its end to the member.
    turns = [SpeakerTurn(9.0, 13.5, 0), SpeakerTurn(13.5, 15.0, 2)]
    [utterance] = build_utterances([seg], turns)
    assert utterance.speaker == 0 and utterance.punctuated.endswith("します。")


def test_a_long_pause_starts_a_new_utterance_of_the_same_speaker() -> None:
    segs = [words(("開会します", 0.0, 1.0)), words(("再開します", 5.0, 6.0))]
    utterances = build_utterances(segs, [SpeakerTurn(0.0, 6.0, 0)])
    assert [u.punctuated for u in utterances] == ["開会します。", "再開します。"]


def test_a_two_hour_text_is_punctuated_piece_by_piece_as_a_whole_would_be() -> None:
    """Regression: SudachiPy refuses input over 49,149 bytes, and a two-hour session's text is about 110 KB."""
    line = [("説明をお願いします", 0.0, 2.0), ("はい", 2.1, 2.4), ("事務局です", 2.5, 3.5)]
    repeats = 3000  # 60,000 characters, 180 KB
    seg = words(*[(t, a + 4 * n, b + 4 * n) for n in range(repeats) for t, a, b in line])
    assert text_of(seg) == "説明をお願いします。はい事務局です。" * repeats
