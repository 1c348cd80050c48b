"""Voice quality of a take: how pressed, forced or "sharp" the voice sounds, from its voiced frames.

A pressed or effortful voice has a flatter spectrum (more energy above 1 kHz) and a
clearer harmonic structure. The measures (eGeMAPS, Eyben et al. 2016; Hillenbrand &
Houde 1996), all ratios or differences of dB, so the microphone's gain cancels out:

- long-term spectrum: 20 ms Hamming frames centred on each voiced 10 ms frame, their power
  spectra averaged (512-point FFT at 16 kHz, bins 31.25 Hz apart);
- alpha ratio: 10·log10(power 1-5 kHz / power 50 Hz-1 kHz); rises with effort;
- Hammarberg index: 10·log10(strongest bin 0-2 kHz / strongest bin 2-5 kHz); falls with effort;
- spectral slopes: least-squares slope of the dB spectrum against frequency, in dB per kHz,
  over 0-500 Hz (from the first bin above 0 Hz) and 500-1500 Hz;
- CPPS: the cepstral peak prominence, smoothed, computed as Praat's `To PowerCepstrogram: 60,
  0.002, 5000, 50` then `Get CPPS: no, 0.01, 0.001, 60, 330, 0.05, parabolic, 0.001, 0,
  Straight, Robust` does, on voiced frames 20 ms apart (about every other one): a 0.1 s
  Gaussian window, the power spectrum up to 5 kHz (as Praat's resampling to 10 kHz keeps it)
  with Praat's pre-emphasis from 50 Hz, the power cepstrum of its natural log, averaged over
  1 ms of quefrency, in dB; a Theil (robust, incomplete) line through the whole cepstrum (with
  those settings Praat fits from 0 s: its end quefrency 0 means "all"); the peak between
  1/330 s and 1/60 s with parabolic interpolation; CPP = peak minus line. Praat also averages
  over 10 ms of time at a 2 ms step; with frames 20 ms apart that step is skipped (on the
  shared voices the result stays within 0.4 dB of Praat's, resampled variants included).

Each is None when the take has less than `MIN_VOICED_S` of voiced speech.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from trainer.analysis.signal import db

MIN_VOICED_S = 2.0
RATE = 16000  # the analysis copy of the take

SPECTRUM_FRAME = 320  # 20 ms at 16 kHz
SPECTRUM_FFT = 512
ALPHA_LOW_HZ, ALPHA_SPLIT_HZ, ALPHA_HIGH_HZ = 50.0, 1000.0, 5000.0
HAMMARBERG_SPLIT_HZ, HAMMARBERG_HIGH_HZ = 2000.0, 5000.0
SLOPE_BANDS_HZ = ((0.0, 500.0), (500.0, 1500.0))

CPP_WINDOW_S = 0.1  # Praat: 2 x 3 periods of the 60 Hz pitch floor, Gaussian
CPP_STEP_S = 0.02
CPP_FMAX_HZ = 5000.0  # Praat resamples to 10 kHz
CPP_BINS = 513  # 0-5 kHz in Praat's 1024-point FFT at 10 kHz
CPP_QUEFRENCY_S = 1.0 / (2 * CPP_FMAX_HZ)  # 0.1 ms
CPP_PRE_EMPHASIS_HZ = 50.0
CPP_PITCH_HZ = (60.0, 330.0)
CPP_SMOOTH_S = 0.001


@dataclass(frozen=True)
class VoiceQuality:
    """Spectral tilt and harmonic clarity of a take's voiced speech (dB; None when too little)."""

    alpha_ratio_db: float | None
    hammarberg_db: float | None
    slope_0_500_db_per_khz: float | None
    slope_500_1500_db_per_khz: float | None
    cpps_db: float | None


NOT_MEASURED = VoiceQuality(None, None, None, None, None)


def voice_quality(samples: np.ndarray, voiced: np.ndarray, *, rate: int = RATE, hop_s: float = 0.01
                  ) -> VoiceQuality:
    """The voice-quality measures of mono `samples` over the frames marked in `voiced`.

    `voiced[i]` marks frame i, which covers [i·hop_s, (i+1)·hop_s) of the samples (the
    take analysis's voiced speech frames).
    """
    frames = np.flatnonzero(np.asarray(voiced, dtype=bool))
    if len(frames) * hop_s < MIN_VOICED_S:
        return NOT_MEASURED
    x = np.asarray(samples, dtype=np.float32)
    if rate != RATE:
        from trainer.analysis.signal import resample

        x, rate = resample(x, rate, RATE), RATE
    centres = np.round((frames + 0.5) * hop_s * rate).astype(np.int64)
    freqs, power = long_term_spectrum(x, centres)
    low, high = SLOPE_BANDS_HZ
    step = max(1, int(round(CPP_STEP_S / hop_s)))
    return VoiceQuality(
        alpha_ratio_db=_round(alpha_ratio_db(freqs, power)),
        hammarberg_db=_round(hammarberg_db(freqs, power)),
        slope_0_500_db_per_khz=_round(spectral_slope(freqs, power, *low)),
        slope_500_1500_db_per_khz=_round(spectral_slope(freqs, power, *high)),
        cpps_db=_round(float(np.mean(cepstral_peak_prominence(x, centres[::step])))),
    )


def _round(value: float) -> float | None:
    return round(float(value), 2) if np.isfinite(value) else None


def _frames(x: np.ndarray, centres: np.ndarray, length: int) -> np.ndarray:
    """(len(centres), length) windows of `x` centred on `centres`, silence beyond its ends."""
    half = length // 2
    padded = np.concatenate((np.zeros(half, np.float32), x, np.zeros(length, np.float32)))
    return sliding_window_view(padded, length)[centres]


def long_term_spectrum(x: np.ndarray, centres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Frequencies (Hz) and the mean power spectrum of 20 ms Hamming frames at `centres` (16 kHz)."""
    from scipy import fft

    frames = _frames(x, centres, SPECTRUM_FRAME) * np.hamming(SPECTRUM_FRAME).astype(np.float32)
    spectrum = fft.rfft(frames, SPECTRUM_FFT, axis=1)
    power = (spectrum.real ** 2 + spectrum.imag ** 2).mean(axis=0, dtype=np.float64)
    return np.fft.rfftfreq(SPECTRUM_FFT, 1 / RATE), power


def _band(freqs: np.ndarray, lo: float, hi: float, *, include_hi: bool = True) -> np.ndarray:
    return (freqs >= lo) & ((freqs <= hi) if include_hi else (freqs < hi))


def alpha_ratio_db(freqs: np.ndarray, power: np.ndarray) -> float:
    """10·log10(power 1-5 kHz / power 50 Hz-1 kHz)."""
    high = power[_band(freqs, ALPHA_SPLIT_HZ, ALPHA_HIGH_HZ)].sum()
    low = power[_band(freqs, ALPHA_LOW_HZ, ALPHA_SPLIT_HZ, include_hi=False)].sum()
    return float(db(high) - db(low))


def hammarberg_db(freqs: np.ndarray, power: np.ndarray) -> float:
    """10·log10(strongest bin 0-2 kHz / strongest bin above 2 kHz up to 5 kHz)."""
    low = power[freqs <= HAMMARBERG_SPLIT_HZ].max()
    high = power[(freqs > HAMMARBERG_SPLIT_HZ) & (freqs <= HAMMARBERG_HIGH_HZ)].max()
    return float(db(low) - db(high))


def spectral_slope(freqs: np.ndarray, power: np.ndarray, lo: float, hi: float) -> float:
    """Least-squares slope of the dB spectrum over lo..hi Hz (bins above 0 Hz), in dB per kHz."""
    inside = _band(freqs, lo, hi) & (freqs > 0)
    slope, _ = np.polyfit(freqs[inside] / 1000.0, db(power[inside]), 1)
    return float(slope)


def _cepstrum_setup(rate: int) -> tuple[int, int, np.ndarray, np.ndarray]:
    """Window length, FFT length (bins 10000/1024 Hz apart, as Praat's), the Gaussian window
    (Praat's shape) and the pre-emphasis weight of each kept bin."""
    window = int(round(CPP_WINDOW_S * rate))
    n_fft = int(round(rate * (CPP_BINS - 1) * 2 / (2 * CPP_FMAX_HZ)))
    i = np.arange(1, window + 1)
    edge = np.exp(-12.0)
    gauss = (np.exp(-48.0 * (i - 0.5 * (window + 1)) ** 2 / (window + 1) ** 2) - edge) / (1 - edge)
    freqs = np.arange(CPP_BINS) * rate / n_fft
    a = np.exp(-2 * np.pi * CPP_PRE_EMPHASIS_HZ / (2 * CPP_FMAX_HZ))
    emphasis = np.abs(1 - a * np.exp(-2j * np.pi * freqs / (2 * CPP_FMAX_HZ))) ** 2
    return window, n_fft, gauss.astype(np.float32), emphasis.astype(np.float32)


def cepstral_peak_prominence(x: np.ndarray, centres: np.ndarray, rate: int = RATE) -> np.ndarray:
    """CPP (dB) of the frames centred on `centres` (sample indices), smoothed over 1 ms of quefrency."""
    from scipy import fft
    from scipy.ndimage import convolve1d

    window, n_fft, gauss, emphasis = _cepstrum_setup(rate)
    frames = _frames(np.asarray(x, dtype=np.float32), centres, window)
    frames = (frames - frames.mean(axis=1, keepdims=True)) * gauss
    spectrum = fft.rfft(frames, n_fft, axis=1)[:, :CPP_BINS]
    log_power = np.log((spectrum.real ** 2 + spectrum.imag ** 2) * emphasis + np.float32(1e-30))
    cepstrum = fft.dct(log_power, type=1, axis=1)  # the inverse FFT of an even, real log spectrum
    taps = int(round(CPP_SMOOTH_S / CPP_QUEFRENCY_S))  # 10 bins: a 1 ms mean, half weight at both ends
    kernel = np.ones(taps + 1, np.float32)
    kernel[[0, -1]] = 0.5
    power = convolve1d(cepstrum * cepstrum, kernel / kernel.sum(), axis=1, mode="nearest")
    level = np.float32(10.0) * np.log10(power + np.float32(1e-30))
    quefrency = (np.arange(CPP_BINS) * CPP_QUEFRENCY_S).astype(np.float32)
    slope, intercept = _theil_line(quefrency, level)
    lo = int(np.ceil(1.0 / CPP_PITCH_HZ[1] / CPP_QUEFRENCY_S))
    hi = int(np.floor(1.0 / CPP_PITCH_HZ[0] / CPP_QUEFRENCY_S))
    peak, where = _parabolic_peak(level[:, lo: hi + 1])
    return (peak - (slope * (lo + where) * CPP_QUEFRENCY_S + intercept)).astype(np.float64)


def _theil_line(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Theil's incomplete robust line per row of y: the median slope between the points i and
    i + ceil(n/2), then the median intercept (medians by sorting, which numpy does fastest)."""
    n = len(x)
    half = n // 2
    shift = n - half
    slopes = np.sort((y[:, shift: shift + half] - y[:, :half]) / (x[shift: shift + half] - x[:half]), axis=1)
    slope = _middle(slopes)
    intercept = _middle(np.sort(y - slope[:, None] * x, axis=1))
    return slope, intercept


def _middle(rows: np.ndarray) -> np.ndarray:
    """The median of each sorted row."""
    n = rows.shape[1]
    return rows[:, n // 2] if n % 2 else 0.5 * (rows[:, n // 2 - 1] + rows[:, n // 2])


def _parabolic_peak(band: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The maximum of each row and its fractional position, refined by a parabola through the
    neighbours (not at the edges of the band)."""
    rows = np.arange(len(band))
    index = np.argmax(band, axis=1)
    mid = np.clip(index, 1, band.shape[1] - 2)
    left, centre, right = band[rows, mid - 1], band[rows, index], band[rows, mid + 1]
    curve = left - 2.0 * centre + right
    inner = (index == mid) & (curve < 0)
    shift = np.where(inner, 0.5 * (left - right) / np.where(inner, curve, -1.0), 0.0)
    return centre - 0.25 * (left - right) * shift, index + shift
