"""Benchmark: the whole gijiroku pipeline on a synthetic 10-minute committee meeting.

    uv run python benchmarks/gijiroku_pipeline.py [--minutes 10] [--threads 2]

The meeting is spoken by Open JTalk (pyopenjtalk-plus) in three voices from a known script, with
fillers, so every figure has a known truth:
- real-time factor (pipeline wall time ÷ recording length; target ≤ 0.5 with Whisper base int8),
  and time per step;
- CER of recognition against the script as spoken;
- CER against the hand-written minutes wording, before and after cleaning (ケバ取り・整文);
- CER with and without the glossary as hotwords;
- diarization accuracy (speaker given, and speaker count found) and speech coverage.
Nothing is downloaded; the audio is made in a temporary folder and deleted afterwards.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

import jiwer

from kyodo.gijiroku.audio import detect_speech, load_audio
from kyodo.gijiroku.diarize import diarization_accuracy, diarize, speech_coverage
from kyodo.gijiroku.glossary import Glossary
from kyodo.gijiroku.model import load_whisper, resolve_model
from kyodo.gijiroku.pipeline import PipelineOptions, StepTimes, transcribe_audio
from kyodo.gijiroku.synthetic import GLOSSARY_TERMS, meeting_script, synthesize
from kyodo.gijiroku.transcript import SpeakerTurn, Transcript


def normalise(text: str) -> str:
    return re.sub(r"[、。,.!?!?\s]", "", text)


def cer(reference: str, hypothesis: str) -> float:
    return float(jiwer.cer(normalise(reference), normalise(hypothesis)))


def hypothesis_turns(transcript: Transcript) -> list[SpeakerTurn]:
    return [SpeakerTurn(u.start, u.end, u.speaker) for u in transcript.utterances]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the synthetic meeting")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads for recognition")
    parser.add_argument(
        "--skip-plain", action="store_true", help="skip the run without glossary (halves the time)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        probe = synthesize(meeting_script(1), Path(tmp) / "probe.wav")
        # Speaking time follows the script's length: the smallest meeting that reaches the target.
        chars = len(probe.spoken_text)
        topics = 1
        while (
            probe.duration * len("".join(x.spoken for x in meeting_script(topics))) / chars
            < args.minutes * 60
        ):
            topics += 1
        meeting = synthesize(meeting_script(topics), Path(tmp) / "meeting.wav")
        print(
            f"合成会議: {meeting.duration / 60:.1f}分、{len(meeting.lines)}発言、話者3人、議題{topics}件"
            f"(音声合成 {time.perf_counter() - started:.0f}秒、計測に含めない)"
        )

        location = resolve_model()
        runs: dict[str, tuple[Transcript, StepTimes, float]] = {}
        for name, glossary in (("用語集あり", Glossary(terms=GLOSSARY_TERMS)), ("用語集なし", Glossary())):
            if name == "用語集なし" and args.skip_plain:
                continue
            clock = time.perf_counter()
            # Everything a user waits for: decoding the file, loading the model, all five steps.
            samples = load_audio(meeting.path)
            model = load_whisper(location, cpu_threads=args.threads)
            times = StepTimes()
            transcript = transcribe_audio(
                samples,
                PipelineOptions(speakers=3, glossary=glossary, cpu_threads=args.threads),
                times=times,
                model=model,
            )
            runs[name] = (transcript, times, time.perf_counter() - clock)

        transcript, times, wall = runs["用語集あり"]
        print(
            f"\n実時間係数 RTF(全工程、{args.threads}スレッド、Whisper base int8): {wall / meeting.duration:.3f}"
            f"({wall:.1f}秒 / {meeting.duration:.1f}秒、目標 0.5 以下)"
        )
        for step, seconds in times.seconds.items():
            print(f"  {step}: {seconds:.1f}秒")

        print("\n文字誤り率 CER")
        print(f"  認識(台本の話し言葉どおりと比べて): {cer(meeting.spoken_text, transcript.raw_text):.3f}")
        print(
            f"  会議録の文面と比べて 整文前: {cer(meeting.clean_text, transcript.raw_text):.3f}"
            f" → 整文後: {cer(meeting.clean_text, transcript.cleaned_text):.3f}"
        )
        if "用語集なし" in runs:
            plain = runs["用語集なし"][0]
            print(
                f"  用語集(ホットワード{len(GLOSSARY_TERMS)}語) なし: {cer(meeting.spoken_text, plain.raw_text):.3f}"
                f" → あり: {cer(meeting.spoken_text, transcript.raw_text):.3f}"
            )
            for term in GLOSSARY_TERMS:
                said = meeting.spoken_text.count(term)
                print(
                    f"    「{term}」 台本 {said}回 / 認識 なし {plain.raw_text.count(term)}回"
                    f" あり {transcript.raw_text.count(term)}回"
                )

        samples = load_audio(meeting.path)
        regions = detect_speech(samples)
        found = diarize(samples, regions)
        print("\n話者分離(発言時間のうち正しい話者に割り当てた割合)")
        print(
            f"  人数を指定(3人)、単語ごとの割当て: {diarization_accuracy(meeting.turns, hypothesis_turns(transcript)):.3f}"
            f"(発言の被覆率 {speech_coverage(meeting.turns, hypothesis_turns(transcript)):.3f})"
        )
        given = diarize(samples, regions, speakers=3)
        print(f"  人数を指定(3人)、発話区間: {diarization_accuracy(meeting.turns, given):.3f}")
        print(
            f"  人数を推定: {len({t.speaker for t in found})}人と推定、正解率 {diarization_accuracy(meeting.turns, found):.3f}"
        )


if __name__ == "__main__":
    main()
