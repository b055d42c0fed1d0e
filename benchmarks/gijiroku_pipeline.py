"""Benchmark: the gijiroku pipeline on synthetic 江東区 committee meetings with proper nouns.

    uv run python benchmarks/gijiroku_pipeline.py [--rounds 1] [--threads 2] [--long-minutes 10]

The meeting is spoken by Open JTalk (pyopenjtalk-plus) in three voices from a known script
(kyodo.gijiroku.synthetic.committee_script: 江東区議会, 豊洲, 亀戸, 南砂地区, 東雲, 有明, 都市整備部, 待機児童 …), so
every figure has a known truth. Two configurations are compared on the same recording:
- "素のまま": no vocabulary, no reading-based correction, sentences restored (what a new organisation got before);
- "組織の語彙": the organisation's default vocabulary + the meeting's title, agenda and attendees, reading-based
  correction.
Figures: CER of recognition (against the script as spoken) and of the minutes text (against the hand-written
wording), proper nouns right, paragraphs of the full record that end mid-sentence, speaker accuracy (share of
speech time given to the right speaker, count given), real-time factor and peak memory.

`--long-minutes` then runs the whole pipeline on a longer session (the committee repeated) for the real-time
factor and peak memory of a long session; a two-hour session takes about as long again to run as its length
times the RTF, so on a shared two-core machine measure a shorter one and extrapolate (RTF is flat in length:
recognition is chunked; memory grows with the decoded audio, 4 bytes × 16,000 per second, plus the features).
Nothing is downloaded; audio is made in a temporary folder and deleted afterwards.
"""

from __future__ import annotations

import argparse
import re
import resource
import tempfile
import time
from pathlib import Path

import jiwer

from kyodo.gijiroku.audio import load_audio
from kyodo.gijiroku.diarize import diarization_accuracy
from kyodo.gijiroku.glossary import organisation_glossary
from kyodo.gijiroku.minutes import MeetingInfo, build_minutes
from kyodo.gijiroku.model import load_whisper, resolve_model
from kyodo.gijiroku.pipeline import PipelineOptions, StepTimes, transcribe_audio
from kyodo.gijiroku.synthetic import (
    COMMITTEE_AGENDA,
    COMMITTEE_PEOPLE,
    COMMITTEE_TITLE,
    PROPER_NOUNS,
    SyntheticMeeting,
    committee_script,
    synthesize,
)
from kyodo.gijiroku.transcript import SpeakerTurn, Transcript
from kyodo.gijiroku.vocabulary import MeetingContext


def normalise(text: str) -> str:
    return re.sub(r"[、。,.!?!?\s]", "", text)


def cer(reference: str, hypothesis: str) -> float:
    return float(jiwer.cer(normalise(reference), normalise(hypothesis)))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def context() -> MeetingContext:
    people = tuple(p for entry in COMMITTEE_PEOPLE for p in entry.split(":"))
    return MeetingContext(COMMITTEE_TITLE, COMMITTEE_AGENDA, people)


def options(vocabulary: bool, threads: int) -> PipelineOptions:
    if not vocabulary:
        return PipelineOptions(speakers=3, cpu_threads=threads, reading_correction=False)
    return PipelineOptions(speakers=3, cpu_threads=threads, glossary=organisation_glossary("江東区"),
                           meeting=context(), reading_correction=True)


def score(meeting: SyntheticMeeting, transcript: Transcript) -> dict[str, str]:
    minutes = build_minutes(transcript, MeetingInfo(), "full")
    mid = sum(1 for s in minutes.statements if not re.search(r"[。?!?!]$", s.text))
    said = meeting.spoken_text
    right = sum(min(transcript.cleaned_text.count(n), said.count(n)) for n in PROPER_NOUNS)
    hyp = [SpeakerTurn(u.start, u.end, u.speaker) for u in transcript.utterances]
    return {
        "CER 認識(話し言葉と比べて)": f"{cer(said, transcript.raw_text):.3f}",
        "CER 会議録の文面": f"{cer(meeting.clean_text, transcript.cleaned_text):.3f}",
        "固有名詞が正しい": f"{right}/{sum(said.count(n) for n in PROPER_NOUNS)}",
        "文の途中で終わる段落": f"{mid}/{len(minutes.statements)}",
        "話者の正解率": f"{diarization_accuracy(meeting.turns, hyp):.3f}",
    }


def run(meeting: SyntheticMeeting, opts: PipelineOptions, model: object) -> tuple[Transcript, StepTimes, float]:
    clock = time.perf_counter()
    times = StepTimes()
    transcript = transcribe_audio(load_audio(meeting.path), opts, times=times, model=model)
    return transcript, times, time.perf_counter() - clock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=1, help="agenda rounds in the committee meeting (~75 s each)")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads for recognition")
    parser.add_argument("--long-minutes", type=float, default=0.0, help="also time a session of about this length")
    args = parser.parse_args()
    model = load_whisper(resolve_model(), cpu_threads=args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        meeting = synthesize(committee_script(args.rounds), Path(tmp) / "committee.wav")
        print(f"合成の委員会: {meeting.duration / 60:.1f}分、{len(meeting.lines)}発言、話者3人")
        for name, vocabulary in (("素のまま", False), ("組織の語彙", True)):
            transcript, times, wall = run(meeting, options(vocabulary, args.threads), model)
            print(f"\n[{name}] RTF {wall / meeting.duration:.3f}({wall:.1f}秒)")
            for key, value in score(meeting, transcript).items():
                print(f"  {key}: {value}")
            print("  工程: " + "、".join(f"{k} {v:.1f}秒" for k, v in times.seconds.items()))
        if args.long_minutes:
            rounds = max(1, round(args.long_minutes * 60 / (meeting.duration / args.rounds)))
            long = synthesize(committee_script(rounds), Path(tmp) / "long.wav", seed=1)
            before = peak_mb()
            transcript, times, wall = run(long, options(True, args.threads), model)
            print(f"\n[長い会議 {long.duration / 60:.1f}分] RTF {wall / long.duration:.3f}({wall:.0f}秒)、"
                  f"最大メモリ {peak_mb():.0f}MB(この実行の前 {before:.0f}MB)、話者の正解率 "
                  f"{score(long, transcript)['話者の正解率']}")
            print("  工程: " + "、".join(f"{k} {v:.1f}秒" for k, v in times.seconds.items()))
            print(f"  2時間の会議の見込み: 約{wall / long.duration * 120:.0f}分(RTF は長さによらずほぼ一定)")


if __name__ == "__main__":
    main()
