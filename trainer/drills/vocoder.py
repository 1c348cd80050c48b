"""Reshaping a rendered voice with the WORLD vocoder (pyworld, MIT; the optional `voices` extra).

WORLD splits speech into its pitch contour (F0), its spectral envelope (the vocal tract)
and its aperiodicity (breath and noise), and puts them back together. Changing them
separately turns piper's one male reader into other people and other moods:

- pitch level: the contour moved by semitones (the clip's length does not change);
- pitch range: the contour scaled around its mean, in semitones (1.5 = 50 % wider);
- formant scale: the envelope stretched along frequency, as a shorter (above 1) or longer
  (below 1) vocal tract would: women's and children's formants sit about 15-20 % higher;
- tilt: high frequencies raised (a tense, pressed voice) or lowered (a lax one), in dB at
  4 kHz and above relative to 500 Hz and below, rising evenly in between on a log scale;
- breathiness: aperiodic (noise) energy mixed into the harmonics above about 1 kHz.

Everything here is a pure function on numpy arrays; pyworld is imported on first use.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FRAME_MS = 5.0
F0_CEILING_HZ = 500.0
TILT_FROM_HZ = 500.0
TILT_TO_HZ = 4000.0
BREATH_FROM_HZ = 800.0
BREATH_TO_HZ = 3000.0
OCTAVE_ST = 12.0
JUMP_ST = 7.0  # a frame this far from the running median is an octave error, folded back
MEDIAN_FRAMES = 31  # 155 ms at 5 ms frames
HARVEST_FLOOR_HZ = 40.0  # Harvest fills YIN's gaps searching from here ...
HARVEST_CEILING = 2.0  # ... to this many times the median F0
FILL_BAND = (0.75, 1.5)  # the values it fills in are kept within this share of YIN's quartiles


@dataclass(frozen=True)
class Shape:
    """How to reshape a voice; the defaults leave it as it is."""

    pitch_st: float = 0.0
    pitch_range: float = 1.0
    formant_scale: float = 1.0
    tilt_db: float = 0.0
    breathiness: float = 0.0


@dataclass(frozen=True, eq=False)
class Analysis:
    """WORLD's view of a signal: F0 per 5 ms frame (0 = unvoiced), envelope, aperiodicity."""

    rate: int
    f0_hz: np.ndarray
    envelope: np.ndarray  # power spectrum per frame, fft_size // 2 + 1 bins
    aperiodicity: np.ndarray  # same shape, 0 = periodic, 1 = noise

    @property
    def voiced(self) -> np.ndarray:
        return self.f0_hz > 0


def _running_median(values: np.ndarray, width: int) -> np.ndarray:
    from numpy.lib.stride_tricks import sliding_window_view

    half = width // 2
    padded = np.concatenate((np.full(half, np.nan), values, np.full(half, np.nan)))
    windows = sliding_window_view(padded, width)
    out = np.full(len(values), np.nan)
    some = np.isfinite(windows).any(axis=1)
    out[some] = np.nanmedian(windows[some], axis=1)
    return out


def clean_contour(f0_hz: np.ndarray) -> np.ndarray:
    """F0 with octave errors folded back towards the running median (150 ms) of the voiced frames.

    WORLD's trackers sometimes read a low male voice an octave high on vowels whose second
    harmonic is strong; resynthesised, such a frame would squeak.
    """
    voiced = f0_hz > 0
    if np.count_nonzero(voiced) < 3:
        return f0_hz.copy()
    st = np.where(voiced, OCTAVE_ST * np.log2(np.where(voiced, f0_hz, 1.0)), np.nan)
    overall = np.nanmedian(st)
    local = _running_median(st, MEDIAN_FRAMES)
    local = np.where(np.isfinite(local), local, overall)
    # the local median itself can sit on a run of errors: keep it within an octave's half of the take's
    local = np.clip(local, overall - JUMP_ST, overall + JUMP_ST)
    folded = st.copy()
    for _ in range(3):
        folded = np.where(folded - local > JUMP_ST, folded - OCTAVE_ST, folded)
        folded = np.where(local - folded > JUMP_ST, folded + OCTAVE_ST, folded)
    return np.where(voiced, 2.0 ** (np.nan_to_num(folded) / OCTAVE_ST), 0.0)


def contour(samples: np.ndarray, rate: int) -> np.ndarray:
    """F0 every 5 ms (0 = unvoiced) for resynthesis.

    Level Voice's own tracker (YIN, whose median agrees with Praat's) gives the voiced
    frames; Harvest, searched from 40 Hz to twice that median, fills the frames YIN
    leaves unvoiced at the edges of voiced stretches and in creak (left to noise, they
    would make the voice hoarse); octave jumps are then folded back. Harvest alone reads
    piper's reader an octave high on half his frames.
    """
    import pyworld

    from trainer.analysis.pitch import PITCH_RATE, pitch_track
    from trainer.analysis.signal import resample

    mono = np.asarray(samples, dtype=np.float32)
    frames = int(len(mono) / rate / (FRAME_MS / 1000)) + 1
    track = pitch_track(resample(mono, rate, PITCH_RATE), PITCH_RATE, hop_s=FRAME_MS / 1000)
    yin = np.pad(np.nan_to_num(track.f0_hz), (0, frames))[:frames]
    if np.count_nonzero(yin) < 3:
        return np.zeros(frames)
    ceiling = min(F0_CEILING_HZ, HARVEST_CEILING * float(np.median(yin[yin > 0])))
    harvest, _ = pyworld.harvest(mono.astype(np.float64), rate, f0_floor=HARVEST_FLOOR_HZ, f0_ceil=ceiling,
                                 frame_period=FRAME_MS)
    harvest = np.pad(harvest, (0, frames))[:frames]
    q1, q3 = np.percentile(yin[yin > 0], [25, 75])
    filled = np.where(harvest > 0, np.clip(harvest, FILL_BAND[0] * q1, FILL_BAND[1] * q3), 0.0)
    return clean_contour(np.where(yin > 0, yin, filled))


def analyse(samples: np.ndarray, rate: int) -> Analysis:
    """WORLD analysis of mono `samples`: the F0 `contour`, then CheapTrick's envelope and D4C's aperiodicity."""
    import pyworld

    x = np.ascontiguousarray(samples, dtype=np.float64)
    f0 = contour(samples, rate)
    times = np.arange(len(f0)) * (FRAME_MS / 1000)
    envelope = pyworld.cheaptrick(x, f0, times, rate)
    aperiodicity = pyworld.d4c(x, f0, times, rate)
    return Analysis(rate, f0, envelope, aperiodicity)


def restore_fundamental(analysis: Analysis) -> Analysis:
    """The envelope below the second harmonic raised to its level there, frame by frame.

    piper's reader has almost no energy at his fundamental (H1 about 30 dB below H2, as
    in band-limited recordings; natural voices measure about -3..+5 dB), which makes him
    thin and makes pitch trackers hear him an octave high. Below twice his median F0 the
    envelope is lifted to its value at that frequency, so H1 comes back to about H2's level.
    """
    voiced = analysis.voiced
    if not voiced.any():
        return analysis
    bins = analysis.envelope.shape[1]
    corner = 2.0 * float(np.median(analysis.f0_hz[voiced]))
    corner_bin = min(bins - 1, int(round(corner / (analysis.rate / 2) * (bins - 1))))
    envelope = analysis.envelope.copy()
    envelope[:, :corner_bin] = np.maximum(envelope[:, :corner_bin], envelope[:, corner_bin:corner_bin + 1])
    return Analysis(analysis.rate, analysis.f0_hz, envelope, analysis.aperiodicity)


def scale_contour(f0_hz: np.ndarray, *, pitch_st: float = 0.0, pitch_range: float = 1.0) -> np.ndarray:
    """The contour scaled by `pitch_range` around its mean (in semitones) and moved by `pitch_st`."""
    voiced = f0_hz > 0
    if not voiced.any():
        return f0_hz.copy()
    st = OCTAVE_ST * np.log2(np.where(voiced, f0_hz, 1.0))
    mean = st[voiced].mean()
    shaped = mean + pitch_range * (st - mean) + pitch_st
    return np.where(voiced, 2.0 ** (shaped / OCTAVE_ST), 0.0)


def warp_frequency(spectra: np.ndarray, scale: float) -> np.ndarray:
    """Each row (bins 0..Nyquist) stretched along frequency by `scale`: new(f) = old(f / scale)."""
    if scale == 1.0:
        return spectra.copy()
    bins = spectra.shape[1]
    source = np.arange(bins) / scale
    lower = np.clip(np.floor(source).astype(int), 0, bins - 1)
    upper = np.clip(lower + 1, 0, bins - 1)
    weight = np.clip(source - lower, 0.0, 1.0)
    weight[source >= bins - 1] = 0.0
    return spectra[:, lower] * (1.0 - weight) + spectra[:, upper] * weight


def _ramp(bins: int, rate: int, low_hz: float, high_hz: float) -> np.ndarray:
    """0 at and below `low_hz`, 1 at and above `high_hz`, linear in log frequency between."""
    freqs = np.linspace(0.0, rate / 2, bins)
    position = np.log2(np.maximum(freqs, 1.0) / low_hz) / np.log2(high_hz / low_hz)
    return np.clip(position, 0.0, 1.0)


def tilt_gain(bins: int, rate: int, tilt_db: float) -> np.ndarray:
    """Power gain per bin for a tilt of `tilt_db` (at 4 kHz and above, relative to 500 Hz and below)."""
    return 10.0 ** (tilt_db * _ramp(bins, rate, TILT_FROM_HZ, TILT_TO_HZ) / 10.0)


def reshape(analysis: Analysis, shape: Shape) -> Analysis:
    """The analysis with `shape` applied (pitch level and range, formants, tilt, breath)."""
    bins = analysis.envelope.shape[1]
    f0 = scale_contour(analysis.f0_hz, pitch_st=shape.pitch_st, pitch_range=shape.pitch_range)
    envelope = warp_frequency(analysis.envelope, shape.formant_scale) * tilt_gain(bins, analysis.rate, shape.tilt_db)
    aperiodicity = warp_frequency(analysis.aperiodicity, shape.formant_scale)
    if shape.breathiness:
        mix = shape.breathiness * _ramp(bins, analysis.rate, BREATH_FROM_HZ, BREATH_TO_HZ)
        aperiodicity = aperiodicity + (1.0 - aperiodicity) * mix
    return Analysis(analysis.rate, f0, np.maximum(envelope, 1e-16), np.clip(aperiodicity, 0.001, 0.999))


def synthesise(analysis: Analysis) -> np.ndarray:
    """The waveform WORLD makes from an analysis (float64)."""
    import pyworld

    return pyworld.synthesize(np.ascontiguousarray(analysis.f0_hz), np.ascontiguousarray(analysis.envelope),
                              np.ascontiguousarray(analysis.aperiodicity), analysis.rate, FRAME_MS)


def transform(samples: np.ndarray, rate: int, shape: Shape) -> np.ndarray:
    """`samples` re-spoken with `shape` (same length and rate, float32)."""
    out = synthesise(reshape(restore_fundamental(analyse(samples, rate)), shape))[: len(samples)]
    return np.pad(out, (0, len(samples) - len(out))).astype(np.float32)
