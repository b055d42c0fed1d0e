"""The whole path from a recording to a cleaned, speaker-labelled transcript.

Steps (each reports progress as a share of the whole job):
1. Read and check the recording (audio.load_audio).
2. Find speech (Silero VAD); no speech at all is an error, not empty minutes.
3. Recognise Japanese speech with word timestamps (faster-whisper), in checkpointed chunks of about five
   minutes (a stopped run resumes); the vocabulary terms most relevant to the meeting, within Whisper's
   prompt budget, as hotwords.
4. Diarize the speech regions and give each word the speaker talking at that moment.
5. Group words into utterances, apply the correction list and reading-based correction (the whole
   vocabulary and the meeting's own terms), clean (ケバ取り・整文).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kyodo.gijiroku.audio import SAMPLE_RATE, Audio, detect_speech, load_audio
from kyodo.gijiroku.chunks import recognise_in_chunks
from kyodo.gijiroku.cleaning import RuleSet, clean_text, default_rules
from kyodo.gijiroku.diarize import diarize
from kyodo.gijiroku.errors import AudioError
from kyodo.gijiroku.glossary import Glossary, apply_corrections, vocabulary_terms
from kyodo.gijiroku.model import ModelLocation, load_whisper, resolve_model
from kyodo.gijiroku.reading import ReadingIndex, correct_by_reading
from kyodo.gijiroku.recognize import RecognitionOptions
from kyodo.gijiroku.sentences import build_utterances
from kyodo.gijiroku.transcript import Segment, SpeakerTurn, Transcript, Utterance
from kyodo.gijiroku.vocabulary import (
    PROMPT_TOKENS,
    MeetingContext,
    select_prompt_terms,
    whisper_token_counter,
)

Progress = Callable[[str, float], None]
# Share of the total run time each step takes on a CPU, measured on the benchmark's 10.7-minute session
# (wall seconds 1.0 / 3.1 / 187 / 10.1 / 0.2).
_WEIGHTS = {"読み込み": 0.005, "発話検出": 0.015, "音声認識": 0.925, "話者分離": 0.05, "整文": 0.005}
@dataclass(frozen=True, slots=True)
class PipelineOptions:
    speakers: int | None = None
    model: str | Path | None = None  # a CTranslate2 Whisper folder; None: KYODO_WHISPER_MODEL or the default
    model_dir: str | Path | None = None  # cache for the joined default model
    glossary: Glossary = field(default_factory=Glossary)
    meeting: MeetingContext = field(default_factory=MeetingContext)  # its title, agenda, people join the vocabulary
    reading_correction: bool = True
    prompt_tokens: int = PROMPT_TOKENS  # hotword budget: each token is decoded again for every clip and beam
    # Where finished recognition chunks are kept, so a stopped run resumes (kyodo.gijiroku.chunks); None: nowhere.
    checkpoint_dir: str | Path | None = None
    max_seconds: float | None = None
    cpu_threads: int = 0  # 0: CTranslate2 decides (all cores)
    compute_type: str = "int8"
    recognition: RecognitionOptions = field(default_factory=RecognitionOptions)
    rules: RuleSet | None = None


@dataclass(slots=True)
class StepTimes:
    seconds: dict[str, float] = field(default_factory=dict)  # wall clock per step
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds of this process per step, all threads
    resumed_chunks: int = 0  # recognition chunks read back from the checkpoint folder

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.seconds[name] = time.perf_counter() - wall
        self.cpu[name] = time.process_time() - cpu


class _Reporter:
    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.done = 0.0

    def step(self, name: str, fraction: float) -> None:
        if self.progress is not None:
            self.progress(name, min(1.0, self.done + _WEIGHTS[name] * fraction))

    def finish(self, name: str) -> None:
        self.done += _WEIGHTS[name]
        self.step(name, 0.0)


def assign_speakers(segments: Sequence[Segment], turns: Sequence[SpeakerTurn]) -> list[Utterance]:
    """Words → utterances cut between sentences at speaker changes and long pauses (kyodo.gijiroku.sentences)."""
    return build_utterances(segments, turns)


def renumber_speakers(utterances: Sequence[Utterance]) -> None:
    """Number speakers in the order they first say something that reaches the minutes.

    `--names` lists people in speaking order; a lone filler or back-channel before the chair's
    opening words must not take the chair's place in that order.
    """
    order: dict[int, int] = {}
    for u in sorted(utterances, key=lambda x: (not x.text, x.start)):
        order.setdefault(u.speaker, len(order))
    for u in utterances:
        u.speaker = order[u.speaker]


def clean_utterances(
    utterances: Sequence[Utterance],
    glossary: Glossary,
    rules: RuleSet | None = None,
    meeting: MeetingContext | None = None,
    reading_correction: bool = True,
) -> None:
    """Fill each utterance's cleaned text; raw_text is left exactly as recognised.

    The correction list goes first (staff's own decisions), then reading-based correction.
    """
    rules = rules or default_rules()
    index = ReadingIndex(vocabulary_terms(glossary, meeting)) if reading_correction else None
    for u in utterances:
        corrected, applied = apply_corrections(u.punctuated or u.raw_text, glossary)
        if index is not None:
            corrected, by_reading = correct_by_reading(corrected, index)
            applied += by_reading
        u.corrections = applied
        u.text = clean_text(corrected, rules).text


def prompt_terms(options: PipelineOptions, location: ModelLocation) -> list[str]:
    """The hotwords for this meeting: its most relevant vocabulary within Whisper's prompt budget."""
    terms = vocabulary_terms(options.glossary, options.meeting)
    if not terms:
        return []
    return select_prompt_terms(terms, options.meeting, options.prompt_tokens,
                               count_tokens=whisper_token_counter(location.path))


def transcribe_audio(
    samples: Audio,
    options: PipelineOptions | None = None,
    progress: Progress | None = None,
    times: StepTimes | None = None,
    model: object | None = None,
) -> Transcript:
    """Steps 2-5 on decoded 16 kHz samples. `model` may be a loaded WhisperModel to reuse."""
    options = options or PipelineOptions()
    report = _Reporter(progress)
    times = times if times is not None else StepTimes()
    report.finish("読み込み")

    with times.step("発話検出"):
        regions = detect_speech(samples)
    if not regions:
        raise AudioError("音声から発言を検出できませんでした(無音か、雑音だけの録音です)。")
    report.finish("発話検出")

    location = resolve_model(options.model, options.model_dir)
    with times.step("音声認識"):
        if model is None:
            model = load_whisper(location, cpu_threads=options.cpu_threads, compute_type=options.compute_type)
        segments, resumed = recognise_in_chunks(
            model,
            samples,
            regions,
            prompt_terms(options, location),
            options.recognition,
            model_name=location.name,
            checkpoint_dir=Path(options.checkpoint_dir) if options.checkpoint_dir else None,
            progress=lambda f: report.step("音声認識", f),
        )
    times.resumed_chunks = resumed
    report.finish("音声認識")

    with times.step("話者分離"):
        turns = diarize(samples, regions, speakers=options.speakers)
        utterances = assign_speakers(segments, turns)
    report.finish("話者分離")

    with times.step("整文"):
        clean_utterances(utterances, options.glossary, options.rules, options.meeting, options.reading_correction)
        renumber_speakers(utterances)
    report.finish("整文")
    speakers = len({u.speaker for u in utterances})
    return Transcript(
        duration=samples.size / SAMPLE_RATE,
        utterances=utterances,
        speaker_count=speakers,
        model_name=location.name,
    )


def transcribe_file(
    path: str | Path,
    options: PipelineOptions | None = None,
    progress: Progress | None = None,
    times: StepTimes | None = None,
) -> Transcript:
    """Steps 1-5 on a recording file (wav, mp3, m4a, mp4)."""
    options = options or PipelineOptions()
    times = times if times is not None else StepTimes()
    with times.step("読み込み"):
        samples = load_audio(path, max_seconds=options.max_seconds)
    return transcribe_audio(samples, options, progress, times)
