"""Plain data passed between the pipeline's steps. Times are seconds from the start of the recording."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word (Whisper token group) with its timestamps."""

    text: str
    start: float
    end: float
    probability: float = 1.0


@dataclass(frozen=True, slots=True)
class Segment:
    """One recognised segment as the recogniser returns it, before speakers are known."""

    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()


@dataclass(frozen=True, slots=True)
class SpeakerTurn:
    """A stretch of time the diarizer gives to one speaker (0-based speaker index)."""

    start: float
    end: float
    speaker: int


@dataclass(frozen=True, slots=True)
class AppliedCorrection:
    """A correction that changed an utterance, kept so a person can review it.

    `source`: "list" for the organisation's correction list, "reading" for reading-based correction
    (kyodo.gijiroku.reading), "replace" for a find-and-replace by staff.
    """

    wrong: str
    right: str
    count: int
    source: str = "list"


@dataclass(slots=True)
class Utterance:
    """What one speaker said without interruption.

    `raw_text` is exactly what the recogniser heard and is never changed; `text` is the cleaned
    wording that goes into the minutes (empty when the whole utterance was a back-channel).
    """

    speaker: int
    start: float
    end: float
    raw_text: str
    text: str = ""
    corrections: list[AppliedCorrection] = field(default_factory=list)
    punctuated: str = ""  # raw_text with the 。 and 、 restored from pauses and sentence-final forms

    def to_dict(self) -> dict[str, Any]:
        return {
            "speaker": self.speaker,
            "start": round(self.start, 2),
            "end": round(self.end, 2),
            "raw_text": self.raw_text,
            "punctuated": self.punctuated,
            "text": self.text,
            "corrections": [
                {"wrong": c.wrong, "right": c.right, "count": c.count, "source": c.source} for c in self.corrections
            ],
        }


@dataclass(slots=True)
class Transcript:
    """The whole meeting: utterances in time order, with the recording's length."""

    duration: float
    utterances: list[Utterance]
    speaker_count: int
    model_name: str = ""

    @property
    def raw_text(self) -> str:
        return "".join(u.raw_text for u in self.utterances)

    @property
    def cleaned_text(self) -> str:
        return "".join(u.text for u in self.utterances)

    def to_dict(self) -> dict[str, Any]:
        return {
            "duration": round(self.duration, 2),
            "speaker_count": self.speaker_count,
            "model": self.model_name,
            "utterances": [u.to_dict() for u in self.utterances],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Transcript:
        utterances = [
            Utterance(
                speaker=int(u["speaker"]),
                start=float(u["start"]),
                end=float(u["end"]),
                raw_text=str(u["raw_text"]),
                text=str(u.get("text", "")),
                punctuated=str(u.get("punctuated", "")),
                corrections=[
                    AppliedCorrection(
                        str(c["wrong"]), str(c["right"]), int(c["count"]), str(c.get("source", "list"))
                    )
                    for c in u.get("corrections", [])
                ],
            )
            for u in data["utterances"]
        ]
        return cls(
            duration=float(data["duration"]),
            utterances=utterances,
            speaker_count=int(data["speaker_count"]),
            model_name=str(data.get("model", "")),
        )
