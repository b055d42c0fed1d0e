"""`kyodo gijiroku …` from the command line: outputs on success, Japanese errors and no files on failure."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kyodo.cli import main
from kyodo.gijiroku.audio import write_wav
from kyodo.gijiroku.synthetic import SyntheticMeeting


def test_transcribe_writes_minutes_and_the_transcript(
    short_meeting: SyntheticMeeting, model_cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "minutes.md"
    code = main(
        [
            "gijiroku",
            "transcribe",
            str(short_meeting.path),
            "--speakers",
            "2",
            "--style",
            "full",
            "-o",
            str(out),
            "--names",
            "議長:山田太郎,事務局長:佐藤花子",
            "--start",
            "2026-11-28 10:00",
            "--title",
            "総務委員会",
            "--threads",
            "2",
            "--organisation",
            "131083",
        ]
    )
    assert code == 0, capsys.readouterr().err
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# 総務委員会") and "○議長(山田太郎君)" in text and "午前10時00分 開会" in text
    # 江東区's own name comes out right (高等区 without its vocabulary): heard right, or put back by its reading.
    assert "江東区議会総務" in text and "高等区" not in text
    data = json.loads((tmp_path / "minutes.transcript.json").read_text(encoding="utf-8"))
    assert all("raw_text" in u and "text" in u for u in data["utterances"])

    summary = tmp_path / "summary.docx"
    assert (
        main(
            [
                "gijiroku",
                "minutes",
                str(tmp_path / "minutes.transcript.json"),
                "--style",
                "summary",
                "-o",
                str(summary),
            ]
        )
        == 0
    )
    assert summary.stat().st_size > 0


def test_transcribe_refuses_silence_with_a_japanese_message_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    silent = tmp_path / "silent.wav"
    write_wav(silent, np.zeros(16_000 * 2))
    out = tmp_path / "minutes.docx"
    assert main(["gijiroku", "transcribe", str(silent), "-o", str(out)]) == 1
    assert "無音" in capsys.readouterr().err
    assert not out.exists() and not (tmp_path / "minutes.transcript.json").exists()


def test_transcribe_refuses_an_unknown_model_folder(
    short_meeting: SyntheticMeeting, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "minutes.docx"
    code = main(
        ["gijiroku", "transcribe", str(short_meeting.path), "-o", str(out), "--model", str(tmp_path / "x")]
    )
    assert code == 1 and "モデルのフォルダーが見つかりません" in capsys.readouterr().err
    assert not out.exists()


def test_transcribe_refuses_an_unknown_organisation(
    short_meeting: SyntheticMeeting, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["gijiroku", "transcribe", str(short_meeting.path), "-o", str(tmp_path / "m.md"),
                 "--organisation", "横浜市"])
    assert code == 1 and "組織「横浜市」が見つかりません" in capsys.readouterr().err
    assert not (tmp_path / "m.md").exists()


def test_transcribe_refuses_an_unknown_output_type_before_working(
    short_meeting: SyntheticMeeting, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["gijiroku", "transcribe", str(short_meeting.path), "-o", str(tmp_path / "m.pdf")]) == 1
    assert ".docx" in capsys.readouterr().err


def test_clean_shows_the_rules_it_applied(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gijiroku", "clean", "えー、やっぱり見れます。"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "やはり見られます。"
    assert "yappari" in out and "ra-nuki" in out


def test_model_command_checks_the_default_model(
    model_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["gijiroku", "model"]) == 0
    assert "確認しました" in capsys.readouterr().out


def test_synth_writes_a_recording_and_its_script(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wav, script = tmp_path / "m.wav", tmp_path / "s.json"
    assert main(["gijiroku", "synth", "-o", str(wav), "--topics", "1", "--script", str(script)]) == 0
    from kyodo.gijiroku.audio import load_audio

    assert load_audio(wav).size > 16_000 * 30
    lines = json.loads(script.read_text(encoding="utf-8"))["lines"]
    assert {line["speaker"] for line in lines} == {0, 1, 2}


def test_corrections_lists_what_the_correction_list_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kyodo.gijiroku.export import write_transcript
    from kyodo.gijiroku.transcript import AppliedCorrection, Transcript, Utterance

    utterance = Utterance(
        0, 65.0, 70.0, "高等区です。", "江東区です。", [AppliedCorrection("高等区", "江東区", 1)]
    )
    path = write_transcript(Transcript(80.0, [utterance], 1), tmp_path / "t.json")
    assert main(["gijiroku", "corrections", str(path)]) == 0
    assert "「高等区」→「江東区」 1件(録音の 1分05秒)" in capsys.readouterr().out
