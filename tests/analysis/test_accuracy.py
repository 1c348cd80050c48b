"""Accuracy on the three real voices: against Praat, pyloudnorm and ffmpeg, and known changes read as known."""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pytest
import soxr

from tests.analysis.conftest import features_of
from tests.analysis.variants import gain, resample_shift, tempo
from trainer.analysis import acoustic_features
from trainer.analysis.loudness import integrated_loudness, k_weighting
from trainer.analysis.pitch import pitch_track

parselmouth = pytest.importorskip("parselmouth")

PA_PER_FULL_SCALE_DB = 20 * np.log10(1 / 2e-5)  # Praat's intensity is dB re 20 µPa, sample value 1 = 1 Pa


def st(ratio: float) -> float:
    return 12 * np.log2(ratio)


def test_median_pitch_within_half_a_semitone_of_praat(speech):
    path, samples, rate = speech
    praat = parselmouth.Sound(samples.astype(np.float64), rate).to_pitch_ac(
        time_step=0.01, pitch_floor=50, pitch_ceiling=500)
    f0 = praat.selected_array["frequency"]
    ours = features_of(path)
    assert abs(st(ours.pitch_median_hz / np.median(f0[f0 > 0]))) < 0.5


def test_speech_level_within_1_db_of_praat_intensity_over_the_same_span(speech):
    path, samples, rate = speech
    ours = features_of(path)
    intensity = parselmouth.Sound(samples.astype(np.float64), rate).to_intensity(minimum_pitch=75)
    times, values = intensity.xs(), intensity.values[0]
    inside = np.zeros(len(times), dtype=bool)
    for segment in ours.segments:
        inside |= (times >= segment.start_s) & (times < segment.end_s)
    praat_dbfs = 10 * np.log10(np.mean(10 ** (values[inside] / 10))) - PA_PER_FULL_SCALE_DB
    assert abs(ours.loudness_dbfs - praat_dbfs) < 1.0


@pytest.mark.parametrize("change_db", [6.0, -10.0])
def test_gain_reads_as_that_gain(speech, change_db):
    path, samples, rate = speech
    base, louder = features_of(path), acoustic_features(gain(samples, change_db), rate)
    assert abs((louder.loudness_dbfs - base.loudness_dbfs) - change_db) < 0.5
    assert abs((louder.loudness_lufs - base.loudness_lufs) - change_db) < 0.5
    assert abs((louder.peak_dbfs - base.peak_dbfs) - change_db) < 0.5
    assert louder.speech_s == pytest.approx(base.speech_s, abs=0.05)
    assert louder.pitch_median_st == pytest.approx(base.pitch_median_st, abs=0.05)


@pytest.mark.parametrize("semitones", [2.0, -3.0])
def test_resampling_moves_pitch_and_pace_by_the_same_ratio(speech, semitones):
    path, samples, rate = speech
    base, moved = features_of(path), acoustic_features(resample_shift(samples, rate, semitones), rate)
    ratio = 2 ** (semitones / 12)
    assert abs((moved.pitch_median_st - base.pitch_median_st) - semitones) < 0.5
    assert moved.articulation_rate / base.articulation_rate == pytest.approx(ratio, rel=0.08)


@pytest.mark.parametrize("factor", [1.25, 0.8])
def test_tempo_changes_pace_not_pitch(speech, factor):
    path, samples, rate = speech
    base, changed = features_of(path), acoustic_features(tempo(samples, rate, factor), rate)
    assert abs(changed.pitch_median_st - base.pitch_median_st) < 0.3
    assert changed.articulation_rate / base.articulation_rate == pytest.approx(factor, rel=0.08)
    assert changed.loudness_dbfs == pytest.approx(base.loudness_dbfs, abs=0.5)


def test_articulation_rate_is_in_the_range_of_read_speech(speech):
    """Adults read at roughly 3.5 to 6 syllables per second of speech."""
    path, _, _ = speech
    assert 3.0 < features_of(path).articulation_rate < 7.0


def test_no_octave_jumps_on_very_low_and_very_high_voices(speech):
    """Shift each voice until its pitch reaches down to 55 Hz, then up to 480 Hz (5th and 95th
    percentiles): the median follows the shift and the range stays, so no octave errors crept in."""
    path, samples, rate = speech
    base = features_of(path)
    track = pitch_track(samples, rate)
    low, high = np.percentile(track.f0_hz[track.voiced], [5, 95])
    for shift in (st(55.0 / low), st(480.0 / high)):
        moved = acoustic_features(resample_shift(samples, rate, shift), rate)
        assert abs((moved.pitch_median_st - base.pitch_median_st) - shift) < 0.5, shift
        assert abs(moved.pitch_range_st - base.pitch_range_st) < 1.0, shift


def test_k_weighting_at_48k_is_the_standard_filter():
    """ITU-R BS.1770-4, table 1 and 2: the pre-filter and RLB filter coefficients at 48 kHz."""
    shelf, highpass = k_weighting(48000)
    np.testing.assert_allclose(shelf, [1.53512485958697, -2.69169618940638, 1.19839281085285,
                                       1.0, -1.69065929318241, 0.73248077421585], atol=1e-8)
    np.testing.assert_allclose(highpass, [1.0, -2.0, 1.0, 1.0, -1.99004745483398, 0.99007225036621], atol=1e-8)


@pytest.mark.parametrize("rate", [16000, 44100, 48000])
def test_integrated_loudness_agrees_with_pyloudnorm(speech, rate):
    """pyloudnorm designs its K filter from rounded parameters, which shifts its readings by up
    to about 0.12 LU below 48 kHz; ours matches ffmpeg (next test)."""
    pyloudnorm = pytest.importorskip("pyloudnorm")
    _, samples, source_rate = speech
    mono = samples if rate == source_rate else soxr.resample(samples, source_rate, rate).astype(np.float32)
    stereo = np.stack([mono, 0.5 * mono], axis=1)
    for audio in (mono, stereo):
        reference = pyloudnorm.Meter(rate).integrated_loudness(audio.astype(np.float64))
        assert integrated_loudness(audio, rate) == pytest.approx(reference, abs=0.15)


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs ffmpeg")
def test_integrated_loudness_agrees_with_ffmpeg_ebur128(speech):
    path, _, _ = speech
    done = subprocess.run(["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-af", "ebur128", "-f", "null", "-"],
                          capture_output=True, text=True, check=True)
    reference = float(re.findall(r"I:\s+(-?[\d.]+) LUFS", done.stderr)[-1])
    assert features_of(path).loudness_lufs == pytest.approx(reference, abs=0.06)  # ffmpeg prints 0.1 LU steps


def test_loudness_spread_is_a_steadiness_measure(speech):
    """A take whose level swings by 8 dB every two seconds varies more than the original."""
    path, samples, rate = speech
    swing = np.where((np.arange(len(samples)) // (2 * rate)) % 2 == 1, 10 ** (-8 / 20), 1.0)
    uneven = (samples * swing).astype(np.float32)
    assert acoustic_features(uneven, rate).loudness_sd_db > features_of(path).loudness_sd_db + 1.0
