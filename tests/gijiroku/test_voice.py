"""The GE2E speaker encoder read without torch, and what it adds to diarization."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

from kyodo.gijiroku import voice
from kyodo.gijiroku.audio import detect_speech, load_audio
from kyodo.gijiroku.diarize import diarization_accuracy, diarize
from kyodo.gijiroku.synthetic import Line, synthesize


def test_the_packaged_weights_load_as_a_three_layer_lstm() -> None:
    model = voice.encoder()
    assert [w_ih.shape for w_ih, _, _ in model.lstm] == [(1024, 40), (1024, 256), (1024, 256)]
    assert model.linear_w.shape == (256, 256) and np.isfinite(model.linear_w).all()


def test_a_weights_file_naming_other_code_is_refused(tmp_path: Path) -> None:
    class Evil:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (print, ("owned",))

    path = tmp_path / "evil.pt"
    with path.open("wb") as handle:
        for header in (1, 1001, {}):
            pickle.dump(header, handle, protocol=2)
        pickle.dump({"x": Evil()}, handle, protocol=2)
    with pytest.raises(pickle.UnpicklingError, match="unexpected global"):
        voice.load_state_dict(path)


def test_mel_filters_cover_the_spectrum_like_librosa() -> None:
    bank = voice.mel_filters()
    assert bank.shape == (40, 201) and (bank >= 0).all()
    # Slaney normalisation: each filter's area is about 2 / bandwidth, so low filters are taller than high ones.
    assert bank[0].max() > bank[-1].max()
    assert voice.partial_slices(100) == [slice(0, 160)]
    assert [s.start for s in voice.partial_slices(400)] == [0, 77, 154, 231]
    assert [s.start for s in voice.partial_slices(450)] == [0, 77, 154, 231, 290]
    assert voice.mel_frames(np.zeros(16_000, dtype=np.float32)).shape == (101, 40)


@pytest.fixture(scope="module")
def two_voices(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    lines = (
        Line(0, "ただいまから委員会を開会いたします。日程第一を議題といたします。", ""),
        Line(1, "事務局から説明いたします。資料の二ページをご覧ください。", ""),
        Line(0, "ご質問はございますか。なければ次に進みます。", ""),
        Line(1, "続きまして、予算の内訳についてご説明いたします。", ""),
    )
    return synthesize(lines, tmp_path_factory.mktemp("voice") / "two.wav")


def test_one_voice_embeds_closer_to_itself_than_to_another(two_voices) -> None:  # type: ignore[no-untyped-def]
    samples = load_audio(two_voices.path)
    pieces = [samples[int(t.start * 16_000) : int(t.end * 16_000)] for t in two_voices.turns]
    e = voice.embed_pieces(pieces)
    assert np.allclose(np.linalg.norm(e, axis=1), 1.0, atol=1e-4)
    same = (float(e[0] @ e[2]) + float(e[1] @ e[3])) / 2
    other = float(np.mean([e[0] @ e[1], e[0] @ e[3], e[2] @ e[1], e[2] @ e[3]]))
    assert same > other + 0.03


def test_diarization_with_the_voice_embedding_finds_both_speakers(two_voices) -> None:  # type: ignore[no-untyped-def]
    samples = load_audio(two_voices.path)
    turns = diarize(samples, detect_speech(samples), speakers=2)
    assert diarization_accuracy(two_voices.turns, turns) > 0.9


def test_a_corrupted_weights_file_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    broken = tmp_path / "pretrained.pt"
    broken.write_bytes(b"not a model")
    monkeypatch.setattr(voice, "weights_path", lambda: broken)
    voice.encoder.cache_clear()
    try:
        with pytest.raises(voice.ModelError, match="チェックサム"):
            voice.encoder()
    finally:
        voice.encoder.cache_clear()
