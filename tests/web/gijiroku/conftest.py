"""Settings and recordings the gijiroku web tests share.

Recordings are made at test time with Open JTalk (kyodo.gijiroku.synthetic, offline). The joined default
model goes to a per-session folder so the tests never touch the user's ~/.cache.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kyodo.gijiroku.synthetic import SHORT_SCRIPT, SyntheticMeeting, synthesize

# Two lines, two voices: about ten seconds, a few seconds of Whisper base on two cores.
CLIP_LINES = SHORT_SCRIPT[1:]


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(autouse=True)
def _gijiroku_settings(settings, tmp_path, model_cache, monkeypatch):
    settings.GIJIROKU_MEDIA_DIR = str(tmp_path / "media")
    settings.GIJIROKU_MODEL_DIR = str(model_cache)
    settings.GIJIROKU_MODEL = None
    settings.GIJIROKU_CPU_THREADS = 2
    monkeypatch.delenv("KYODO_WHISPER_MODEL", raising=False)


@pytest.fixture(scope="session")
def clip(tmp_path_factory: pytest.TempPathFactory) -> SyntheticMeeting:
    return synthesize(CLIP_LINES, tmp_path_factory.mktemp("audio") / "kaigi.wav")


@pytest.fixture(scope="session")
def silent_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kyodo.gijiroku.audio import write_wav

    path = tmp_path_factory.mktemp("audio") / "silent.wav"
    write_wav(path, np.zeros(16_000 * 3))
    return path


def media_files(settings) -> list[Path]:  # type: ignore[no-untyped-def]
    root = Path(settings.GIJIROKU_MEDIA_DIR)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
