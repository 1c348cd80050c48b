"""Speech activity of a whole take: which 10 ms frames are speech.

The level of each frame is compared with a threshold set relative to the room:
`floor + 10 dB` (the floor is the 10th percentile of frame levels, digital silence left
out), but never more than 35 dB below the loud frames (95th percentile) and never below
-70 dBFS. Steady sounds (white noise, a hum, a fan) sit at their own floor and never
cross it. `speech_mask` also needs the voicing of each frame: stretches with less than
50 ms of voicing (a breath, a click, a hiss) are dropped, gaps shorter than a pause
(250 ms) are bridged, and a stretch of a second or more whose level hardly moves (a hum
or a fan that starts mid-take) is not speech. `segments_of` turns the mask into
`Segment`s.

Live, block by block, the same voicing and steadiness rules run in the speech detector
(speech.py), which the recorder uses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trainer.analysis.features import Segment
from trainer.analysis.signal import db

HOP_S = 0.01  # frame length for levels and voicing
PAUSE_S = 0.25  # a silence this long or longer is a pause; shorter gaps belong to the speech
ABOVE_FLOOR_DB = 10.0
BELOW_LOUD_DB = 35.0
MIN_THRESHOLD_DBFS = -70.0
DIGITAL_SILENCE_DBFS = -100.0
MIN_VOICED_S = 0.05  # a speech stretch needs at least this much voicing
STEADY_MIN_S = 1.0  # a stretch this long whose level hardly moves ...
STEADY_SPREAD_DB = 6.0  # ... (10-90 % span under this) is a hum or a fan, not speech


def frame_powers(samples: np.ndarray, rate: int, hop_s: float = HOP_S) -> np.ndarray:
    """Mean square of consecutive `hop_s` blocks (channels averaged; a trailing part block dropped)."""
    x = np.asarray(samples, dtype=np.float32)
    if x.ndim == 2:
        x = x.mean(axis=1, dtype=np.float32)
    hop = max(1, int(round(hop_s * rate)))
    n = len(x) // hop
    if n == 0:
        return np.zeros(0)
    blocks = x[: n * hop].reshape(n, hop).astype(np.float64)
    return np.einsum("ij,ij->i", blocks, blocks) / hop


def frame_levels(samples: np.ndarray, rate: int, hop_s: float = HOP_S, *, floor_db: float = -150.0) -> np.ndarray:
    """RMS level in dBFS of consecutive `hop_s` blocks (digital silence reads `floor_db`)."""
    return db(frame_powers(samples, rate, hop_s), floor_db)


@dataclass(frozen=True)
class Threshold:
    floor_db: float  # the room's level: 10th percentile of frame levels
    threshold_db: float  # frames above this may be speech


def speech_threshold(levels_db: np.ndarray) -> Threshold:
    """The level a frame must exceed to count as speech, from the levels around it."""
    live = levels_db[levels_db > DIGITAL_SILENCE_DBFS]
    if len(live) == 0:
        return Threshold(DIGITAL_SILENCE_DBFS, MIN_THRESHOLD_DBFS)
    floor, loud = np.percentile(live, [10, 95])
    threshold = max(floor + ABOVE_FLOOR_DB, loud - BELOW_LOUD_DB, MIN_THRESHOLD_DBFS)
    return Threshold(float(floor), float(threshold))


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) frame index pairs of the True runs in a boolean array (end exclusive)."""
    if len(mask) == 0:
        return []
    padded = np.concatenate(([False], np.asarray(mask, dtype=bool), [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def speech_mask(levels_db: np.ndarray, voiced: np.ndarray, hop_s: float = HOP_S) -> np.ndarray:
    """Which frames of a whole take are speech (see the module notes)."""
    active = levels_db > speech_threshold(levels_db).threshold_db
    min_voiced = max(1, int(round(MIN_VOICED_S / hop_s)))
    kept = [(a, b) for a, b in runs(active) if np.count_nonzero(voiced[a:b]) >= min_voiced]
    merged: list[list[int]] = []
    for a, b in kept:
        if merged and (a - merged[-1][1]) * hop_s < PAUSE_S:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    mask = np.zeros(len(levels_db), dtype=bool)
    for a, b in merged:
        if (b - a) * hop_s >= STEADY_MIN_S:
            inside = levels_db[a:b]
            if np.percentile(inside, 90) - np.percentile(inside, 10) < STEADY_SPREAD_DB:
                continue
        mask[a:b] = True
    return mask


def segments_of(mask: np.ndarray, hop_s: float = HOP_S) -> tuple[Segment, ...]:
    """The speech frames as segments in seconds."""
    return tuple(Segment(round(a * hop_s, 3), round(b * hop_s, 3)) for a, b in runs(mask))
