"""Reading a recording and finding where people speak.

Any container PyAV (FFmpeg) can read is accepted — wav, mp3, m4a, mp4 — and decoded to 16 kHz
mono float32, the rate Whisper and Silero VAD expect. Voice activity detection is the Silero VAD
model that faster-whisper ships (onnxruntime), so nothing is downloaded.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from kyodo.gijiroku.errors import AudioError

SAMPLE_RATE = 16_000
# Four hours covers a full-day committee; longer files are refused before decoding.
DEFAULT_MAX_SECONDS = 4 * 3600
# Below this RMS (about -60 dBFS) a recording is treated as silence.
SILENCE_RMS = 1e-3
VAD_BLOCK_S = 300.0

Audio = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class SpeechRegion:
    """A stretch of speech found by VAD, in seconds."""

    start: float
    end: float


def max_seconds_setting(value: float | None = None) -> float:
    """The length limit: argument, then KYODO_GIJIROKU_MAX_SECONDS, then four hours."""
    if value is not None:
        return float(value)
    env = os.environ.get("KYODO_GIJIROKU_MAX_SECONDS")
    return float(env) if env else float(DEFAULT_MAX_SECONDS)


def _container_seconds(path: Path) -> float | None:
    """Duration from the container header, so an over-long file is refused before decoding it."""
    import av

    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise AudioError(f"音声が入っていないファイルです: {path.name}")
            if container.duration is not None:
                return float(container.duration) / 1_000_000
            stream = container.streams.audio[0]
            if stream.duration is not None and stream.time_base is not None:
                return float(stream.duration * stream.time_base)
    except AudioError:
        raise
    except Exception as exc:  # PyAV raises many types (InvalidDataError, ValueError, …)
        raise AudioError(f"音声ファイルとして読み込めません(wav・mp3・m4a・mp4 に対応): {path.name}") from exc
    return None


def probe(path: str | Path, max_seconds: float | None = None) -> float | None:
    """Check a recording from its container header alone (no decoding): it exists, is not empty, holds an
    audio stream and is not over the limit. Its length in seconds, or None when the header does not say.

    Cheap enough for a web request whatever the length; silence is found when the recording is decoded.
    """
    path = Path(path)
    if not path.is_file():
        raise AudioError(f"音声ファイルが見つかりません: {path}")
    if path.stat().st_size == 0:
        raise AudioError(f"音声ファイルが空です(0バイト): {path.name}")
    limit = max_seconds_setting(max_seconds)
    header_seconds = _container_seconds(path)
    if header_seconds is not None and header_seconds > limit:
        raise AudioError(_too_long(path, header_seconds, limit))
    return header_seconds


def load_audio(path: str | Path, max_seconds: float | None = None) -> Audio:
    """Decode a recording to 16 kHz mono, refusing what cannot be a meeting recording.

    Decoded straight into one float32 array sized from the header (4 bytes a sample: 460 MB for two hours), so
    the peak is the result itself: decoding into a buffer of 16-bit samples and converting it afterwards, as
    faster-whisper's decode_audio does, held three copies at once.
    """
    path = Path(path)
    header_seconds = probe(path, max_seconds)
    limit = max_seconds_setting(max_seconds)
    try:
        samples = _decode(path, header_seconds, limit)
    except AudioError:
        raise
    except Exception as exc:
        raise AudioError(f"音声ファイルとして読み込めません(wav・mp3・m4a・mp4 に対応): {path.name}") from exc
    if samples.size == 0:
        raise AudioError(f"音声ファイルに音声が入っていません(長さ0秒): {path.name}")
    if _rms(samples) < SILENCE_RMS:
        raise AudioError(f"音声が無音です。録音できているか確認してください: {path.name}")
    return samples


def _decode(path: Path, header_seconds: float | None, limit: float) -> Audio:
    """All audio of a file as 16 kHz mono float32; refuses it as soon as it runs past `limit` seconds."""
    import av

    size = int(((header_seconds or 600.0) + 1.0) * SAMPLE_RATE)
    out = np.empty(size, dtype=np.float32)
    filled = 0
    resampler = av.audio.resampler.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    with av.open(str(path), mode="r", metadata_errors="ignore") as container:
        for frame in chain(_frames(container), [None]):  # None: the resampler's last samples
            for piece in resampler.resample(frame):
                block = piece.to_ndarray().reshape(-1)
                if filled + block.size > out.size:
                    if filled / SAMPLE_RATE > limit:
                        raise AudioError(_too_long(path, filled / SAMPLE_RATE, limit))
                    out = np.resize(out, int((filled + block.size) * 1.5))  # a header that said too little
                out[filled : filled + block.size] = block * np.float32(1 / 32768)
                filled += block.size
    if filled / SAMPLE_RATE > limit:
        raise AudioError(_too_long(path, filled / SAMPLE_RATE, limit))
    return out[:filled]


def _frames(container: Any) -> Iterator[Any]:
    """The audio frames of a container, skipping frames FFmpeg cannot decode (as faster-whisper does)."""
    import av

    frames = container.decode(audio=0)
    while True:
        try:
            yield next(frames)
        except StopIteration:
            return
        except av.error.InvalidDataError:
            continue


def _rms(samples: Audio, block: int = 1 << 22) -> float:
    """Root mean square in float64, block by block (a whole session squared in float64 would be 8 bytes a sample)."""
    total = sum(float(np.sum(np.square(samples[i : i + block], dtype=np.float64))) for i in range(0, samples.size, block))
    return float(np.sqrt(total / max(samples.size, 1)))


def duration_ja(seconds: float) -> str:
    """'45秒', '12分30秒', '2時間5分' — how a clerk writes a length."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}時間{minutes}分" if minutes else f"{hours}時間"
    if minutes:
        return f"{minutes}分{secs}秒" if secs else f"{minutes}分"
    return f"{secs}秒"


def _too_long(path: Path, seconds: float, limit: float) -> str:
    return (
        f"音声ファイルが長すぎます({duration_ja(seconds)}。上限は{duration_ja(limit)}): {path.name}。"
        "分割するか、KYODO_GIJIROKU_MAX_SECONDS で上限を変えてください。"
    )


def detect_speech(
    samples: Audio,
    min_silence_ms: int = 300,
    threshold: float = 0.5,
) -> list[SpeechRegion]:
    """Speech regions by Silero VAD. A short minimum silence keeps turns of different speakers apart.

    Run on blocks of VAD_BLOCK_S seconds: faster-whisper's VAD holds working arrays of about 15 MB per minute
    of audio (measured: 450 MB for 30 minutes), too much for a six-hour session at once. A region cut by a
    block boundary is joined again.
    """
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(threshold=threshold, min_silence_duration_ms=min_silence_ms, speech_pad_ms=100)
    block = int(VAD_BLOCK_S * SAMPLE_RATE)
    regions: list[SpeechRegion] = []
    for first in range(0, max(samples.size, 1), block):
        offset = first / SAMPLE_RATE
        for stamp in get_speech_timestamps(samples[first : first + block], options, sampling_rate=SAMPLE_RATE):
            region = SpeechRegion(offset + stamp["start"] / SAMPLE_RATE, offset + stamp["end"] / SAMPLE_RATE)
            if regions and first and region.start - regions[-1].end < 0.2 and abs(region.start - offset) < 0.3:
                regions[-1] = SpeechRegion(regions[-1].start, region.end)
            else:
                regions.append(region)
    return regions


def write_wav(path: str | Path, samples: npt.NDArray[np.floating], sample_rate: int = SAMPLE_RATE) -> None:
    """Write 16-bit mono PCM (used for test audio and excerpts)."""
    import wave

    clipped = np.clip(np.asarray(samples, dtype=np.float64), -1.0, 1.0)
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(sample_rate)
        handle.writeframes((clipped * 32767).astype("<i2").tobytes())
