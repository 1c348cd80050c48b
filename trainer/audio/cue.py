"""The "your turn" cue: a soft two-note chime, not a beep."""

from __future__ import annotations

import numpy as np

DURATION_S = 0.3
PEAK_DBFS = -18.0


def _note(t: np.ndarray, freq: float, start: float, length: float) -> np.ndarray:
    local = t - start
    inside = (local >= 0) & (local < length)
    attack = np.clip(local / 0.02, 0.0, 1.0)  # 20 ms fade-in: no click
    decay = np.exp(-np.clip(local, 0.0, None) / (length / 3))
    release = np.clip((length - local) / 0.04, 0.0, 1.0)  # 40 ms fade-out
    tone = np.sin(2 * np.pi * freq * local) + 0.12 * np.sin(4 * np.pi * freq * local)
    return np.where(inside, tone * attack * decay * release, 0.0)


def cue_tone(rate: int) -> np.ndarray:
    """About 0.3 s of a gentle rising chime (D5 then A5) at `rate`, mono float32, peak -18 dBFS."""
    t = np.arange(int(round(DURATION_S * rate))) / rate
    chime = _note(t, 587.33, 0.0, 0.18) + _note(t, 880.0, 0.09, 0.21)
    chime *= 10 ** (PEAK_DBFS / 20) / np.max(np.abs(chime))
    return chime.astype(np.float32)
