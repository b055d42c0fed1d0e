"""Voice embeddings from the GE2E speaker encoder, run with numpy alone.

The weights are the pretrained GE2E encoder (Wan et al. 2018, "Generalized end-to-end loss for speaker
verification") that ships inside the `Resemblyzer` wheel on PyPI (`resemblyzer/pretrained.pt`, Apache-2.0).
Resemblyzer's own code needs torch; Kyodo only reads the file. pyproject.toml replaces Resemblyzer's declared
dependencies by numpy (`[[tool.uv.dependency-metadata]]`), so installing it pulls neither torch nor librosa.

The file is PyTorch's legacy serialisation: a few pickles (magic number, protocol, system info, the state
dict whose tensors point at storages by key, the list of storage keys) followed by each storage's raw bytes
(an int64 element count, then the elements). `load_state_dict` reads it with a restricted unpickler that
accepts only the few globals such a file names (OrderedDict, tensor rebuild, storage types), so a tampered
file cannot run code; the file's sha256 is checked first as well.

The model: 40 mel bands (25 ms window, 10 ms hop, power spectrum, no log) → 3-layer LSTM (256) → linear 256
→ ReLU → unit length. An utterance is embedded as the mean of partial embeddings over 160-frame (1.6 s)
windows taken every 77 frames, as Resemblyzer does.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import pickle
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import numpy.typing as npt

from kyodo.gijiroku.errors import ModelError

FloatArray = npt.NDArray[np.float32]
# sha256 of resemblyzer/pretrained.pt in Resemblyzer 0.1.4 (the version pinned in pyproject.toml).
WEIGHTS_SHA256 = "39373b86598fa3da9fcddee6142382efe09777e8d37dc9c0561f41f0070f134e"
SAMPLE_RATE = 16_000
N_FFT = 400
HOP = 160
N_MELS = 40
PARTIAL_FRAMES = 160
PARTIAL_STEP = 77  # round(16000 / 1.3 / 160): Resemblyzer's 1.3 partials per second
TARGET_DBFS = -30.0
BATCH = 128
_STORAGE_DTYPES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
}


@dataclass(frozen=True, slots=True)
class _StorageRef:
    key: str
    dtype: Any
    numel: int


@dataclass(frozen=True, slots=True)
class _TensorRef:
    storage: _StorageRef
    offset: int
    shape: tuple[int, ...]
    stride: tuple[int, ...]


class _StorageType:
    def __init__(self, name: str) -> None:
        self.dtype = _STORAGE_DTYPES[name]


def _rebuild_tensor(storage: _StorageRef, offset: int, shape: tuple[int, ...], stride: tuple[int, ...],
                    *_rest: object) -> _TensorRef:
    return _TensorRef(storage, int(offset), tuple(shape), tuple(stride))


class _Unpickler(pickle.Unpickler):
    """Only what a legacy state-dict file names; anything else is refused."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "collections" and name == "OrderedDict":
            return OrderedDict
        if module == "torch._utils" and name in ("_rebuild_tensor_v2", "_rebuild_tensor"):
            return _rebuild_tensor
        if module == "torch" and name in _STORAGE_DTYPES:
            return _StorageType(name)
        raise pickle.UnpicklingError(f"unexpected global in a weights file: {module}.{name}")

    def persistent_load(self, pid: Any) -> _StorageRef:
        kind, storage_type, key, _location, numel = pid[:5]
        if kind != "storage" or not isinstance(storage_type, _StorageType):
            raise pickle.UnpicklingError("unexpected persistent id in a weights file")
        return _StorageRef(str(key), storage_type.dtype, int(numel))


def _read_storages(handle: BinaryIO, refs: dict[str, _StorageRef], keys: Sequence[str]) -> dict[str, np.ndarray]:
    storages = {}
    for key in keys:
        ref = refs[key]
        count = int(np.frombuffer(handle.read(8), dtype="<i8")[0])
        if count != ref.numel:
            raise ValueError(f"storage {key}: {count} elements, expected {ref.numel}")
        size = count * np.dtype(ref.dtype).itemsize
        storages[key] = np.frombuffer(handle.read(size), dtype=np.dtype(ref.dtype).newbyteorder("<"), count=count)
    return storages


def load_state_dict(path: str | Path) -> dict[str, np.ndarray]:
    """Tensors of a legacy (non-zip) PyTorch state-dict file, as numpy arrays, without torch."""
    with Path(path).open("rb") as handle:
        for _ in range(3):  # magic number, protocol version, system information
            _Unpickler(handle).load()
        state = _Unpickler(handle).load()
        keys = _Unpickler(handle).load()
        tensors = _collect(state)
        refs = {t.storage.key: t.storage for t in tensors.values()}
        storages = _read_storages(handle, refs, [str(k) for k in keys])
    out = {}
    for name, t in tensors.items():
        base = storages[t.storage.key]
        item = base.itemsize
        view = np.lib.stride_tricks.as_strided(base[t.offset :], shape=t.shape,
                                               strides=tuple(s * item for s in t.stride))
        out[name] = np.array(view, dtype=np.float32)
    return out


def _collect(state: Any, prefix: str = "") -> dict[str, _TensorRef]:
    found: dict[str, _TensorRef] = {}
    if isinstance(state, dict):
        for key, value in state.items():
            found.update(_collect(value, f"{prefix}{key}."))
    elif isinstance(state, _TensorRef):
        found[prefix.rstrip(".")] = state
    return found


def weights_path() -> Path:
    spec = importlib.util.find_spec("resemblyzer")  # locates the package without importing it (it imports torch)
    if spec is None or spec.origin is None:
        raise ModelError("話者の声の特徴を計算するパッケージ Resemblyzer がインストールされていません(`uv sync`)。")
    return Path(spec.origin).parent / "pretrained.pt"


@dataclass(frozen=True, slots=True)
class Encoder:
    lstm: tuple[tuple[FloatArray, FloatArray, FloatArray], ...]  # per layer: W_ih, W_hh, bias (b_ih + b_hh)
    linear_w: FloatArray
    linear_b: FloatArray


@functools.lru_cache(maxsize=1)
def encoder() -> Encoder:
    """The GE2E encoder's weights, checked and loaded once per process."""
    path = weights_path()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != WEIGHTS_SHA256:
        raise ModelError(f"話者の声の特徴のモデルが壊れています(チェックサムが一致しません): {path}")
    try:
        state = load_state_dict(path)
        # A training checkpoint: the model's tensors under model_state (the optimizer's are not needed).
        state = {k.removeprefix("model_state."): v for k, v in state.items() if k.startswith("model_state.")}
        layers = tuple(
            (state[f"lstm.weight_ih_l{n}"], state[f"lstm.weight_hh_l{n}"],
             state[f"lstm.bias_ih_l{n}"] + state[f"lstm.bias_hh_l{n}"])
            for n in range(3)
        )
        return Encoder(layers, state["linear.weight"], state["linear.bias"])
    except (KeyError, ValueError, pickle.UnpicklingError, EOFError) as exc:
        raise ModelError(f"話者の声の特徴のモデルを読み込めません: {path}({exc})") from exc


@functools.lru_cache(maxsize=1)
def mel_filters() -> FloatArray:
    """librosa.filters.mel(sr=16000, n_fft=400, n_mels=40): Slaney mel scale and area normalisation."""
    def hz_to_mel(f: np.ndarray) -> np.ndarray:
        f = np.asarray(f, dtype=np.float64)
        linear = f / (200.0 / 3)
        log = 15.0 + np.log(np.maximum(f, 1e-10) / 1000.0) / (np.log(6.4) / 27.0)
        return np.where(f >= 1000.0, log, linear)

    def mel_to_hz(m: np.ndarray) -> np.ndarray:
        linear = m * (200.0 / 3)
        log = 1000.0 * np.exp((np.log(6.4) / 27.0) * (m - 15.0))
        return np.where(m >= 15.0, log, linear)

    fft_freqs = np.linspace(0, SAMPLE_RATE / 2, N_FFT // 2 + 1)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(np.array(0.0)), hz_to_mel(np.array(SAMPLE_RATE / 2)), N_MELS + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    weights = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_f[2 : N_MELS + 2] - mel_f[:N_MELS]))[:, None]
    return weights.astype(np.float32)


def mel_frames(samples: npt.NDArray[np.floating]) -> FloatArray:
    """Mel power frames (frames × 40) as librosa.feature.melspectrogram(center=True) computes them."""
    x = np.pad(np.asarray(samples, dtype=np.float32), N_FFT // 2)
    count = 1 + max(0, x.size - N_FFT) // HOP
    index = np.arange(N_FFT)[None, :] + HOP * np.arange(count)[:, None]
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float32)  # periodic Hann
    power = np.abs(np.fft.rfft(x[index] * window, n=N_FFT)) ** 2
    frames: FloatArray = (power @ mel_filters().T).astype(np.float32)
    return frames


def _sigmoid(x: FloatArray) -> FloatArray:
    out: FloatArray = 0.5 * (1.0 + np.tanh(0.5 * x))
    return out


def embed_partials(partials: FloatArray) -> FloatArray:
    """Unit-length embeddings (n × 256) of mel partials (n × 160 × 40).

    BLAS runs single-threaded here: the recurrent step is many small matrix products, and OpenBLAS's
    threads spin against each other on them (16 times slower on a busy two-core machine, measured).
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        return _embed_partials(partials)


def _embed_partials(partials: FloatArray) -> FloatArray:
    model = encoder()
    x = partials.astype(np.float32)
    for w_ih, w_hh, bias in model.lstm:
        n, steps, _ = x.shape
        hidden = w_hh.shape[1]
        inputs = x @ w_ih.T + bias  # all steps at once: only the recurrent part is sequential
        h = np.zeros((n, hidden), dtype=np.float32)
        c = np.zeros((n, hidden), dtype=np.float32)
        outputs = np.empty((n, steps, hidden), dtype=np.float32)
        for t in range(steps):
            gates = inputs[:, t] + h @ w_hh.T
            i, f, g, o = np.split(gates, 4, axis=1)
            c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
            h = _sigmoid(o) * np.tanh(c)
            outputs[:, t] = h
        x = outputs
    raw = np.maximum(x[:, -1] @ model.linear_w.T + model.linear_b, 0.0)
    result: FloatArray = raw / (np.linalg.norm(raw, axis=1, keepdims=True) + 1e-9)
    return result


def partial_slices(frames: int) -> list[slice]:
    """160-frame windows every 77 frames; one (zero-padded) window for a short piece."""
    if frames <= PARTIAL_FRAMES:
        return [slice(0, PARTIAL_FRAMES)]
    starts = list(range(0, frames - PARTIAL_FRAMES + 1, PARTIAL_STEP))
    if frames - (starts[-1] + PARTIAL_FRAMES) > PARTIAL_STEP // 2:
        starts.append(frames - PARTIAL_FRAMES)
    return [slice(s, s + PARTIAL_FRAMES) for s in starts]


def volume_gain(pieces: Sequence[npt.NDArray[np.floating]]) -> float:
    """The gain that brings speech to −30 dBFS (never lowered), as Resemblyzer's preprocessing does.

    Summed piece by piece: joining the pieces would copy all the speech of a long session once more.
    """
    count = sum(p.size for p in pieces)
    energy = sum(float(np.sum(np.square(p, dtype=np.float64))) for p in pieces)
    rms = float(np.sqrt(energy / count)) if count else 0.0
    if rms <= 0:
        return 1.0
    dbfs = 20 * np.log10(rms)
    return float(10 ** ((TARGET_DBFS - dbfs) / 20)) if dbfs < TARGET_DBFS else 1.0


def embed_pieces(pieces: Sequence[npt.NDArray[np.floating]], gain: float = 1.0) -> FloatArray:
    """One unit-length embedding (256) per piece of speech: the mean of its partial embeddings.

    Partials are embedded BATCH at a time as the pieces come, and only each piece's sum is kept: a two-hour
    session has about 9,000 partials (160 × 40 floats each, 230 MB if stacked at once).
    """
    sums = np.zeros((len(pieces), 256), dtype=np.float32)
    batch: list[FloatArray] = []
    owner: list[int] = []

    def flush() -> None:
        np.add.at(sums, np.array(owner), embed_partials(np.stack(batch)))
        batch.clear()
        owner.clear()

    for number, piece in enumerate(pieces):
        frames = mel_frames(np.asarray(piece, dtype=np.float32) * gain)
        for part in partial_slices(frames.shape[0]):
            chunk = frames[part]
            if chunk.shape[0] < PARTIAL_FRAMES:
                chunk = np.pad(chunk, ((0, PARTIAL_FRAMES - chunk.shape[0]), (0, 0)))
            batch.append(chunk)
            owner.append(number)
            if len(batch) == BATCH:
                flush()
    if batch:
        flush()
    result: FloatArray = sums / (np.linalg.norm(sums, axis=1, keepdims=True) + 1e-9)
    return result
