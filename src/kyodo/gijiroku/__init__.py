"""gijiroku — meeting minutes from a recording, offline, on a CPU (会議録作成支援).

Audio → voice activity detection → Japanese speech recognition (faster-whisper) → speaker
diarization → cleaning (ケバ取り・整文) → minutes (full record and 要点筆記) → DOCX/Markdown.
Plain Python: no Django import anywhere in this package. Heavy libraries (faster-whisper,
SudachiPy, python-docx) are imported inside the functions that need them.
"""

from kyodo.gijiroku.errors import AudioError, GijirokuError, ModelError, RuleFileError

__all__ = ["AudioError", "GijirokuError", "ModelError", "RuleFileError"]
