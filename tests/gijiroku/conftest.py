"""Shared fixtures: synthetic recordings made at test time (never committed) and one loaded model.

Audio comes from Open JTalk (pyopenjtalk-plus, offline). Each recording and the model are made
once per test session; the joined default model goes to a per-session cache folder so the tests
never touch the user's ~/.cache.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kyodo.gijiroku.synthetic import SHORT_SCRIPT, Line, SyntheticMeeting, synthesize
from kyodo.gijiroku.transcript import Transcript

GLOSSARY_LINES = (
    Line(0, "江東区の事務局から総務委員会に報告があります。", ""),
    Line(0, "防災課と事務局は江東区役所で協議しました。", ""),
)
GLOSSARY_TERMS = ("江東区", "事務局", "総務委員会", "防災課", "江東区役所")


def normalise(text: str) -> str:
    """Text compared for CER: punctuation and spaces removed (they are not what was said)."""
    return re.sub(r"[、。,.!?!?\s]", "", text)


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("models")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KYODO_MODEL_DIR", str(folder))
        mp.delenv("KYODO_WHISPER_MODEL", raising=False)
        yield folder


@pytest.fixture(scope="session")
def whisper(model_cache: Path) -> Any:
    from kyodo.gijiroku.model import load_whisper, resolve_model

    return load_whisper(resolve_model(model_dir=model_cache), cpu_threads=2)


@pytest.fixture(scope="session")
def short_meeting(tmp_path_factory: pytest.TempPathFactory) -> SyntheticMeeting:
    return synthesize(SHORT_SCRIPT, tmp_path_factory.mktemp("audio") / "short.wav")


@pytest.fixture(scope="session")
def glossary_recording(tmp_path_factory: pytest.TempPathFactory) -> SyntheticMeeting:
    return synthesize(GLOSSARY_LINES, tmp_path_factory.mktemp("audio") / "glossary.wav")


@pytest.fixture(scope="session")
def short_transcript(short_meeting: SyntheticMeeting, whisper: Any, model_cache: Path) -> Transcript:
    from kyodo.gijiroku.audio import load_audio
    from kyodo.gijiroku.pipeline import PipelineOptions, transcribe_audio

    samples = load_audio(short_meeting.path)
    return transcribe_audio(samples, PipelineOptions(speakers=2, model_dir=model_cache), model=whisper)
