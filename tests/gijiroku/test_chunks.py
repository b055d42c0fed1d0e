"""Checkpointed recognition: a stopped run resumes from its finished chunks (no speech recognition needed)."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kyodo.gijiroku import chunks
from kyodo.gijiroku.audio import SAMPLE_RATE, SpeechRegion
from kyodo.gijiroku.recognize import RecognitionOptions
from kyodo.gijiroku.transcript import Segment, Word

REGIONS = [SpeechRegion(10.0 + 100 * i, 90.0 + 100 * i) for i in range(12)]  # twenty minutes of speech
SAMPLES = np.random.default_rng(0).normal(0, 0.1, 1200 * SAMPLE_RATE).astype(np.float32)


class Stop(Exception):
    pass


def fake_recognizer(calls: list[float], stop_after: int | None = None) -> Any:
    def recognise(model: Any, samples: Any, terms: Any, options: Any, progress: Any = None,
                  regions: Any = None) -> list[Segment]:
        if stop_after is not None and len(calls) == stop_after:
            raise Stop  # the worker is killed in the middle of this chunk
        calls.append(samples.size / SAMPLE_RATE)
        return [Segment(1.0, 2.0, f"発言{len(calls)}", (Word(f"発言{len(calls)}", 1.0, 2.0),))]

    return recognise


def test_chunks_end_in_pauses_and_cover_the_recording() -> None:
    plan = chunks.plan_chunks(REGIONS, 1200.0)
    assert plan[0][0] == 0.0 and plan[-1][1] == 1200.0
    assert all(a[1] == b[0] for a, b in pairwise(plan))
    assert [round(b) for _, b in plan[:-1]] == [400, 800]  # the middle of the pause after 300 s of audio
    assert not any(r.start < cut < r.end for _, cut in plan for r in REGIONS)


def test_a_stopped_run_resumes_where_it_was(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    first: list[float] = []
    monkeypatch.setattr(chunks, "recognize", fake_recognizer(first, stop_after=2))
    with pytest.raises(Stop):
        chunks.recognise_in_chunks(None, SAMPLES, REGIONS, ["江東区"], RecognitionOptions(), "m", tmp_path)
    assert len(first) == 2 and len(list(tmp_path.glob("chunk-*.json"))) == 2

    again: list[float] = []
    monkeypatch.setattr(chunks, "recognize", fake_recognizer(again))
    seen: list[float] = []
    segments, resumed = chunks.recognise_in_chunks(None, SAMPLES, REGIONS, ["江東区"], RecognitionOptions(), "m",
                                                   tmp_path, progress=seen.append)
    assert resumed == 2 and len(again) == 1  # only the unfinished chunk is recognised again
    assert [s.text for s in segments] == ["発言1", "発言2", "発言1"]
    assert [round(s.start) for s in segments] == [1, 401, 801]  # times are the recording's, not the chunk's
    assert seen[-1] == pytest.approx(1.0) and seen == sorted(seen)


def test_other_hotwords_do_not_reuse_old_chunks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[float] = []
    monkeypatch.setattr(chunks, "recognize", fake_recognizer(calls))
    chunks.recognise_in_chunks(None, SAMPLES, REGIONS, ["江東区"], RecognitionOptions(), "m", tmp_path)
    _, resumed = chunks.recognise_in_chunks(None, SAMPLES, REGIONS, ["大田区"], RecognitionOptions(), "m", tmp_path)
    assert resumed == 0 and len(calls) == 6
