"""Diarization on synthetic voices, and the accuracy measure itself."""

from __future__ import annotations

import numpy as np
import pytest

from kyodo.gijiroku.audio import load_audio
from kyodo.gijiroku.diarize import diarization_accuracy, diarize, silhouette, speaker_at, speech_coverage
from kyodo.gijiroku.synthetic import SyntheticMeeting
from kyodo.gijiroku.transcript import SpeakerTurn

REF = [SpeakerTurn(0.0, 2.0, 0), SpeakerTurn(2.0, 4.0, 1)]


def test_accuracy_is_one_for_the_same_turns_under_other_labels() -> None:
    assert diarization_accuracy(REF, [SpeakerTurn(0.0, 2.0, 5), SpeakerTurn(2.0, 4.0, 3)]) == pytest.approx(
        1.0
    )


def test_accuracy_is_a_half_when_everything_goes_to_one_speaker() -> None:
    assert diarization_accuracy(REF, [SpeakerTurn(0.0, 4.0, 0)]) == pytest.approx(0.5, abs=0.01)


def test_coverage_counts_speech_that_no_speaker_was_given() -> None:
    assert speech_coverage(REF, [SpeakerTurn(0.0, 2.0, 0)]) == pytest.approx(0.5, abs=0.01)


def test_a_word_goes_to_the_speaker_talking_most_during_it() -> None:
    assert speaker_at(REF, 1.5, 2.2) == 0
    assert speaker_at(REF, 1.9, 3.0) == 1
    assert speaker_at(REF, 9.0, 9.5) == 1  # after the end: the nearest turn


def test_silhouette_prefers_the_true_split() -> None:
    rng = np.random.default_rng(0)
    centres = np.array([[1.0, 0.0]] * 10 + [[0.0, 1.0]] * 10)
    points = centres + rng.normal(0, 0.1, (20, 2))
    distances = np.linalg.norm(points[:, None] - points[None], axis=2)
    truth = np.array([0] * 10 + [1] * 10)
    assert silhouette(distances, truth) > 0.7 > silhouette(distances, np.arange(20) % 2)


@pytest.mark.parametrize("speakers", [2, None], ids=["count-given", "count-found"])
def test_it_tells_the_two_voices_apart(short_meeting: SyntheticMeeting, speakers: int | None) -> None:
    from kyodo.gijiroku.audio import detect_speech

    samples = load_audio(short_meeting.path)
    turns = diarize(samples, detect_speech(samples), speakers=speakers)
    assert len({t.speaker for t in turns}) == 2
    assert diarization_accuracy(short_meeting.turns, turns) >= 0.85
    assert turns[0].speaker == 0  # speakers are numbered in order of first appearance
