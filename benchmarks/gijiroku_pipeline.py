"""Benchmark: the gijiroku pipeline on synthetic 江東区 committee meetings with proper nouns.

    uv run python benchmarks/gijiroku_pipeline.py [--rounds 1] [--threads 2] [--beam 5] [--long-minutes 10] [--long-only]

The meeting is spoken by Open JTalk (pyopenjtalk-plus) in three voices from a known script
(kyodo.gijiroku.synthetic.committee_script: 江東区議会, 豊洲, 亀戸, 南砂地区, 東雲, 有明, 都市整備部, 待機児童 …), so
every figure has a known truth. Two configurations are compared on the same recording:
- "素のまま": no vocabulary, no reading-based correction, sentences restored (what a new organisation got before);
- "組織の語彙": the organisation's default vocabulary + the meeting's title, agenda and attendees, reading-based
  correction.
Figures: CER of recognition (against the script as spoken) and of the minutes text (against the hand-written
wording), proper nouns right, paragraphs of the full record that end mid-sentence, speaker accuracy (share of
speech time given to the right speaker, count given), real-time factor and peak memory.

Time is printed per step as wall clock and as CPU seconds of the process (all threads) per second of audio,
with the load average: on a machine shared with others the wall clock says how busy it was, the CPU seconds
what the pipeline itself costs (at most 2 CPU seconds per wall second on two cores).

`--long-minutes` then runs the whole pipeline on a longer session (the committee repeated; each distinct line is
spoken once and the file written piece by piece, so making it needs little memory) for the real-time factor and
peak memory of a long session; `--long-only` skips the short comparison, so that the peak resident memory
printed is the long run's alone. Nothing is downloaded; audio is made in a temporary folder and deleted
afterwards.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import tempfile
import time
from pathlib import Path

import jiwer

from kyodo.gijiroku.diarize import diarization_accuracy
from kyodo.gijiroku.glossary import organisation_glossary
from kyodo.gijiroku.minutes import MeetingInfo, build_minutes
from kyodo.gijiroku.model import load_whisper, resolve_model
from kyodo.gijiroku.pipeline import PipelineOptions, StepTimes, transcribe_file
from kyodo.gijiroku.recognize import RecognitionOptions
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


def options(vocabulary: bool, threads: int, recognition: RecognitionOptions | None = None) -> PipelineOptions:
    recognition = recognition or RecognitionOptions()
    if not vocabulary:
        return PipelineOptions(speakers=3, cpu_threads=threads, reading_correction=False, recognition=recognition)
    return PipelineOptions(speakers=3, cpu_threads=threads, glossary=organisation_glossary("江東区"),
                           meeting=context(), reading_correction=True, recognition=recognition)


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
    transcript = transcribe_file(meeting.path, opts, times=times) if model is None else _run_loaded(meeting, opts,
                                                                                                    times, model)
    return transcript, times, time.perf_counter() - clock


def _run_loaded(meeting: SyntheticMeeting, opts: PipelineOptions, times: StepTimes, model: object) -> Transcript:
    from kyodo.gijiroku.audio import load_audio
    from kyodo.gijiroku.pipeline import transcribe_audio

    with times.step("読み込み"):
        samples = load_audio(meeting.path)
    return transcribe_audio(samples, opts, times=times, model=model)


def report_times(times: StepTimes, wall: float, duration: float, load: float) -> None:
    cpu = sum(times.cpu.values())
    print(f"  RTF {wall / duration:.3f}(壁時計 {wall:.1f}秒)、CPU {cpu / duration:.3f}秒/音声1秒"
          f"(CPU {cpu:.1f}秒)、ロードアベレージ {load:.2f} → {os.getloadavg()[0]:.2f}")
    print("  工程(壁時計 / CPU 秒): " + "、".join(
        f"{k} {v:.1f}/{times.cpu.get(k, 0.0):.1f}" for k, v in times.seconds.items()))


def compare(args: argparse.Namespace, recognition: RecognitionOptions, model: object, folder: Path) -> SyntheticMeeting:
    meeting = synthesize(committee_script(args.rounds), folder / "committee.wav")
    print(f"合成の委員会: {meeting.duration / 60:.1f}分、{len(meeting.lines)}発言、話者3人")
    for name, vocabulary in (("素のまま", False), ("組織の語彙", True)):
        load = os.getloadavg()[0]
        transcript, times, wall = run(meeting, options(vocabulary, args.threads, recognition), model)
        print(f"\n[{name}]")
        for key, value in score(meeting, transcript).items():
            print(f"  {key}: {value}")
        report_times(times, wall, meeting.duration, load)
    return meeting


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=1, help="agenda rounds in the committee meeting (~60 s each)")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads for recognition")
    parser.add_argument("--beam", type=int, default=RecognitionOptions().beam_size, help="beam size of decoding")
    parser.add_argument("--long-minutes", type=float, default=0.0, help="also time a session of about this length")
    parser.add_argument("--long-only", action="store_true", help="only the long session (its own peak memory)")
    args = parser.parse_args()
    recognition = RecognitionOptions(beam_size=args.beam)
    model = None if args.long_only else load_whisper(resolve_model(), cpu_threads=args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        if not args.long_only:
            compare(args, recognition, model, Path(tmp))
        if args.long_minutes:
            round_s = 60.0  # one agenda round of committee_script (1 round: 78 s, 2 rounds: 138 s)
            rounds = max(1, round(args.long_minutes * 60 / round_s))
            long = synthesize(committee_script(rounds), Path(tmp) / "long.wav", seed=1)
            before, load = peak_mb(), os.getloadavg()[0]
            transcript, times, wall = run(long, options(True, args.threads, recognition), model)
            print(f"\n[長い会議 {long.duration / 60:.1f}分] 最大メモリ {peak_mb():.0f}MB(音声を作った後 {before:.0f}MB)、"
                  f"話者の正解率 {score(long, transcript)['話者の正解率']}")
            report_times(times, wall, long.duration, load)


if __name__ == "__main__":
    main()
