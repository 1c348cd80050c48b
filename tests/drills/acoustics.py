"""Loudness and pace of a clip, measured with plain numpy (for the starter-pack tests).

Loudness: RMS in dBFS over speech frames only. Pace: articulation rate, syllable nuclei
per second of speech with pauses of 250 ms or more left out (after de Jong & Wempe 2009:
intensity peaks with a 2 dB dip on both sides, kept only when the frame is voiced).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HOP_S = 0.01
WINDOW_S = 0.03
GATE_DB = 25.0  # frames within this of the loud end (99th percentile) are speech
DIP_DB = 2.0
MIN_PAUSE_S = 0.25
PITCH_RANGE_HZ = (75.0, 400.0)
VOICED_CORRELATION = 0.4


@dataclass(frozen=True)
class Measure:
    loudness_dbfs: float
    articulation_rate: float  # syllables per second of speech
    speech_s: float
    nuclei: int


def _frames(samples: np.ndarray, rate: int) -> tuple[np.ndarray, int]:
    hop, size = int(rate * HOP_S), int(rate * WINDOW_S)
    count = 1 + max(len(samples) - size, 0) // hop
    index = np.arange(size)[None, :] + hop * np.arange(count)[:, None]
    return samples[index].astype(np.float64), hop


def _voiced(frame: np.ndarray, rate: int) -> bool:
    frame = frame - frame.mean()
    energy = float(np.dot(frame, frame))
    if energy <= 0:
        return False
    correlation = np.correlate(frame, frame, mode="full")[len(frame) - 1:] / energy
    low, high = int(rate / PITCH_RANGE_HZ[1]), int(rate / PITCH_RANGE_HZ[0])
    return float(correlation[low:high].max()) > VOICED_CORRELATION


def _speech_mask(level: np.ndarray) -> np.ndarray:
    """Frames above the gate, with pauses shorter than MIN_PAUSE_S counted as speech."""
    loud = level > np.percentile(level, 99) - GATE_DB
    mask = loud.copy()
    gap_frames = int(MIN_PAUSE_S / HOP_S)
    edges = np.flatnonzero(np.diff(loud.astype(int)))
    starts, ends = edges[loud[edges]] + 1, edges[~loud[edges]] + 1  # silence starts / speech restarts
    for start in starts:
        later = ends[ends > start]
        if len(later) and later[0] - start < gap_frames:
            mask[start:later[0]] = True
    return mask


def measure(samples: np.ndarray, rate: int) -> Measure:
    frames, _hop = _frames(samples, rate)
    power = np.mean(frames ** 2, axis=1) + 1e-12
    level = 10 * np.log10(power)
    speech = _speech_mask(level)
    loud = level > np.percentile(level, 99) - GATE_DB
    loudness = 10 * np.log10(np.mean(power[loud]))
    peaks = [i for i in range(1, len(level) - 1)
             if loud[i] and level[i] >= level[i - 1] and level[i] > level[i + 1]]
    nuclei: list[int] = []
    for peak in peaks:  # keep a peak only if the intensity dips by DIP_DB since the previous nucleus
        if nuclei and level[nuclei[-1]:peak + 1].min() > level[peak] - DIP_DB:
            if level[peak] > level[nuclei[-1]]:
                nuclei[-1] = peak  # the same syllable, a higher top
            continue
        nuclei.append(peak)
    # and a dip after it too, before the next one
    kept = [n for i, n in enumerate(nuclei)
            if i + 1 == len(nuclei) or level[n:nuclei[i + 1] + 1].min() <= level[n] - DIP_DB]
    voiced = [n for n in kept if _voiced(frames[n], rate)]
    speech_s = float(speech.sum() * HOP_S)
    return Measure(float(loudness), len(voiced) / speech_s if speech_s else 0.0, speech_s, len(voiced))
