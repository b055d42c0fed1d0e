"""gijiroku — meeting minutes from a recording, offline, on a CPU (会議録作成支援).

Audio → voice activity detection → Japanese speech recognition (faster-whisper) → speaker
diarization → cleaning (ケバ取り・整文) → minutes (full record and 要点筆記) → DOCX/Markdown.
Plain Python: no Django import anywhere in this package. Heavy libraries (faster-whisper,
SudachiPy, python-docx) are imported inside the functions that need them.

Use from other code (the web app, a notebook):

    from kyodo.gijiroku.pipeline import PipelineOptions, transcribe_file
    from kyodo.gijiroku.minutes import MeetingInfo, build_minutes
    from kyodo.gijiroku.export import write_minutes, write_transcript

    transcript = transcribe_file("meeting.m4a", PipelineOptions(speakers=3), progress=lambda step, done: ...)
    write_transcript(transcript, "meeting.transcript.json")   # raw and cleaned text side by side
    write_minutes(build_minutes(transcript, MeetingInfo(title="総務委員会"), style="summary"), "minutes.docx")

Every failure a user can cause raises `GijirokuError` (or a subclass) with a Japanese message.
"""

from kyodo.gijiroku.errors import AudioError, GijirokuError, ModelError, RuleFileError

__all__ = ["AudioError", "GijirokuError", "ModelError", "RuleFileError"]
