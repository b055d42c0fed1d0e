"""Minutes from a known transcript: labels, decisions, actions, times; DOCX and Markdown files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from kyodo.gijiroku.errors import GijirokuError
from kyodo.gijiroku.export import read_transcript, to_markdown, write_minutes, write_transcript
from kyodo.gijiroku.minutes import MeetingInfo, SpeakerName, build_minutes, clock, parse_speaker_names
from kyodo.gijiroku.transcript import Transcript, Utterance


def _transcript() -> Transcript:
    rows = [
        (0, 5.0, "ただいまから総務委員会を開会いたします。日程第一、防災訓練の実施計画を議題といたします。"),
        (1, 20.0, "事務局です。参加者は昨年より二割増える見込みです。"),
        (2, 40.0, "費用はどのくらいかかるんでしょうか。"),
        (1, 50.0, ""),  # a back-channel removed by cleaning
        (0, 60.0, "本件は原案のとおり承認することとします。防災課は十一月末までに結果を報告してください。"),
        (0, 80.0, "賛成の方の挙手を求めます。これをもって閉会いたします。"),
    ]
    utterances = [Utterance(s, t, t + 8.0, raw_text="えー、" + text, text=text) for s, t, text in rows]
    return Transcript(duration=100.0, utterances=utterances, speaker_count=3)


INFO = MeetingInfo(
    title="総務委員会",
    started_at=datetime(2026, 11, 28, 13, 30),
    place="第一委員会室",
    speakers=(
        SpeakerName("委員長", "山田太郎"),
        SpeakerName("事務局長", "佐藤花子"),
        SpeakerName("委員", "鈴木一郎"),
    ),
)


def test_speaker_names_are_read_from_the_command_line_form() -> None:
    assert parse_speaker_names("議長:山田太郎,事務局:佐藤花子、委員") == [
        SpeakerName("議長", "山田太郎"),
        SpeakerName("事務局", "佐藤花子"),
        SpeakerName("委員", ""),
    ]


def test_labels_follow_assembly_style() -> None:
    assert SpeakerName("議長", "山田太郎").label(0) == "議長(山田太郎君)"
    assert SpeakerName("", "山田太郎").label(0) == "山田太郎君"
    assert SpeakerName().label(2) == "発言者3"


def test_clock_times_are_written_as_in_minutes() -> None:
    assert clock(INFO, 5 * 60 + 30) == "午後1時35分"
    assert clock(MeetingInfo(), 125) == "録音開始から2分05秒"


def test_the_full_record_lists_every_statement_with_opening_and_closing_times() -> None:
    minutes = build_minutes(_transcript(), INFO, style="full")
    assert minutes.opened == "午後1時30分" and minutes.closed == "午後1時31分"
    assert [s.label for s in minutes.statements][:3] == [
        "委員長(山田太郎君)",
        "事務局長(佐藤花子君)",
        "委員(鈴木一郎君)",
    ]
    text = to_markdown(minutes)
    assert "○委員長(山田太郎君)\u3000ただいまから総務委員会を開会いたします。" in text
    assert "午後1時30分 開会" in text and "午後1時31分 閉会" in text
    assert "えー" not in text  # the cleaned wording, not the raw one


def test_decisions_and_actions_are_found_by_the_rules() -> None:
    minutes = build_minutes(_transcript(), INFO, style="summary")
    assert [d.text for d in minutes.decisions] == ["本件は原案のとおり承認することとします。"]
    assert len(minutes.actions) == 1
    action = minutes.actions[0]
    assert (action.deadline, action.owner) == ("十一月末", "防災課")
    assert minutes.agenda == ["日程第一、防災訓練の実施計画"]


def test_the_summary_has_every_section_of_a_youten_hikki() -> None:
    text = to_markdown(build_minutes(_transcript(), INFO, style="summary"))
    for heading in ("名称", "日時・場所", "出席者", "議題", "経過", "決定事項", "今後の対応"):
        assert f"## {heading}" in text
    assert "2026年11月28日(土) 第一委員会室" in text
    assert "期限: 十一月末 担当: 防災課" in text


@pytest.mark.parametrize("style", ["full", "summary"])
def test_docx_opens_and_holds_the_minutes(tmp_path: Path, style: str) -> None:
    from docx import Document

    path = write_minutes(build_minutes(_transcript(), INFO, style=style), tmp_path / "minutes.docx")
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "総務委員会" in text and "承認することとします" in text
    if style == "full":
        assert "○委員長(山田太郎君)" in text
    else:
        assert "決定事項" in text and "今後の対応" in text


def test_a_failed_write_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kyodo.gijiroku.export as export

    def broken(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(export, "to_docx", broken)
    with pytest.raises(OSError):
        write_minutes(build_minutes(_transcript(), INFO), tmp_path / "minutes.docx")
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_output_type_is_refused_in_japanese(tmp_path: Path) -> None:
    with pytest.raises(GijirokuError, match=r"\.docx"):
        write_minutes(build_minutes(_transcript(), INFO), tmp_path / "minutes.pdf")


def test_the_transcript_round_trips_with_raw_and_cleaned_text(tmp_path: Path) -> None:
    original = _transcript()
    back = read_transcript(write_transcript(original, tmp_path / "t.json"))
    assert [(u.raw_text, u.text) for u in back.utterances] == [
        (u.raw_text, u.text) for u in original.utterances
    ]


def test_an_unknown_style_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        build_minutes(_transcript(), INFO, style="poem")
