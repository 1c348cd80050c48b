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


def _window_starts(frames: np.ndarray, hop: int, rate: int) -> np.ndarray:
    """Where each frame's window starts in the 8 kHz signal padded with half a window of silence:
    centred on the middle of the frame's `hop` input samples."""
    return np.round((frames * hop + hop / 2) * PITCH_RATE / rate).astype(np.int64)


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
    hop = max(1, int(round(hop_s * rate)))
    n_frames = len(samples) // hop
    lo, hi = _lags(fmin, fmax)
    length = WINDOW + hi
    todo = np.arange(n_frames) if frames is None else np.flatnonzero(frames[:n_frames])
    f0 = np.full(n_frames, np.nan)
    aperiodicity = np.ones(n_frames)
    if len(todo) == 0:
        return PitchTrack(hop_s, f0, aperiodicity)
    padded = np.concatenate((np.zeros(length // 2, np.float32), x8, np.zeros(length, np.float32)))
    cmnd, power = _cmnd(padded, _window_starts(todo, hop, rate), hi)
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
    """F0 of a live stream, 10 ms frame by frame, with the same tracker as the take summary.

    `push(block)` returns the F0 (Hz, NaN where unvoiced) of each frame the block completed;
    frame k covers input samples [k·hop, (k+1)·hop), as in `pitch_track`, so the frames line
    up with a level meter's. A frame is ready a few tens of milliseconds after its end (its
    window reaches past it, and the resampler holds a little back); `finish()` returns the
    rest. The search band narrows to the speaker's own range (the two-pass rule over the last
    three seconds of voiced frames), which keeps it free of octave jumps. A block of 1/15 s
    costs about a millisecond. Drive one instance from one thread.
    """

    def __init__(self, rate: int, *, hop: int | None = None, fmin: float = FMIN_HZ, fmax: float = FMAX_HZ) -> None:
        import soxr
        from scipy import fft  # noqa: F401  (imported now: the first frame must not wait for it)

        self.rate = int(rate)
        self.hop = hop or max(1, int(round(HOP_S * rate)))  # input samples per frame
        self._resampler = None if rate == PITCH_RATE else soxr.ResampleStream(rate, PITCH_RATE, 1, dtype="float32",
                                                                               quality="LQ")
        self._fmin, self._fmax = fmin, fmax
        self._lo, self._hi = _lags(fmin, fmax)
        self._length = WINDOW + self._hi
        self._buffer = np.zeros(self._length // 2, dtype=np.float32)  # silence before the stream, as pitch_track pads
        self._offset = 0  # position of _buffer[0] in the padded 8 kHz stream
        self._samples = 0  # input samples pushed
        self.frames = 0  # frames returned so far
        self._recent: deque[float] = deque(maxlen=int(round(3.0 * rate / self.hop)))

    def push(self, block: np.ndarray) -> np.ndarray:
        x = np.asarray(block, dtype=np.float32)
        if x.ndim == 2:
            x = x.mean(axis=1, dtype=np.float32)
        self._samples += len(x)
        if self._resampler is not None:
            x = self._resampler.resample_chunk(x)
        self._buffer = np.concatenate((self._buffer, x))
        return self._track(self._offset + len(self._buffer))

    def finish(self) -> np.ndarray:
        """The frames still pending at the end of the stream (its end reads as silence)."""
        tail = self._resampler.resample_chunk(np.zeros(0, np.float32), last=True) if self._resampler else np.zeros(0)
        self._buffer = np.concatenate((self._buffer, tail.astype(np.float32), np.zeros(self._length, np.float32)))
        return self._track(self._offset + len(self._buffer))

    def _track(self, available: int) -> np.ndarray:
        complete = self._samples // self.hop  # frames whose input has fully arrived
        candidates = np.arange(self.frames, complete)
        starts = _window_starts(candidates, self.hop, self.rate)
        ready = candidates[starts + self._length <= available]
        if len(ready) == 0:
            return np.zeros(0)
        starts = starts[: len(ready)] - self._offset
        cmnd, power = _cmnd(self._buffer, starts, self._hi)
        band = _second_pass(np.fromiter(self._recent, float), self._fmin, self._fmax) or (self._lo, self._hi)
        period, dip = _pick(cmnd, *band)
        voiced = (dip < VOICED_APERIODICITY) & (power > SILENT_POWER)
        f0 = np.where(voiced, PITCH_RATE / period, np.nan)
        self._recent.extend(f0[voiced].tolist())
        self.frames += len(ready)
        keep = int(_window_starts(np.array([self.frames]), self.hop, self.rate)[0]) - self._offset
        self._buffer = self._buffer[keep:]
        self._offset += keep
        return f0
