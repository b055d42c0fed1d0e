"""Bad input and bad models: each refused with a Japanese message, nothing downloaded."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from kyodo.gijiroku.audio import SAMPLE_RATE, detect_speech, load_audio, write_wav
from kyodo.gijiroku.errors import AudioError, ModelError
from kyodo.gijiroku.model import DEFAULT_MODEL_SHA256, load_whisper, resolve_model, sha256_of
from kyodo.gijiroku.synthetic import SyntheticMeeting


def test_it_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="見つかりません"):
        load_audio(tmp_path / "nothing.wav")


def test_it_refuses_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    with pytest.raises(AudioError, match="空です"):
        load_audio(path)


def test_it_refuses_a_file_that_is_not_audio(tmp_path: Path) -> None:
    path = tmp_path / "minutes.wav"
    path.write_text("これは音声ではありません。" * 50, encoding="utf-8")
    with pytest.raises(AudioError, match="音声ファイルとして読み込めません"):
        load_audio(path)


def test_it_refuses_silence(tmp_path: Path) -> None:
    path = tmp_path / "silent.wav"
    write_wav(path, np.zeros(SAMPLE_RATE * 3))
    with pytest.raises(AudioError, match="無音"):
        load_audio(path)


def test_it_refuses_a_recording_longer_than_the_limit(short_meeting: SyntheticMeeting) -> None:
    with pytest.raises(AudioError, match="長すぎます"):
        load_audio(short_meeting.path, max_seconds=5)


def test_the_length_limit_comes_from_the_environment(
    short_meeting: SyntheticMeeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KYODO_GIJIROKU_MAX_SECONDS", "10")
    with pytest.raises(AudioError, match="上限は10秒"):
        load_audio(short_meeting.path)


@pytest.mark.parametrize(("suffix", "codec"), [("m4a", "aac"), ("mp3", "mp3"), ("mp4", "aac")])
def test_it_reads_compressed_recordings(
    short_meeting: SyntheticMeeting, tmp_path: Path, suffix: str, codec: str
) -> None:
    import av

    samples = load_audio(short_meeting.path)
    path = tmp_path / f"meeting.{suffix}"
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=SAMPLE_RATE)
        stream.layout = "mono"  # type: ignore[union-attr]
        frame = av.AudioFrame.from_ndarray(samples[None, :], format="flt", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        for packet in stream.encode(frame):  # type: ignore[union-attr]
            container.mux(packet)
        for packet in stream.encode(None):  # type: ignore[union-attr]
            container.mux(packet)
    decoded = load_audio(path)
    assert abs(decoded.size - samples.size) < SAMPLE_RATE * 0.2


def test_vad_finds_the_spoken_lines(short_meeting: SyntheticMeeting) -> None:
    regions = detect_speech(load_audio(short_meeting.path))
    speech = sum(r.end - r.start for r in regions)
    reference = sum(t.end - t.start for t in short_meeting.turns)
    assert 0.7 * reference < speech < 1.1 * reference
    # Every reference line overlaps detected speech.
    assert all(any(r.start < t.end and t.start < r.end for r in regions) for t in short_meeting.turns)


def test_the_default_model_is_joined_and_verified(model_cache: Path) -> None:
    location = resolve_model(model_dir=model_cache)
    assert sha256_of(location.path / "model.bin") == DEFAULT_MODEL_SHA256
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        assert (location.path / name).is_file()
    assert os.environ["HF_HUB_OFFLINE"] == "1"


def test_a_corrupted_joined_model_is_refused(model_cache: Path, tmp_path: Path) -> None:
    resolve_model(model_dir=model_cache)
    broken = tmp_path / "cache"
    shutil.copytree(model_cache, broken)
    with (broken / "whisper-base-ct2" / "model.bin").open("r+b") as handle:
        handle.seek(1000)
        handle.write(b"\x00" * 16)
    with pytest.raises(ModelError, match="壊れています"):
        resolve_model(model_dir=broken)


def test_an_unknown_model_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="見つかりません"):
        resolve_model(tmp_path / "no-such-model")


def test_a_folder_without_tokenizer_is_refused_rather_than_downloading(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"x")
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ModelError, match=r"tokenizer\.json"):
        resolve_model(tmp_path)


def test_another_model_folder_is_chosen_by_environment(
    model_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = resolve_model(model_dir=model_cache)
    monkeypatch.setenv("KYODO_WHISPER_MODEL", str(default.path))
    chosen = resolve_model()
    assert chosen.path == default.path and chosen.name == default.path.name


def test_a_garbage_model_file_in_a_custom_folder_is_a_japanese_error(
    model_cache: Path, tmp_path: Path
) -> None:
    default = resolve_model(model_dir=model_cache)
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        shutil.copyfile(default.path / name, tmp_path / name)
    (tmp_path / "model.bin").write_bytes(b"not a model" * 100)
    with pytest.raises(ModelError, match="読み込めません"):
        load_whisper(resolve_model(tmp_path))


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(45, "45秒"), (750, "12分30秒"), (600, "10分"), (7500, "2時間5分"), (14400, "4時間")],
)
def test_lengths_are_written_as_a_clerk_writes_them(seconds: float, text: str) -> None:
    from kyodo.gijiroku.audio import duration_ja

    assert duration_ja(seconds) == text


def test_loading_and_recognising_never_reach_for_the_hub(
    model_cache: Path, short_meeting: SyntheticMeeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    import huggingface_hub
    import tokenizers

    from kyodo.gijiroku.recognize import recognize

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a download was attempted")

    monkeypatch.setattr(huggingface_hub, "snapshot_download", refuse)
    monkeypatch.setattr(huggingface_hub, "hf_hub_download", refuse)
    monkeypatch.setattr(tokenizers.Tokenizer, "from_pretrained", refuse)
    model = load_whisper(resolve_model(model_dir=model_cache), cpu_threads=2)
    segments = recognize(model, load_audio(short_meeting.path)[: SAMPLE_RATE * 6])
    assert segments and "".join(s.text for s in segments)
