"""The whole pipeline on a synthetic meeting, CER against the script, and the glossary's effect."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jiwer
import pytest

from kyodo.gijiroku.audio import load_audio
from kyodo.gijiroku.diarize import diarization_accuracy
from kyodo.gijiroku.errors import AudioError, RuleFileError
from kyodo.gijiroku.glossary import (
    Glossary,
    apply_corrections,
    correction_report,
    load_glossary,
    parse_glossary,
)
from kyodo.gijiroku.pipeline import PipelineOptions, assign_speakers, clean_utterances, transcribe_audio
from kyodo.gijiroku.recognize import recognize
from kyodo.gijiroku.synthetic import SyntheticMeeting
from kyodo.gijiroku.transcript import Segment, SpeakerTurn, Transcript, Word

from .conftest import GLOSSARY_TERMS, normalise


def test_recognition_is_close_to_the_script(
    short_meeting: SyntheticMeeting, short_transcript: Transcript
) -> None:
    # Whisper base on synthetic speech; the benchmark reports the figure on a longer meeting.
    cer = jiwer.cer(normalise(short_meeting.spoken_text), normalise(short_transcript.raw_text))
    assert cer < 0.3


def test_the_raw_transcript_is_kept_beside_the_cleaned_one(short_transcript: Transcript) -> None:
    raw = short_transcript.raw_text
    cleaned = short_transcript.cleaned_text
    assert raw != cleaned
    assert "あの" in raw or "え" in raw  # fillers were heard …
    assert "あの、" not in cleaned and not cleaned.startswith("え")  # … and are gone from the minutes text
    assert all(u.raw_text for u in short_transcript.utterances)


def test_the_pipeline_finds_both_speakers_in_order(
    short_meeting: SyntheticMeeting, short_transcript: Transcript
) -> None:
    assert short_transcript.speaker_count == 2
    # Numbered by first words that reach the minutes (a lone filler does not count).
    assert next(u for u in short_transcript.utterances if u.text).speaker == 0
    turns = [SpeakerTurn(u.start, u.end, u.speaker) for u in short_transcript.utterances]
    assert diarization_accuracy(short_meeting.turns, turns) >= 0.8


def test_progress_reaches_the_end_in_order(
    short_meeting: SyntheticMeeting, whisper: Any, model_cache: Path
) -> None:
    seen: list[tuple[str, float]] = []
    samples = load_audio(short_meeting.path)[: 16_000 * 8]
    transcribe_audio(
        samples, PipelineOptions(model_dir=model_cache), lambda s, f: seen.append((s, f)), model=whisper
    )
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0)
    assert [s for s, _ in seen][-1] == "整文"


def test_noise_without_speech_is_refused(whisper: Any, model_cache: Path) -> None:
    import numpy as np

    noise = np.random.default_rng(0).normal(0, 0.01, 16_000 * 3).astype(np.float32)
    with pytest.raises(AudioError, match="発言を検出できません"):
        transcribe_audio(noise, PipelineOptions(model_dir=model_cache), model=whisper)


def test_glossary_hotwords_lower_the_error_rate(glossary_recording: SyntheticMeeting, whisper: Any) -> None:
    samples = load_audio(glossary_recording.path)
    truth = normalise(glossary_recording.spoken_text)
    plain = "".join(s.text for s in recognize(whisper, samples))
    with_terms = "".join(s.text for s in recognize(whisper, samples, GLOSSARY_TERMS))
    assert jiwer.cer(truth, normalise(with_terms)) < jiwer.cer(truth, normalise(plain))
    assert with_terms.count("事務局") > plain.count("事務局")


def test_corrections_fix_the_cleaned_text_and_are_listed_for_review() -> None:
    segment = Segment(0.0, 2.0, "高等区の審務局です。", (Word("高等区の審務局です。", 0.0, 2.0),))
    utterances = assign_speakers([segment], [SpeakerTurn(0.0, 2.0, 0)])
    glossary = parse_glossary(
        {"corrections": [{"wrong": "高等区", "right": "江東区"}, {"wrong": "審務局", "right": "事務局"}]}
    )
    clean_utterances(utterances, glossary)
    assert utterances[0].raw_text == "高等区の審務局です。"
    assert utterances[0].text == "江東区の事務局です。"
    assert {(r["wrong"], r["count"]) for r in correction_report(utterances)} == {("高等区", 1), ("審務局", 1)}


def test_longer_wrong_forms_are_corrected_first() -> None:
    glossary = Glossary(
        corrections=parse_glossary(
            {
                "corrections": [
                    {"wrong": "交通", "right": "江東"},
                    {"wrong": "交通区役所", "right": "江東区役所"},
                ]
            }
        ).corrections
    )
    assert apply_corrections("交通区役所と交通", glossary)[0] == "江東区役所と江東"


def test_a_glossary_file_is_read_and_checked(tmp_path: Path) -> None:
    good = tmp_path / "koto.yaml"
    good.write_text(
        "organisation: 江東区\nterms: [江東区, 事務局, 江東区]\ncorrections:\n  - {wrong: 交通区, right: 江東区}\n",
        encoding="utf-8",
    )
    glossary = load_glossary(good)
    assert glossary.terms == ("江東区", "事務局") and glossary.corrections[0].right == "江東区"
    bad = tmp_path / "bad.yaml"
    bad.write_text("corrections:\n  - {wrong: 江東区}\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match="1件目"):
        load_glossary(bad)
    with pytest.raises(RuleFileError, match="見つかりません"):
        load_glossary(tmp_path / "none.yaml")


@pytest.mark.slow
def test_hotwords_never_make_recognition_skip_speech(whisper: Any, tmp_path: Path) -> None:
    """Regression: sequential decoding with hotwords once jumped over 40 s of a 3-minute meeting."""
    from kyodo.gijiroku.synthetic import meeting_script, synthesize

    meeting = synthesize(meeting_script(2), tmp_path / "two_topics.wav")
    segments = recognize(whisper, load_audio(meeting.path), GLOSSARY_TERMS)
    words = [w for s in segments for w in s.words]
    for turn in meeting.turns:
        heard = [w for w in words if w.start < turn.end and turn.start < w.end]
        assert heard, f"nothing recognised in the line spoken at {turn.start:.1f}-{turn.end:.1f} s"
    assert jiwer.cer(normalise(meeting.spoken_text), normalise("".join(s.text for s in segments))) < 0.3
