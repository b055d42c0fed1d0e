"""Synthetic meetings for tests, benchmarks and demos: known scripts spoken by Open JTalk.

Each line of a script has the words as spoken (with fillers, restarts, colloquial forms) and the
words as the minutes should read, written by hand, so that recognition and cleaning can both be
scored against a known truth. Voices differ in pitch and speed (pyopenjtalk-plus options) so that
diarization has a known answer too. Needs `pyopenjtalk-plus` (a development dependency, offline:
its wheel carries the dictionary and the voice).
"""

from __future__ import annotations

import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kyodo.gijiroku.audio import SAMPLE_RATE
from kyodo.gijiroku.transcript import SpeakerTurn

# (speaking rate, half-tone shift of pitch, formant scale) per speaker: chair, secretariat, member.
# The package has one voice (mei); scaling the spectrum by resampling changes the vocal tract
# length as well as the pitch, so the three voices differ in timbre, not only in pitch.
VOICES: tuple[tuple[float, float, float], ...] = ((1.0, -3.0, 1.0), (1.1, -6.0, 0.88), (0.95, 0.0, 1.08))
GLOSSARY_TERMS = ("江東区", "事務局", "総務委員会", "防災課", "地域振興課")


@dataclass(frozen=True, slots=True)
class Line:
    speaker: int
    spoken: str  # as said, fillers included
    clean: str  # as the minutes should read


@dataclass(frozen=True, slots=True)
class SyntheticMeeting:
    path: Path
    duration: float
    lines: tuple[Line, ...]
    turns: tuple[SpeakerTurn, ...]  # reference speaker turns (where each line is spoken)

    @property
    def spoken_text(self) -> str:
        return "".join(line.spoken for line in self.lines)

    @property
    def clean_text(self) -> str:
        return "".join(line.clean for line in self.lines)


SHORT_SCRIPT: tuple[Line, ...] = (
    Line(
        0,
        "えー、ただいまから江東区議会総務委員会を開会いたします。",
        "ただいまから江東区議会総務委員会を開会いたします。",
    ),
    Line(
        1,
        "あのー、事務局からですね、やっぱり防災訓練の日程についてご説明します。",
        "事務局から、やはり防災訓練の日程についてご説明します。",
    ),
    Line(
        0,
        "それでは、本件は原案のとおり承認することとします。事務局は来月末までに報告してください。",
        "それでは、本件は原案のとおり承認することとします。事務局は来月末までに報告してください。",
    ),
)

_TOPICS = (
    ("防災訓練の実施計画", "防災課", "十一月末", "参加者は昨年より二割増える見込みです"),
    ("公共施設の使用料の改定", "地域振興課", "来年三月", "近隣の区と比べて低い水準にあります"),
    ("子育て支援アプリの導入", "子育て支援課", "年度末", "利用者の意見を聞いて画面を改善しました"),
    ("区民まつりの開催報告", "地域振興課", "来月中旬", "来場者は約三万人でした"),
    ("窓口のキャッシュレス決済", "区民課", "十二月末", "手数料の負担が課題になっています"),
    ("職員研修の共同実施", "人事課", "二月末", "他の区と合同で開催する予定です"),
    ("ごみ収集日程の見直し", "清掃事務所", "来年一月", "祝日の収集を続けることにしました"),
    ("図書館の開館時間の延長", "教育委員会事務局", "四月", "平日は午後九時まで開館します"),
    ("河川敷の清掃活動", "土木課", "来月末", "ボランティアの方が百名集まりました"),
)


def meeting_script(topics: int = 9) -> tuple[Line, ...]:
    """A committee meeting with opening, `topics` agenda items (three speakers each) and closing."""
    lines = [
        Line(
            0,
            "えー、定刻となりましたので、ただいまから江東区議会総務委員会を開会いたします。",
            "定刻となりましたので、ただいまから江東区議会総務委員会を開会いたします。",
        )
    ]
    for number in range(topics):
        title, section, deadline, fact = _TOPICS[number % len(_TOPICS)]
        n = "一二三四五六七八九十"[number % 10]
        lines += [
            Line(
                0,
                f"日程第{n}、{title}を議題といたします。あのー、事務局から説明をお願いします。",
                f"日程第{n}、{title}を議題といたします。事務局から説明をお願いします。",
            ),
            Line(
                1,
                f"はい、事務局です。えー、{title}についてご説明いたします。まあ、{fact}。",
                f"事務局です。{title}についてご説明いたします。{fact}。",
            ),
            Line(
                1,
                f"そのー、詳しい資料は、やっぱりいろんな方に見ていただけるよう{section}で準備しています。",
                f"詳しい資料は、やはりいろいろな方に見ていただけるよう{section}で準備しています。",
            ),
            Line(
                2,
                "えっと、委員から一点質問します。費用はどのくらいかかるんでしょうか。",
                "委員から一点質問します。費用はどのくらいかかるんでしょうか。",
            ),
            Line(
                1,
                "あの、費用はですね、既存の予算の範囲内で対応できると考えていますけど、詳細は後日報告します。",
                "費用は、既存の予算の範囲内で対応できると考えていますけれども、詳細は後日報告します。",
            ),
            Line(
                0,
                f"ほかにご意見がなければ、本件は原案のとおり承認することとします。"
                f"{section}は{deadline}までに結果を報告してください。",
                f"ほかにご意見がなければ、本件は原案のとおり承認することとします。"
                f"{section}は{deadline}までに結果を報告してください。",
            ),
        ]
    lines.append(
        Line(
            0,
            "えー、以上で本日の日程はすべて終了しました。これをもって総務委員会を閉会いたします。",
            "以上で本日の日程はすべて終了しました。これをもって総務委員会を閉会いたします。",
        )
    )
    return tuple(lines)


# A committee of 江東区 with the proper nouns Whisper base gets wrong without the organisation's vocabulary:
# the council's name, towns (豊洲, 亀戸, 南砂, 東雲, 有明), a department, a committee, a programme, people.
COMMITTEE_TITLE = "江東区議会 子ども家庭支援委員会"
COMMITTEE_AGENDA = ("待機児童対策について", "南砂地区のまちづくりについて")
COMMITTEE_PEOPLE = ("委員長:山田太郎", "子ども未来部長:佐藤花子", "委員:鈴木一郎")
PROPER_NOUNS = ("江東区議会", "子ども家庭支援委員会", "豊洲", "亀戸", "南砂地区", "東雲", "有明", "都市整備部", "待機児童")


def committee_script(rounds: int = 1) -> tuple[Line, ...]:
    """A 江東区 committee meeting (about 2 minutes per round) rich in proper nouns; `rounds` repeats the agenda."""
    lines = [
        Line(0, "えー、ただいまから江東区議会子ども家庭支援委員会を開会いたします。",
             "ただいまから江東区議会子ども家庭支援委員会を開会いたします。"),
    ]
    for _ in range(rounds):
        lines += [
            Line(0, "日程第一、待機児童対策についてを議題といたします。子ども未来部長から説明をお願いします。",
                 "日程第一、待機児童対策についてを議題といたします。子ども未来部長から説明をお願いします。"),
            Line(1, "はい、子ども未来部長です。えー、豊洲と有明では保育所の定員を増やしました。"
                    "四月の待機児童は十二人になりました。",
                 "子ども未来部長です。豊洲と有明では保育所の定員を増やしました。四月の待機児童は十二人になりました。"),
            Line(2, "あのー、亀戸の保育所はどうなっていますか。東雲の学童クラブについても伺います。",
                 "亀戸の保育所はどうなっていますか。東雲の学童クラブについても伺います。"),
            Line(1, "亀戸では来年の四月に新しい保育所を開設します。東雲の学童クラブは定員を二十人増やします。",
                 "亀戸では来年の四月に新しい保育所を開設します。東雲の学童クラブは定員を二十人増やします。"),
            Line(0, "日程第二、南砂地区のまちづくりについてを議題といたします。",
                 "日程第二、南砂地区のまちづくりについてを議題といたします。"),
            Line(1, "南砂地区の再開発については、都市整備部と協議しています。えー、秋に説明会を開きます。",
                 "南砂地区の再開発については、都市整備部と協議しています。秋に説明会を開きます。"),
            Line(2, "南砂地区の説明会は、区民の意見をよく聞いてください。",
                 "南砂地区の説明会は、区民の意見をよく聞いてください。"),
            Line(0, "ほかにご意見がなければ、本件は了承することとします。",
                 "ほかにご意見がなければ、本件は了承することとします。"),
        ]
    lines.append(Line(0, "以上で子ども家庭支援委員会を閉会いたします。", "以上で子ども家庭支援委員会を閉会いたします。"))
    return tuple(lines)


def _speak(text: str, voice: tuple[float, float, float]) -> np.ndarray:
    import pyopenjtalk

    speed, half_tone, formant = voice
    # Resampling by `formant` also scales pitch and duration: pre-compensate both.
    pitch = half_tone - 12.0 * float(np.log2(formant))
    wave, rate = pyopenjtalk.tts(text, speed=speed / formant, half_tone=pitch)
    samples = np.asarray(wave, dtype=np.float64) / 32768.0
    if formant != 1.0:
        samples = np.interp(np.arange(0.0, samples.size - 1, formant), np.arange(samples.size), samples)
    # Open JTalk speaks at 48 kHz; 16 kHz is all recognition needs (simple 3:1 decimation after a box filter).
    if rate == 3 * SAMPLE_RATE:
        usable = samples[: samples.size - samples.size % 3]
        samples = usable.reshape(-1, 3).mean(axis=1)
    elif rate != SAMPLE_RATE:
        raise ValueError(f"unexpected Open JTalk sample rate {rate}")
    return samples


def synthesize(
    lines: Sequence[Line], path: str | Path, pause_s: float = 0.7, seed: int = 0
) -> SyntheticMeeting:
    """Speak a script into a 16 kHz WAV file with a little room noise; returns the known truth.

    Each distinct line is spoken once and the file is written piece by piece, so a two-hour session (a script
    repeated) takes seconds to make and little memory. The samples are those of speaking the whole script into one
    array: the gaps are drawn first and the noise after, in the same order.
    """
    rng = np.random.default_rng(seed)
    spoken: dict[tuple[str, int], np.ndarray] = {}
    for line in lines:
        key = (line.spoken, line.speaker % len(VOICES))
        if key not in spoken:
            spoken[key] = _speak(line.spoken, VOICES[key[1]])
    speech = [spoken[(line.spoken, line.speaker % len(VOICES))] for line in lines]
    gaps = [int((pause_s + float(rng.uniform(0.0, 0.4))) * SAMPLE_RATE) for _ in lines]
    turns: list[SpeakerTurn] = []
    cursor = 0.5
    for line, said, gap in zip(lines, speech, gaps, strict=True):
        turns.append(SpeakerTurn(cursor, cursor + said.size / SAMPLE_RATE, line.speaker))
        cursor += said.size / SAMPLE_RATE + gap / SAMPLE_RATE
    peak = max((float(np.max(np.abs(x))) for x in spoken.values() if x.size), default=0.0) or 1.0
    pieces = [np.zeros(int(0.5 * SAMPLE_RATE))]
    for said, gap in zip(speech, gaps, strict=True):
        pieces += [said, np.zeros(gap)]
    size = 0
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(SAMPLE_RATE)
        for piece in pieces:
            audio = 0.6 * piece / peak + rng.normal(0.0, 0.002, piece.size)
            handle.writeframes((np.clip(audio, -1.0, 1.0) * 32767).astype("<i2").tobytes())
            size += piece.size
    return SyntheticMeeting(Path(path), size / SAMPLE_RATE, tuple(lines), tuple(turns))
