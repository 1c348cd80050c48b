"""Voice quality (alpha ratio, Hammarberg index, spectral slopes, CPPS): known sources read as
their formulas say, gain and the recording's sample rate change nothing, CPPS agrees with Praat."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from tests.analysis.conftest import features_of, voice
from tests.analysis.variants import brighter, gain, resample_shift
from trainer.analysis import acoustic_features
from trainer.analysis.signal import resample
from trainer.analysis.take import voiced_speech
from trainer.analysis.voice_quality import (
    MIN_VOICED_S,
    alpha_ratio_db,
    cepstral_peak_prominence,
    hammarberg_db,
    spectral_slope,
    voice_quality,
)

RATE = 16000
QUALITY = ("alpha_ratio_db", "hammarberg_db", "slope_0_500_db_per_khz", "slope_500_1500_db_per_khz", "cpps_db")
TOP_HZ = 7800.0  # harmonics stay below the 8 kHz Nyquist frequency


def amplitude(k: np.ndarray, tilt_db_per_octave: float) -> np.ndarray:
    """Harmonic k's amplitude for a source falling `tilt` dB per octave (harmonic 1 at 0 dB)."""
    return k ** (tilt_db_per_octave / (20 * np.log10(2)))


def harmonic_voice(tilt: float, *, f0_range=(90.0, 150.0), seconds: float = 8.0, phrase_s: float = 1.3,
                   seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A voice-like harmonic sound with a known source tilt: phrases whose pitch falls from the top
    to the bottom of `f0_range`, syllables of 150-300 ms at levels within 6 dB, short gaps.
    Returns the samples, f0 and the syllable envelope per sample."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    low, high = f0_range
    f0 = high * (low / high) ** ((t % phrase_s) / phrase_s)
    phase = 2 * np.pi * np.cumsum(f0) / RATE
    x = np.zeros_like(t)
    for k in range(1, int(TOP_HZ // low) + 1):
        x += np.where(k * f0 < TOP_HZ, amplitude(k, tilt) * np.sin(k * phase + rng.uniform(0, 2 * np.pi)), 0.0)
    envelope = np.zeros_like(t)
    start = 0.3
    while start < seconds - 0.6:
        length = int(rng.uniform(0.15, 0.3) * RATE)
        first = int(start * RATE)
        envelope[first: first + length] = np.hanning(length) * 10 ** (rng.uniform(-6, 0) / 20)
        start += length / RATE + rng.uniform(0.03, 0.12)
    x *= envelope
    x *= 0.1 / np.sqrt(np.mean(x[envelope > 0] ** 2))
    return x.astype(np.float32), f0, envelope


def expected_spectrum(tilt: float, f0: np.ndarray, envelope: np.ndarray, frames: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray]:
    """The long-term spectrum the definition predicts for these frames: each frame's harmonics (their
    known frequencies and amplitudes) seen through the 20 ms Hamming window, by the window's own
    Fourier transform (evaluated directly, no FFT of the signal), averaged over the frames."""
    window = np.hamming(320)
    grid = np.arange(0.0, RATE / 2 + 0.5, 0.5)
    response = np.abs(np.exp(-2j * np.pi * np.outer(grid, np.arange(320)) / RATE) @ window) ** 2
    bins = np.fft.rfftfreq(512, 1 / RATE)
    power = np.zeros(len(bins))
    for frame in frames:
        centre = int(round((frame + 0.5) * 160))
        k = np.arange(1, int(TOP_HZ // f0[centre]) + 1)
        strength = envelope[centre] ** 2 * amplitude(k, tilt) ** 2
        for sign in (-1, 1):
            power += np.interp(np.abs(bins[:, None] + sign * k * f0[centre]), grid, response) @ strength
    return bins, power / len(frames)


@pytest.mark.parametrize("tilt", [-12.0, -6.0])
def test_tilt_measures_are_what_the_known_source_predicts(tilt):
    samples, f0, envelope = harmonic_voice(tilt)
    measured = acoustic_features(samples, RATE)
    _, voiced = voiced_speech(samples, RATE)
    assert np.count_nonzero(voiced) * 0.01 > 4.0  # the synthetic voice reads as voiced speech
    freqs, power = expected_spectrum(tilt, f0, envelope, np.flatnonzero(voiced))
    assert measured.alpha_ratio_db == pytest.approx(alpha_ratio_db(freqs, power), abs=0.3)
    assert measured.hammarberg_db == pytest.approx(hammarberg_db(freqs, power), abs=0.3)
    assert measured.slope_0_500_db_per_khz == pytest.approx(spectral_slope(freqs, power, 0, 500), abs=0.3)
    assert measured.slope_500_1500_db_per_khz == pytest.approx(spectral_slope(freqs, power, 500, 1500), abs=0.3)


@pytest.mark.parametrize("tilt", [-12.0, -6.0])
def test_alpha_ratio_and_hammarberg_of_a_steady_voice_are_its_harmonic_energy_ratios(tilt):
    """At a steady 222 Hz no harmonic lies within a window's main lobe (100 Hz) of 1 or 5 kHz, so the
    band energies are the harmonics' own: no window, no spectrum needed to predict them."""
    f0 = 222.0
    samples, _, _ = harmonic_voice(tilt, f0_range=(f0, f0))
    measured = acoustic_features(samples, RATE)
    freqs = f0 * np.arange(1, int(TOP_HZ // f0) + 1)
    power = amplitude(freqs / f0, tilt) ** 2
    high, low = power[(freqs >= 1000) & (freqs <= 5000)].sum(), power[(freqs >= 50) & (freqs < 1000)].sum()
    assert measured.alpha_ratio_db == pytest.approx(10 * np.log10(high / low), abs=0.3)
    strongest_high = power[(freqs > 2000) & (freqs <= 5000)].max()
    assert measured.hammarberg_db == pytest.approx(10 * np.log10(power[freqs <= 2000].max() / strongest_high), abs=0.3)


def test_the_band_formulas_on_spectra_built_by_hand():
    freqs = np.fft.rfftfreq(512, 1 / RATE)
    line = 10 ** ((3.0 - 7.5 * freqs / 1000) / 10)  # a straight -7.5 dB/kHz dB spectrum
    assert spectral_slope(freqs, line, 0, 500) == pytest.approx(-7.5)
    assert spectral_slope(freqs, line, 500, 1500) == pytest.approx(-7.5)
    flat = np.ones_like(freqs)  # equal power per bin: the ratio of the bin counts
    low, high = np.count_nonzero((freqs >= 50) & (freqs < 1000)), np.count_nonzero((freqs >= 1000) & (freqs <= 5000))
    assert alpha_ratio_db(freqs, flat) == pytest.approx(10 * np.log10(high / low))
    peaks = flat.copy()
    peaks[np.searchsorted(freqs, 500)] = 1000.0  # 30 dB at 500 Hz, 10 dB at 3 kHz
    peaks[np.searchsorted(freqs, 3000)] = 10.0
    assert hammarberg_db(freqs, peaks) == pytest.approx(20.0)


def test_a_flatter_source_reads_brighter_on_every_tilt_measure():
    steep, flat = (acoustic_features(harmonic_voice(tilt)[0], RATE) for tilt in (-12.0, -6.0))
    assert flat.alpha_ratio_db > steep.alpha_ratio_db + 10
    assert flat.hammarberg_db < steep.hammarberg_db - 10
    assert flat.slope_500_1500_db_per_khz > steep.slope_500_1500_db_per_khz + 5


@pytest.mark.parametrize("change_db", [6.0, -10.0, -20.0])
def test_gain_moves_no_voice_quality_measure(speech, change_db):
    path, samples, rate = speech
    base, changed = features_of(path), acoustic_features(gain(samples, change_db), rate)
    for key in QUALITY:
        assert abs(getattr(changed, key) - getattr(base, key)) <= 0.2, key
    assert changed.loudness_dbfs - base.loudness_dbfs == pytest.approx(change_db, abs=0.1)


def test_the_recording_rate_does_not_matter(speech):
    path, samples, rate = speech
    base, at_48k = features_of(path), acoustic_features(resample(samples, rate, 48000), 48000)
    for key in QUALITY:
        assert abs(getattr(at_48k, key) - getattr(base, key)) <= 0.2, key


def test_real_voices_read_in_the_usual_ranges(speech):
    path, _, _ = speech
    f = features_of(path)
    assert -20 < f.alpha_ratio_db < 0  # read speech: the band below 1 kHz holds most energy
    assert 10 < f.hammarberg_db < 40
    assert -30 < f.slope_500_1500_db_per_khz < 0
    assert 5 < f.cpps_db < 15


def test_a_brighter_voice_reads_as_a_higher_alpha_ratio(speech):
    """The same speech with everything above 1 kHz 4 dB stronger."""
    path, samples, rate = speech
    base, bright = features_of(path), acoustic_features(brighter(samples, rate, 4.0), rate)
    assert 3.0 < bright.alpha_ratio_db - base.alpha_ratio_db < 4.5
    assert bright.hammarberg_db < base.hammarberg_db


def test_too_little_voiced_speech_measures_nothing():
    samples, _, _ = harmonic_voice(-6.0, seconds=3.0)
    short = acoustic_features(samples, RATE)
    _, voiced = voiced_speech(samples, RATE)
    assert np.count_nonzero(voiced) * 0.01 < MIN_VOICED_S
    assert all(getattr(short, key) is None for key in QUALITY)
    assert all(v is None for v in vars(voice_quality(samples, np.zeros(300, bool))).values())
    silent = acoustic_features(np.zeros(RATE * 3, np.float32), RATE)
    assert all(getattr(silent, key) is None for key in QUALITY)


def test_enough_voiced_speech_measures_everything():
    samples, _, _ = harmonic_voice(-6.0, seconds=4.5)
    _, voiced = voiced_speech(samples, RATE)
    assert np.count_nonzero(voiced) * 0.01 >= MIN_VOICED_S
    measured = acoustic_features(samples, RATE)
    assert all(isinstance(getattr(measured, key), float) for key in QUALITY)


# -- CPPS against Praat (praat-parselmouth, test extra) ------------------------------------------

VARIANTS = {"as recorded": 0.0, "resampled +2 st": 2.0, "resampled -3 st": -3.0}


def praat_cpp_frames(samples: np.ndarray, rate: int, tmp_path) -> tuple[np.ndarray, np.ndarray, float]:
    """Praat's smoothed CPP per 2 ms frame (times, values) and its `Get CPPS` of the whole sound."""
    parselmouth = pytest.importorskip("parselmouth")
    from parselmouth.praat import call

    cepstrogram = call(parselmouth.Sound(samples.astype(np.float64), rate), "To PowerCepstrogram", 60, 0.002, 5000, 50)
    cpps = call(cepstrogram, "Get CPPS", False, 0.01, 0.001, 60, 330, 0.05, "parabolic", 0.001, 0, "Straight",
                "Robust")
    table = call(call(cepstrogram, "Smooth", 0.01, 0.001), "To Table (peak prominence)", 60, 330, 0.05,
                 "parabolic", 0.001, 0, "Straight", "Robust")
    path = tmp_path / "cpp.tsv"
    call(table, "Save as tab-separated file", str(path))
    with open(path) as file:
        rows = np.array(list(csv.reader(file, delimiter="\t"))[1:], dtype=float)
    return rows[:, 0], rows[:, 2], cpps


@pytest.mark.slow
@pytest.mark.parametrize("variant", VARIANTS)
def test_cpps_agrees_with_praat_within_1_db(speech_file, variant, tmp_path):
    samples, rate = voice(speech_file)
    if VARIANTS[variant]:
        samples = resample_shift(samples, rate, VARIANTS[variant])
    times, praat_frames, praat_cpps = praat_cpp_frames(samples, rate, tmp_path)
    # the whole sound, every 20 ms, as Praat's Get CPPS averages every frame
    x = resample(samples, rate, RATE)
    centres = np.arange(0.05, len(x) / RATE - 0.05, 0.02)
    ours_all = float(np.mean(cepstral_peak_prominence(x, np.round(centres * RATE).astype(np.int64))))
    assert abs(ours_all - praat_cpps) < 1.0
    # the take's CPPS: its voiced frames, against Praat's values at the same moments
    take = acoustic_features(samples, rate)
    _, voiced = voiced_speech(samples, rate)
    moments = (np.flatnonzero(voiced)[::2] + 0.5) * 0.01
    nearest = np.clip(np.round((moments - times[0]) / 0.002).astype(int), 0, len(times) - 1)
    assert abs(take.cpps_db - float(np.mean(praat_frames[nearest]))) < 1.0
