"""Errors a clerk reads. Every message is Japanese and says what to do next where it can."""

from __future__ import annotations


class GijirokuError(Exception):
    """Input, settings or a model that the minutes pipeline cannot use."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class AudioError(GijirokuError):
    """The recording cannot be used: missing, empty, not audio, silent or too long."""


class ModelError(GijirokuError):
    """The speech recognition model is missing, incomplete or corrupted."""


class RuleFileError(GijirokuError):
    """A rule dictionary, glossary or correction list is malformed."""
