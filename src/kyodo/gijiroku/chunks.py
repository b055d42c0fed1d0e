"""Recognition of a long session in checkpointed chunks, so that a stopped worker resumes where it was.

Councils record sessions of three to six hours. Recognition is most of the work, so the recording is cut into
chunks of about CHUNK_S seconds of audio, each ending in a pause between speech regions (never inside a word),
and each chunk's recognised segments are written to the checkpoint folder as soon as the chunk is done. A
later run with the same folder, the same recording, model, hotwords and settings reads the finished chunks back
and recognises only the rest. Anything else that differs (a new vocabulary, another model) gives other keys,
so an old chunk is never reused by mistake.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict
from itertools import pairwise
from pathlib import Path
from typing import Any

from kyodo.gijiroku.audio import SAMPLE_RATE, Audio, SpeechRegion
from kyodo.gijiroku.recognize import RecognitionOptions, recognize
from kyodo.gijiroku.transcript import Segment, Word

CHUNK_S = 300.0


def plan_chunks(regions: Sequence[SpeechRegion], duration: float, target: float = CHUNK_S) -> list[tuple[float, float]]:
    """Chunk bounds (seconds) covering the recording, each cut in the middle of a pause after `target` seconds."""
    bounds: list[tuple[float, float]] = []
    start = 0.0
    for here, after in pairwise(regions):
        if here.end - start >= target:
            cut = (here.end + after.start) / 2
            bounds.append((start, cut))
            start = cut
    bounds.append((start, duration))
    return bounds


def chunk_key(samples: Audio, bounds: tuple[float, float], terms: Sequence[str], model_name: str,
              options: RecognitionOptions) -> str:
    """What a chunk's result depends on: its audio, the model, the hotwords and the decoding settings."""
    a, b = int(bounds[0] * SAMPLE_RATE), int(bounds[1] * SAMPLE_RATE)
    digest = hashlib.sha256(samples[a:b].tobytes())
    digest.update(json.dumps([model_name, list(terms), asdict(options), bounds]).encode())
    return digest.hexdigest()[:32]


def _write_json(path: Path, data: Any) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".chunk-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False)
        os.replace(tmp, path)  # a chunk half written when the worker stops never looks finished
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _to_json(segments: Sequence[Segment]) -> list[dict[str, Any]]:
    return [{"start": s.start, "end": s.end, "text": s.text,
             "words": [[w.text, w.start, w.end, w.probability] for w in s.words]} for s in segments]


def _from_json(data: list[dict[str, Any]]) -> list[Segment]:
    return [Segment(float(s["start"]), float(s["end"]), str(s["text"]),
                    tuple(Word(str(t), float(a), float(b), float(p)) for t, a, b, p in s["words"])) for s in data]


def _shift(segments: Sequence[Segment], offset: float) -> list[Segment]:
    return [Segment(s.start + offset, s.end + offset, s.text,
                    tuple(Word(w.text, w.start + offset, w.end + offset, w.probability) for w in s.words))
            for s in segments]


def _within(progress: Callable[[float], None] | None, bounds: tuple[float, float],
            duration: float) -> Callable[[float], None] | None:
    """A chunk's own progress (0..1) as progress over the whole recording."""
    if progress is None:
        return None
    report = progress
    first, share = bounds[0] / max(duration, 1e-6), (bounds[1] - bounds[0]) / max(duration, 1e-6)
    return lambda fraction: report(first + share * fraction)


def _regions_within(regions: Sequence[SpeechRegion], bounds: tuple[float, float]) -> list[SpeechRegion]:
    """The speech regions of one chunk, in the chunk's own time (chunks are cut in pauses, so none is split)."""
    first, last = bounds
    return [SpeechRegion(max(r.start, first) - first, min(r.end, last) - first)
            for r in regions if r.end > first and r.start < last]


def recognise_in_chunks(
    model: Any,
    samples: Audio,
    regions: Sequence[SpeechRegion],
    terms: Sequence[str],
    options: RecognitionOptions,
    model_name: str = "",
    checkpoint_dir: Path | None = None,
    progress: Callable[[float], None] | None = None,
) -> tuple[list[Segment], int]:
    """Segments of the whole recording, and how many chunks were read back from the checkpoint folder."""
    duration = samples.size / SAMPLE_RATE
    plan = plan_chunks(regions, duration)
    if checkpoint_dir is not None:
        checkpoint_dir.mkdir(parents=True, exist_ok=True)
    segments: list[Segment] = []
    resumed = 0
    for number, bounds in enumerate(plan):
        path = None
        if checkpoint_dir is not None:
            path = checkpoint_dir / f"chunk-{number:04d}-{chunk_key(samples, bounds, terms, model_name, options)}.json"
        if path is not None and path.is_file():
            segments += _from_json(json.loads(path.read_text(encoding="utf-8")))
            resumed += 1
        else:
            a, b = int(bounds[0] * SAMPLE_RATE), int(bounds[1] * SAMPLE_RATE)
            found = _shift(recognize(model, samples[a:b], terms, options, progress=_within(progress, bounds, duration),
                                     regions=_regions_within(regions, bounds)), bounds[0])
            if path is not None:
                _write_json(path, _to_json(found))
            segments += found
        if progress is not None:
            progress(bounds[1] / max(duration, 1e-6))
    return segments, resumed
