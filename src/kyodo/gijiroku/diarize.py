"""Speaker diarization: who spoke when, from signal-processing voice embeddings.

Each window of speech is described by two things: the GE2E speaker encoder's embedding (weights from
the Resemblyzer wheel, run with numpy: kyodo.gijiroku.voice; torch is not allowed here, and the
onnxruntime speaker-embedding packages on PyPI fetch their weights from a hub at first use) and classic
speaker-recognition statistics computed with numpy — the mean and spread of 20 MFCCs (vocal-tract shape)
and of log F0 (pitch) — standardised over the recording; windows are clustered by spherical k-means
(cosine, k-means++ starts).
It separates voices that differ in pitch or timbre well; similar voices (two men of the same age)
are its weak point. The number of speakers may be given; otherwise it is chosen by silhouette.
Measured with the signal statistics alone (benchmarks/gijiroku_pipeline.py, synthetic 10-minute
meeting, three voices that differ in pitch and formants): about 0.90 of speech time attributed to the
right speaker with the count given; GE2E beside them: see embed_windows. Real voices in a real room
will score lower.

Steps:
1. Cut the speech regions (from VAD) into windows of about 3 s.
2. Embed each window (GE2E embedding; MFCC and F0 statistics standardised over the recording).
3. Cluster the windows (spherical k-means weighted by duration) into k speakers; without k,
   try 2..8 and keep the best silhouette, or one speaker when no split is convincing.
4. A short piece next to a longer one joins its speaker (a lone "えー" has no reliable pitch).
5. Turn window labels into speaker turns; number speakers in order of first appearance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kyodo.gijiroku.audio import SAMPLE_RATE, Audio, SpeechRegion
from kyodo.gijiroku.transcript import SpeakerTurn

FloatArray = npt.NDArray[np.float64]

FRAME = 400  # 25 ms
HOP = 160  # 10 ms
N_FFT = 512
N_MELS = 40
N_MFCC = 20
BLOCK = 4096  # frames per block (about 41 s of audio)
WINDOW_S = 3.0  # long enough for stable statistics; turns mostly change at pauses anyway
MIN_WINDOW_S = 0.4
SILHOUETTE_SAMPLE = 1500
SHORT_PIECE_S = 1.0
NEIGHBOUR_GAP_S = 0.6
# Below this silhouette a split into two or more speakers is not believed: one speaker.
MIN_SILHOUETTE = 0.12


@dataclass(frozen=True, slots=True)
class Window:
    start: float
    end: float


def _mel_filterbank() -> FloatArray:
    def hz_to_mel(hz: FloatArray) -> FloatArray:
        return 2595.0 * np.log10(1.0 + hz / 700.0)

    mels = np.linspace(hz_to_mel(np.array(60.0)), hz_to_mel(np.array(7600.0)), N_MELS + 2)
    hz = 700.0 * (10 ** (mels / 2595.0) - 1.0)
    bins = np.floor((N_FFT + 1) * hz / SAMPLE_RATE).astype(int)
    bank = np.zeros((N_MELS, N_FFT // 2 + 1))
    for m in range(1, N_MELS + 1):
        left, centre, right = bins[m - 1], bins[m], bins[m + 1]
        for k in range(left, centre):
            bank[m - 1, k] = (k - left) / max(centre - left, 1)
        for k in range(centre, right):
            bank[m - 1, k] = (right - k) / max(right - centre, 1)
    return bank


def _dct_matrix() -> FloatArray:
    n = np.arange(N_MELS)
    k = np.arange(N_MFCC)[:, None]
    matrix: FloatArray = np.sqrt(2.0 / N_MELS) * np.cos(np.pi * k * (2 * n + 1) / (2 * N_MELS))
    return matrix


def frame_features(samples: Audio) -> tuple[npt.NDArray[np.float32], FloatArray, FloatArray]:
    """Per 10 ms frame: MFCCs (frames × 20), log F0 (nan when unvoiced) and log energy.

    Computed in blocks of frames so that memory stays small for a four-hour recording.
    """
    x = np.asarray(samples, dtype=np.float32)
    if x.size < N_FFT:
        x = np.pad(x, (0, N_FFT - x.size))
    count = 1 + (x.size - N_FFT) // HOP
    bank, dct = _mel_filterbank(), _dct_matrix()
    # Pre-emphasis block by block, in float64 only for the block: a whole four-hour recording in float64, twice
    # (copy and pre-emphasis), would take 1.8 GB per copy.
    parts = [
        _block_features(_emphasised(x, first, min(first + BLOCK, count)), first, min(first + BLOCK, count), bank, dct)
        for first in range(0, count, BLOCK)
    ]
    # Kept in float32: a four-hour session has 1.4 million frames (230 MB of MFCCs in float64).
    mfcc = np.concatenate([p[0].astype(np.float32) for p in parts])
    log_f0 = np.concatenate([p[1] for p in parts])
    energy = np.concatenate([p[2] for p in parts])
    return mfcc, log_f0, energy


def _emphasised(x: npt.NDArray[np.float32], first: int, last: int) -> FloatArray:
    """The samples frames first..last-1 cover, pre-emphasised (y[n] = x[n] − 0.97 x[n−1]; y[0] = x[0])."""
    a, b = first * HOP, (last - 1) * HOP + N_FFT
    block = x[max(a - 1, 0) : b].astype(np.float64)
    if a == 0:
        emphasised: FloatArray = np.append(block[0], block[1:] - 0.97 * block[:-1])
        return emphasised
    result: FloatArray = block[1:] - 0.97 * block[:-1]
    return result


def _block_features(
    x: FloatArray, first: int, last: int, bank: FloatArray, dct: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Features of frames first..last-1 from their own pre-emphasised samples `x` (starting at frame `first`)."""
    count = last - first
    index = np.arange(N_FFT)[None, :] + HOP * np.arange(0, count)[:, None]
    frames = x[index]
    energy = np.log(np.sum(frames[:, :FRAME] ** 2, axis=1) + 1e-10)
    windowed = frames[:, :FRAME] * np.hamming(FRAME)
    power = np.abs(np.fft.rfft(windowed, n=N_FFT)) ** 2
    mfcc = np.log(power @ bank.T + 1e-10) @ dct.T
    # F0 by YIN's cumulative mean normalised difference (from the autocorrelation), 60-500 Hz.
    # Plain autocorrelation peaks pick formants and octave errors; YIN's first dip does not.
    spec = np.fft.rfft(frames * np.hanning(N_FFT), n=2 * N_FFT)
    acf = np.fft.irfft(np.abs(spec) ** 2)[:, :N_FFT]
    diff = 2.0 * (acf[:, :1] - acf[:, 1:])
    lags = np.arange(1, N_FFT)
    cmnd = diff * lags / (np.cumsum(diff, axis=1) + 1e-10)
    lo, hi = SAMPLE_RATE // 500, SAMPLE_RATE // 60
    below = cmnd[:, lo - 1 : hi - 1] < 0.3
    dip = np.argmax(below, axis=1)
    near = np.clip(dip[:, None] + np.arange(12)[None, :], 0, hi - lo - 1)
    rows = np.arange(count)[:, None]
    refine = near[np.arange(count), np.argmin(cmnd[rows, lo - 1 + near], axis=1)]
    lag = lo + refine
    voiced = below.any(axis=1)
    log_f0 = np.where(voiced, np.log(SAMPLE_RATE / lag), np.nan)
    return mfcc, log_f0, energy


def make_windows(regions: Sequence[SpeechRegion]) -> list[Window]:
    """Cut speech regions into windows of about WINDOW_S seconds (the last one may be longer)."""
    windows: list[Window] = []
    for region in regions:
        length = region.end - region.start
        if length < MIN_WINDOW_S:
            continue
        pieces = max(1, round(length / WINDOW_S))
        step = length / pieces
        windows.extend(Window(region.start + i * step, region.start + (i + 1) * step) for i in range(pieces))
    return windows


def embed_windows(samples: Audio, windows: Sequence[Window], voice: bool = True) -> FloatArray:
    """One vector per window: the GE2E voice embedding (kyodo.gijiroku.voice) beside the signal statistics.

    Each block is scaled to the same length, so that neither outweighs the other in the cosine: GE2E,
    trained on real speakers, tells voices apart by their timbre; MFCC and pitch statistics tell apart
    voices that differ mostly in pitch, which GE2E partly ignores. Measured on the synthetic committee
    meeting (three voices made from one): MFCC+pitch 0.961, GE2E alone 0.787, both 1.000.
    """
    stats = signal_features(samples, windows)
    if not voice or stats.shape[0] == 0:
        return stats
    from kyodo.gijiroku.voice import embed_pieces, volume_gain

    pieces = [samples[int(w.start * SAMPLE_RATE) : int(w.end * SAMPLE_RATE)] for w in windows]
    gain = volume_gain(pieces)
    ge2e = embed_pieces(pieces, gain).astype(np.float64) * np.sqrt(stats.shape[1])
    result: FloatArray = np.hstack([ge2e, stats])
    return result


def signal_features(samples: Audio, windows: Sequence[Window]) -> FloatArray:
    """One standardised vector per window: MFCC mean/std, F0 median/spread, voiced share."""
    mfcc, log_f0, energy = frame_features(samples)
    rows = []
    for window in windows:
        a = int(window.start * SAMPLE_RATE / HOP)
        b = max(a + 1, min(int(window.end * SAMPLE_RATE / HOP), mfcc.shape[0]))
        # Only the louder frames: pauses inside a window carry no voice information.
        e = energy[a:b]
        keep = e >= np.percentile(e, 30) if e.size > 3 else np.ones_like(e, dtype=bool)
        m = mfcc[a:b][keep]
        f0 = log_f0[a:b][keep]
        voiced = f0[~np.isnan(f0)]
        pitch = (
            [float(np.median(voiced)), float(np.std(voiced)), voiced.size / max(f0.size, 1)]
            if voiced.size >= 3
            else [np.nan, np.nan, 0.0]
        )
        rows.append(np.concatenate([m[:, 1:].mean(axis=0), m[:, 1:].std(axis=0), pitch]))
    features = np.array(rows, dtype=np.float64)
    if features.size == 0:
        return features.reshape(0, 2 * (N_MFCC - 1) + 3)
    # Unvoiced windows get the recording's median pitch so they neither attract nor repel.
    col_median = np.nanmedian(np.where(np.isnan(features), np.nan, features), axis=0)
    features = np.where(np.isnan(features), np.nan_to_num(col_median)[None, :], features)
    std = features.std(axis=0)
    features = (features - features.mean(axis=0)) / np.where(std > 1e-9, std, 1.0)
    # Pitch is the strongest cue between voices in a meeting room: weight it like several MFCC dims.
    features[:, -3] *= 3.0
    result: FloatArray = features
    return result


def _cosine_distances(x: FloatArray) -> FloatArray:
    norm = x / (np.linalg.norm(x, axis=1, keepdims=True) + 1e-12)
    distances: FloatArray = np.clip(1.0 - norm @ norm.T, 0.0, 2.0)
    return distances


def spherical_kmeans(
    features: FloatArray, weights: FloatArray, k: int, restarts: int = 8, seed: int = 0
) -> npt.NDArray[np.int64]:
    """k clusters by cosine similarity, windows weighted by duration; best of several k-means++ starts.

    Seeded, so the same recording always gives the same speakers.
    """
    rng = np.random.default_rng(seed)
    unit = features / (np.linalg.norm(features, axis=1, keepdims=True) + 1e-12)
    n = unit.shape[0]
    k = min(k, n)
    best_labels = np.zeros(n, dtype=np.int64)
    best_cost = np.inf
    for _ in range(restarts):
        centres = [unit[rng.integers(n)]]
        for _ in range(1, k):
            far = np.clip(1.0 - np.max(unit @ np.array(centres).T, axis=1), 0.0, None) * weights
            total = float(far.sum())
            centres.append(unit[rng.choice(n, p=far / total)] if total > 0 else unit[rng.integers(n)])
        c = np.array(centres)
        for _ in range(50):
            labels = np.argmax(unit @ c.T, axis=1)
            moved = np.array(
                [
                    (unit[labels == j] * weights[labels == j, None]).sum(axis=0)
                    if np.any(labels == j)
                    else c[j]
                    for j in range(k)
                ]
            )
            moved /= np.linalg.norm(moved, axis=1, keepdims=True) + 1e-12
            if np.allclose(moved, c):
                break
            c = moved
        labels = np.argmax(unit @ c.T, axis=1)
        cost = float(np.sum(weights * (1.0 - np.max(unit @ c.T, axis=1))))
        if cost < best_cost:
            best_cost, best_labels = cost, labels.astype(np.int64)
    return best_labels


def silhouette(distances: FloatArray, labels: npt.NDArray[np.int64]) -> float:
    """Mean silhouette coefficient (−1..1) of a labelling under a distance matrix."""
    groups = np.unique(labels)
    if groups.size < 2:
        return 0.0
    scores = []
    for i in range(labels.size):
        own = labels == labels[i]
        if own.sum() <= 1:
            scores.append(0.0)
            continue
        a = distances[i, own].sum() / (own.sum() - 1)
        b = min(distances[i, labels == g].mean() for g in groups if g != labels[i])
        scores.append((b - a) / max(a, b, 1e-12))
    return float(np.mean(scores))


def diarize(
    samples: Audio,
    regions: Sequence[SpeechRegion],
    speakers: int | None = None,
    max_speakers: int = 8,
    voice: bool = True,
) -> list[SpeakerTurn]:
    """Speaker turns for the speech regions; `speakers` fixes the count when known; `voice`: use GE2E."""
    if speakers is not None and speakers < 1:
        raise ValueError("speakers must be at least 1")
    windows = make_windows(regions)
    if not windows:
        return [SpeakerTurn(r.start, r.end, 0) for r in regions]
    features = embed_windows(samples, windows, voice=voice)
    weights = np.array([w.end - w.start for w in windows])
    limit = min(speakers if speakers is not None else max_speakers, len(windows))
    if speakers is not None:
        labels = spherical_kmeans(features, weights, limit)
    else:
        # Silhouette needs all pairwise distances: a long recording is judged on an even sample.
        sample = np.linspace(0, len(windows) - 1, min(len(windows), SILHOUETTE_SAMPLE)).astype(int)
        distances = _cosine_distances(features[sample])
        labels, best_score = np.zeros(len(windows), dtype=np.int64), MIN_SILHOUETTE
        for k in range(2, limit + 1):
            candidate = spherical_kmeans(features, weights, k)
            score = silhouette(distances, candidate[sample])
            if score > best_score:
                labels, best_score = candidate, score
    labels = _absorb_short_pieces(windows, labels)
    # Number speakers by first appearance: the chair, who opens, becomes speaker 0.
    order = {int(label): rank for rank, label in enumerate(dict.fromkeys(int(x) for x in labels))}
    turns: list[SpeakerTurn] = []
    for window, label in zip(windows, labels, strict=True):
        speaker = order[int(label)]
        if turns and turns[-1].speaker == speaker and window.start - turns[-1].end < 0.05:
            turns[-1] = SpeakerTurn(turns[-1].start, window.end, speaker)
        else:
            turns.append(SpeakerTurn(window.start, window.end, speaker))
    return turns


def _absorb_short_pieces(windows: Sequence[Window], labels: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """A short piece of speech (under SHORT_PIECE_S) right next to a longer one joins its speaker.

    Short pieces — a lone "えー", a sentence-initial "それでは" — have too few voiced frames for a
    reliable pitch, and in a meeting they almost always belong to the speech they touch.
    """
    labels = labels.copy()
    for i, window in enumerate(windows):
        if window.end - window.start >= SHORT_PIECE_S:
            continue
        gaps = []
        if i > 0:
            gaps.append((window.start - windows[i - 1].end, i - 1))
        if i + 1 < len(windows):
            gaps.append((windows[i + 1].start - window.end, i + 1))
        gap, neighbour = min(gaps, default=(np.inf, i))
        if gap <= NEIGHBOUR_GAP_S and windows[neighbour].end - windows[neighbour].start >= SHORT_PIECE_S:
            labels[i] = labels[neighbour]
    return labels


def speaker_at(turns: Sequence[SpeakerTurn], start: float, end: float) -> int:
    """The speaker who talks most during [start, end]; the nearest turn when none overlaps."""
    if not turns:
        return 0
    overlap: dict[int, float] = {}
    for turn in turns:
        shared = min(end, turn.end) - max(start, turn.start)
        if shared > 0:
            overlap[turn.speaker] = overlap.get(turn.speaker, 0.0) + shared
    if overlap:
        return max(overlap, key=lambda s: overlap[s])
    middle = (start + end) / 2
    nearest = min(turns, key=lambda t: min(abs(t.start - middle), abs(t.end - middle)))
    return nearest.speaker


def diarization_accuracy(reference: Sequence[SpeakerTurn], hypothesis: Sequence[SpeakerTurn]) -> float:
    """Share of reference speech time given to the right speaker, under the best label mapping.

    Measured on a 10 ms grid where both the reference and the hypothesis name a speaker: this is
    speaker attribution (who said it), not speech detection — the pauses a synthesiser leaves inside
    a reference turn would otherwise count as errors. `speech_coverage` reports the rest.
    """
    from itertools import permutations

    if not reference:
        return 1.0
    end = max(t.end for t in [*reference, *hypothesis])
    steps = int(end * 100) + 1
    ref = np.full(steps, -1)
    hyp = np.full(steps, -1)
    for t in reference:
        ref[int(t.start * 100) : int(t.end * 100)] = t.speaker
    for t in hypothesis:
        hyp[int(t.start * 100) : int(t.end * 100)] = t.speaker
    scored = (ref >= 0) & (hyp >= 0)
    if not scored.any():
        return 0.0
    ref_ids = sorted(set(ref[scored].tolist()))
    hyp_ids = sorted(set(hyp[scored].tolist()) - {-1})
    best = 0
    # Small counts only (meetings here have a handful of speakers), so try every mapping.
    pad = max(len(ref_ids), len(hyp_ids))
    hyp_padded = hyp_ids + [-2] * (pad - len(hyp_ids))
    for perm in permutations(hyp_padded, len(ref_ids)) if len(ref_ids) <= 7 else []:
        hits = sum(int(np.sum(scored & (ref == r) & (hyp == h))) for r, h in zip(ref_ids, perm, strict=True))
        best = max(best, hits)
    return best / max(int(scored.sum()), 1)


def speech_coverage(reference: Sequence[SpeakerTurn], hypothesis: Sequence[SpeakerTurn]) -> float:
    """Share of reference speech time that the hypothesis gives to some speaker."""
    if not reference:
        return 1.0
    end = max(t.end for t in [*reference, *hypothesis])
    ref = np.zeros(int(end * 100) + 1, dtype=bool)
    hyp = np.zeros_like(ref)
    for t in reference:
        ref[int(t.start * 100) : int(t.end * 100)] = True
    for t in hypothesis:
        hyp[int(t.start * 100) : int(t.end * 100)] = True
    return float((ref & hyp).sum() / max(int(ref.sum()), 1))
