"""Pitch (F0) of speech: a vectorised YIN tracker at 8 kHz, two-pass against octave errors.

Why this tracker (measured on the three real voices against Praat's autocorrelation
pitch, 50-500 Hz): its median F0 lies within 0.25 semitone of Praat's on every voice
(SwiftF0 reads 0.17-0.35 st low, librosa.pyin up to 0.86 st off), its frames agree with
Praat's about as often as SwiftF0's do (gross errors over 1 st: 0.1-5 %, SwiftF0 1.4-5 %),
and it takes about 35 ms for a 20 s take where SwiftF0 takes about 300 ms and pyin 4 s
(same shared 2-core machine). It is plain numpy and scipy.fft: nothing compiles, no
model loads, and the live meter (`LivePitch`) uses the very same numbers.

YIN (de Cheveigné & Kawahara 2002): for each 10 ms frame, the cumulative-mean-normalised
difference function over lags 2 ms (500 Hz) to 20 ms (50 Hz); the first dip below 0.15
(else the deepest) gives the period, refined by parabolic interpolation. A frame is
voiced when that dip is below `VOICED_APERIODICITY`. Octave errors: a second pass keeps
the lag search between 0.75 x the first quartile and 2 x the third quartile of the
first pass's voiced F0 (De Looze & Hirst's two-pass method).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from trainer.analysis.activity import HOP_S

PITCH_RATE = 8000
FMIN_HZ = 50.0
FMAX_HZ = 500.0
WINDOW = 240  # samples at 8 kHz (30 ms) integrated per lag
DIP = 0.15  # YIN's absolute threshold for the first dip
VOICED_APERIODICITY = 0.35  # frames with a deeper dip than this are voiced
SILENT_POWER = 1e-10  # -100 dBFS: windows quieter than this are never voiced
SECOND_PASS = (0.75, 2.0)  # band around the first pass's quartiles


@dataclass(frozen=True, eq=False)
class PitchTrack:
    """F0 per frame; frame i covers [i·hop_s, (i+1)·hop_s) of the input."""

    hop_s: float
    f0_hz: np.ndarray  # NaN where unvoiced
    aperiodicity: np.ndarray  # 0 = perfectly periodic, about 1 = noise

    @property
    def voiced(self) -> np.ndarray:
        return np.isfinite(self.f0_hz)


def semitones(hz: np.ndarray | float) -> np.ndarray | float:
    """Semitones relative to 100 Hz."""
    return 12.0 * np.log2(np.asarray(hz, dtype=np.float64) / 100.0)


def _lags(fmin: float, fmax: float) -> tuple[int, int]:
    return max(2, int(PITCH_RATE / fmax)), int(np.ceil(PITCH_RATE / fmin)) + 1


def _cmnd(signal: np.ndarray, starts: np.ndarray, tau_max: int) -> tuple[np.ndarray, np.ndarray]:
    """YIN's cumulative-mean-normalised difference d'(tau), tau = 0..tau_max, for windows at `starts`,
    and each window's mean power (digital silence has no pitch, whatever the maths says)."""
    from scipy import fft

    length = WINDOW + tau_max
    frames = sliding_window_view(signal, length)[starts]
    size = fft.next_fast_len(length, real=True)
    whole = fft.rfft(frames, size, axis=1)
    whole *= np.conj(fft.rfft(frames[:, :WINDOW], size, axis=1))
    corr = fft.irfft(whole, size, axis=1)[:, : tau_max + 1]
    running = np.concatenate((np.zeros(1), np.cumsum(np.square(signal, dtype=np.float64))))
    energy = sliding_window_view(running, length + 1)[starts]  # energy[:, k] = sum of squares before k
    window = (energy[:, WINDOW] - energy[:, 0]).astype(np.float32)
    diff = (energy[:, WINDOW: length + 1] - energy[:, : tau_max + 1]).astype(np.float32)
    diff += window[:, None]
    diff -= 2.0 * corr
    diff[:, 0] = 0.0
    total = np.cumsum(diff[:, 1:], axis=1)
    diff[:, 1:] *= np.arange(1, tau_max + 1, dtype=np.float32)
    diff[:, 1:] /= np.maximum(total, 1e-20)
    diff[:, 0] = 1.0
    return diff, window / WINDOW


def _pick(cmnd: np.ndarray, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """Period (in samples, fractional) and dip depth per frame, searching lags lo..hi."""
    band = cmnd[:, lo: hi + 1]
    rows = np.arange(len(band))
    below = band < DIP
    first = np.argmax(below, axis=1)
    index = np.where(below.any(axis=1), first, np.argmin(band, axis=1))
    last = band.shape[1] - 1
    for _ in range(band.shape[1]):  # slide down to the bottom of the dip
        step = np.minimum(index + 1, last)
        better = band[rows, step] < band[rows, index]
        if not better.any():
            break
        index = np.where(better, step, index)
    mid = np.clip(index, 1, last - 1)
    left, centre, right = band[rows, mid - 1], band[rows, mid], band[rows, mid + 1]
    curve = left - 2.0 * centre + right
    shift = np.where(curve > 1e-12, 0.5 * (left - right) / np.where(curve > 1e-12, curve, 1.0), 0.0)
    shift = np.where(index == mid, np.clip(shift, -0.5, 0.5), 0.0)
    return lo + index + shift, band[rows, index]


def pitch_track(samples: np.ndarray, rate: int, *, hop_s: float = HOP_S, fmin: float = FMIN_HZ,
                fmax: float = FMAX_HZ, focus: np.ndarray | None = None,
                frames: np.ndarray | None = None) -> PitchTrack:
    """F0 of mono `samples` every `hop_s`, in two passes.

    `focus` marks the frames whose F0 sets the second pass's search band (the speech);
    `frames`, when given, limits the work to those frames (the rest read unvoiced).
    """
    from trainer.analysis.signal import resample

    x8 = resample(np.asarray(samples, dtype=np.float32), rate, PITCH_RATE)
    n_frames = int(len(samples) // int(round(hop_s * rate)))
    lo, hi = _lags(fmin, fmax)
    length = WINDOW + hi
    hop = int(round(hop_s * PITCH_RATE))
    todo = np.arange(n_frames) if frames is None else np.flatnonzero(frames[:n_frames])
    f0 = np.full(n_frames, np.nan)
    aperiodicity = np.ones(n_frames)
    if len(todo) == 0:
        return PitchTrack(hop_s, f0, aperiodicity)
    padded = np.concatenate((np.zeros(length // 2, np.float32), x8, np.zeros(length, np.float32)))
    cmnd, power = _cmnd(padded, todo * hop + hop // 2, hi)  # windows centred on each frame's middle
    audible = power > SILENT_POWER
    period, dip = _pick(cmnd, lo, hi)
    voiced = (dip < VOICED_APERIODICITY) & audible
    chosen = voiced if focus is None else voiced & focus[todo]
    band = _second_pass(PITCH_RATE / period[chosen], fmin, fmax)
    if band is not None:
        period, dip = _pick(cmnd, *band)
        voiced = (dip < VOICED_APERIODICITY) & audible
    f0[todo] = np.where(voiced, PITCH_RATE / period, np.nan)
    aperiodicity[todo] = np.where(audible, dip, 1.0)
    return PitchTrack(hop_s, f0, aperiodicity)


def _second_pass(first_hz: np.ndarray, fmin: float, fmax: float) -> tuple[int, int] | None:
    """The lag band (lo, hi) around the first pass's quartiles; None when too few frames to tell."""
    if len(first_hz) < 10:
        return None
    q1, q3 = np.percentile(first_hz, [25, 75])
    lo, hi = _lags(max(fmin, SECOND_PASS[0] * q1), min(fmax, SECOND_PASS[1] * q3))
    base_lo, base_hi = _lags(fmin, fmax)
    lo, hi = max(lo, base_lo), min(hi - 1, base_hi)
    return (lo, hi) if hi - lo >= 3 else None


@dataclass(frozen=True)
class PitchStats:
    median_hz: float
    median_st: float
    range_st: float  # 10th to 90th percentile
    sd_st: float
    voiced_ratio: float  # voiced share of the frames asked about


def pitch_stats(track: PitchTrack, frames: np.ndarray) -> PitchStats | None:
    """Pitch summary over the voiced frames among `frames` (a boolean mask); None when too few."""
    frames = frames[: len(track.f0_hz)]
    total = np.count_nonzero(frames)
    f0 = track.f0_hz[: len(frames)][frames]
    f0 = f0[np.isfinite(f0)]
    if total == 0 or len(f0) < 5:
        return None
    st = semitones(f0)
    p10, p50, p90 = np.percentile(st, [10, 50, 90])
    return PitchStats(
        median_hz=float(100.0 * 2 ** (p50 / 12)),
        median_st=float(p50),
        range_st=float(p90 - p10),
        sd_st=float(np.std(st)),
        voiced_ratio=len(f0) / total,
    )


class LivePitch:
    """Pitch of a live stream, block by block, with the same tracker as the take summary.

    `push(block)` returns the median F0 (Hz) of the voiced frames that block completed
    (the resampler hands on audio in bursts, so a block may complete none: then the last
    value stands), or None when the block holds no speech (a `SpeechGate` inside
    decides) or no voicing.
    The search band narrows to the speaker's own range (the two-pass rule over the last
    three seconds of voiced frames), which keeps the meter free of octave jumps. It keeps
    a few tens of milliseconds of context, so a block costs about a millisecond. Drive one
    instance from one thread.
    """

    def __init__(self, rate: int, *, fmin: float = FMIN_HZ, fmax: float = FMAX_HZ, hop_s: float = HOP_S) -> None:
        import soxr

        from trainer.analysis.activity import SpeechGate

        self.rate = int(rate)
        self.gate = SpeechGate(rate)
        self._resampler = None if rate == PITCH_RATE else soxr.ResampleStream(rate, PITCH_RATE, 1, dtype="float32", quality="LQ")
        self._fmin, self._fmax = fmin, fmax
        self._lo, self._hi = _lags(fmin, fmax)
        self._hop = int(round(hop_s * PITCH_RATE))
        self._length = WINDOW + self._hi
        self._buffer = np.zeros(self._length, dtype=np.float32)  # silence before the stream starts
        self._next = 0  # start of the next window within the buffer
        self._recent: deque[float] = deque(maxlen=int(3.0 / hop_s))
        self._last: float | None = None

    def push(self, block: np.ndarray) -> float | None:
        x = np.asarray(block, dtype=np.float32)
        if x.ndim == 2:
            x = x.mean(axis=1, dtype=np.float32)
        speaking = self.gate.push(x).speaking
        if self._resampler is not None:
            x = self._resampler.resample_chunk(x)
        self._buffer = np.concatenate((self._buffer, x))
        count = max(0, (len(self._buffer) - self._next - self._length) // self._hop + 1)
        if not speaking:
            self._last = None
        if count == 0:
            return self._last
        starts = self._next + np.arange(count) * self._hop
        self._next += count * self._hop
        keep = self._next - self._hop
        buffer = self._buffer
        self._buffer = self._buffer[keep:]
        self._next -= keep
        if not speaking:
            return None
        cmnd, power = _cmnd(buffer, starts, self._hi)
        band = _second_pass(np.fromiter(self._recent, float), self._fmin, self._fmax) or (self._lo, self._hi)
        period, dip = _pick(cmnd, *band)
        voiced = (dip < VOICED_APERIODICITY) & (power > SILENT_POWER)
        if not voiced.any():
            self._last = None
            return None
        hz = PITCH_RATE / period[voiced]
        self._recent.extend(hz.tolist())
        self._last = float(np.median(hz))
        return self._last
