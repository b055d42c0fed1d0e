"""Japanese speech recognition with faster-whisper: segments with word timestamps.

Speech is cut into chunks of at most 30 s by Silero VAD and each chunk is decoded on its own
(faster-whisper's batched pipeline). Sequential long-form decoding was tried first: with glossary
hotwords it sometimes jumped over 40 s of speech and ended by reciting the hotwords, because each
window's seek depends on the timestamps of the one before. Independent chunks cannot skip.

The vocabulary terms chosen for the meeting reach the recogniser as `hotwords` (a prompt that biases
every chunk towards those spellings) and, optionally, as the initial prompt.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kyodo.gijiroku.audio import SAMPLE_RATE, Audio
from kyodo.gijiroku.transcript import Segment, Word

ProgressFn = Callable[[float], None]


@dataclass(frozen=True, slots=True)
class RecognitionOptions:
    """Decoding settings. Defaults favour speed on a CPU with little loss for meeting speech."""

    beam_size: int = 5
    batch_size: int = 4  # chunks decoded together; more helps little on a 2-4 core CPU
    vad_min_silence_ms: int = 500
    use_glossary_as_prompt: bool = False


def recognize(
    model: Any,
    samples: Audio,
    glossary_terms: Sequence[str] = (),
    options: RecognitionOptions | None = None,
    progress: ProgressFn | None = None,
) -> list[Segment]:
    """Run recognition on 16 kHz samples; `progress` gets the fraction of audio done (0..1)."""
    options = options or RecognitionOptions()
    terms = [t for t in dict.fromkeys(t.strip() for t in glossary_terms) if t]
    # Joined as a Japanese list ending in 。: a prompt without punctuation makes Whisper write none either
    # (measured on the committee benchmark: 0 sentence marks with space-separated hotwords).
    hotwords = "、".join(terms) + "。" if terms else None
    prompt = "、".join(terms) + "。" if terms and options.use_glossary_as_prompt else None
    total = max(samples.size / SAMPLE_RATE, 1e-6)
    from faster_whisper import BatchedInferencePipeline

    segments_iter, _info = BatchedInferencePipeline(model).transcribe(
        samples,
        language="ja",
        task="transcribe",
        beam_size=options.beam_size,
        batch_size=options.batch_size,
        word_timestamps=True,
        vad_filter=True,
        vad_parameters={"min_silence_duration_ms": options.vad_min_silence_ms, "speech_pad_ms": 200},
        hotwords=hotwords,
        initial_prompt=prompt,
    )
    segments: list[Segment] = []
    for seg in segments_iter:
        words = tuple(
            Word(text=w.word, start=float(w.start), end=float(w.end), probability=float(w.probability))
            for w in (seg.words or [])
        )
        text = seg.text.strip()
        if text:
            segments.append(Segment(start=float(seg.start), end=float(seg.end), text=text, words=words))
        if progress is not None:
            progress(min(float(seg.end) / total, 1.0))
    if progress is not None:
        progress(1.0)
    return segments
