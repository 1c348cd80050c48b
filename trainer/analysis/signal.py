"""Checking and preparing input samples: channels, sample rate, the 16 kHz analysis copy."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trainer.errors import TrainerError

ANALYSIS_RATE = 16000  # voice activity, pitch, syllables and transcription run at this rate


class AudioInputError(TrainerError, ValueError):
    """Samples handed to the analysis are not usable audio (empty, not finite, bad shape or rate)."""


@dataclass(frozen=True, eq=False)
class Prepared:
    """One take ready for analysis."""

    channels: np.ndarray  # float32 (n, ch) at `rate`, as given
    mono: np.ndarray  # float32 (n,) at `rate`: the channel average
    rate: int
    mono16k: np.ndarray  # float32 (m,) at ANALYSIS_RATE

    @property
    def duration_s(self) -> float:
        return len(self.mono) / self.rate


def check_audio(samples: np.ndarray, rate: int | float) -> tuple[np.ndarray, int]:
    """Samples as float32 (n, channels) and the rate as int; `AudioInputError` when unusable."""
    if isinstance(rate, bool) or not isinstance(rate, (int, float, np.integer, np.floating)):
        raise AudioInputError(f"The sample rate must be a number of samples per second, not {rate!r}.")
    if not float(rate).is_integer() or not 1000 <= rate <= 768000:
        raise AudioInputError(f"The sample rate {rate} Hz is not a usable audio rate (1000 to 768000 Hz).")
    array = np.asarray(samples)
    if array.dtype.kind not in "fiu":
        raise AudioInputError(f"Audio samples must be numbers, not {array.dtype}.")
    if array.ndim == 1:
        array = array[:, None]
    elif array.ndim != 2 or array.shape[1] == 0 or array.shape[1] > max(array.shape[0], 64):
        raise AudioInputError(f"Audio must be shaped (samples,) or (samples, channels), not {array.shape}.")
    if array.shape[0] == 0:
        raise AudioInputError("The take is empty: it holds no samples.")
    if array.dtype.kind in "iu":
        info = np.iinfo(array.dtype)
        offset = 0.0 if array.dtype.kind == "i" else (info.max + 1) / 2
        array = (array.astype(np.float64) - offset) / ((info.max + 1) / 2 if array.dtype.kind == "u" else -info.min)
    array = np.ascontiguousarray(array, dtype=np.float32)
    if not np.isfinite(array).all():
        raise AudioInputError("The take contains invalid sample values (NaN or infinity).")
    return array, int(rate)


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Mono float32 samples at `target` Hz (soxr; the same array when the rate already matches)."""
    if rate == target:
        return samples
    import soxr

    return soxr.resample(samples, rate, target, quality="HQ").astype(np.float32, copy=False)


def prepare(samples: np.ndarray, rate: int | float) -> Prepared:
    """Check the input and make the mono and 16 kHz copies the analysis works on."""
    channels, rate = check_audio(samples, rate)
    mono = channels[:, 0] if channels.shape[1] == 1 else channels.mean(axis=1, dtype=np.float32)
    return Prepared(channels, mono, rate, resample(mono, rate, ANALYSIS_RATE))


def db(power: np.ndarray | float, floor_db: float = -150.0) -> np.ndarray:
    """10·log10(power), with silence clamped at `floor_db`."""
    return 10.0 * np.log10(np.maximum(power, 10.0 ** (floor_db / 10.0)))
