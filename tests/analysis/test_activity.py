"""Speech activity of a whole take: no speech in silence, noise, hum or a breath; speech found in real voices."""

from __future__ import annotations

import numpy as np
import pytest
import soxr

from tests.analysis.conftest import features_of, voice
from tests.conftest import SPEECH_FILES
from trainer.analysis import acoustic_features
from trainer.analysis.activity import frame_levels
from trainer.analysis.features import NO_SPEECH, TOO_SHORT
from trainer.analysis.pitch import pitch_track

RATE = 16000
rng = np.random.default_rng(11)


def tone(hz: float, seconds: float, level_dbfs: float, rate: int = RATE, harmonics: int = 1) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    wave = sum(np.sin(2 * np.pi * hz * k * t) / k for k in range(1, harmonics + 1))
    wave = wave / np.sqrt(np.mean(wave ** 2))
    return (wave * 10 ** (level_dbfs / 20)).astype(np.float32)


def noise(seconds: float, level_dbfs: float, rate: int = RATE) -> np.ndarray:
    return (rng.standard_normal(int(seconds * rate)) * 10 ** (level_dbfs / 20)).astype(np.float32)


def assert_no_speech(features) -> None:
    assert features.speech_s == 0.0 and features.segments == ()
    assert any(w.startswith(NO_SPEECH) for w in features.warnings)
    for name in ("onset_s", "offset_s", "loudness_dbfs", "pitch_median_hz", "pitch_range_st", "voiced_ratio",
                 "articulation_rate", "loudness_sd_db", "fillers", "wpm", "words"):
        assert getattr(features, name) is None, name


@pytest.mark.parametrize("make", [
    lambda: np.zeros(5 * RATE, np.float32),
    lambda: noise(5, -30),
    lambda: noise(5, -75),
    lambda: tone(200, 5, -20),
    lambda: tone(50, 5, -25, harmonics=8) + noise(5, -60),
    lambda: tone(120, 5, -20, harmonics=20),
], ids=["silence", "white-noise", "faint-noise", "hum-200Hz", "mains-hum", "buzz-120Hz"])
def test_silence_noise_and_hum_are_not_speech(make):
    features = acoustic_features(make(), RATE)
    assert_no_speech(features)
    assert features.duration_s == 5.0


def test_a_hum_that_starts_mid_take_is_not_speech():
    take = np.concatenate([noise(3, -65), tone(200, 4, -25) + noise(4, -65)])
    assert_no_speech(acoustic_features(take, RATE))


def test_a_breath_in_a_pause_is_not_speech():
    """A 400 ms burst of breathy noise (band-passed, swelling and fading) inserted into a pause."""
    from scipy.signal import butter, sosfilt

    samples, rate = voice(SPEECH_FILES[1])
    base = features_of(SPEECH_FILES[1])
    gap = max(zip(base.segments, base.segments[1:]), key=lambda pair: pair[1].start_s - pair[0].end_s)
    middle = (gap[0].end_s + gap[1].start_s) / 2
    breath = sosfilt(butter(2, (500, 3000), btype="band", fs=rate, output="sos"), rng.standard_normal(int(0.4 * rate)))
    breath *= np.hanning(len(breath)) * 10 ** ((base.loudness_dbfs - 20) / 20) / np.sqrt(np.mean(breath ** 2))
    take = samples.copy()
    at = int((middle - 0.2) * rate)
    take[at: at + len(breath)] += breath.astype(np.float32)
    found = acoustic_features(take, rate)
    assert not any(s.start_s < middle + 0.2 and s.end_s > middle - 0.2 for s in found.segments)
    assert found.speech_s == pytest.approx(base.speech_s, abs=0.1)


def test_real_speech_is_found(speech):
    path, samples, rate = speech
    features = features_of(path)
    duration = len(samples) / rate
    assert features.onset_s < 0.6 and features.offset_s > duration - 0.8
    assert 0.7 * (features.offset_s - features.onset_s) < features.speech_s < features.offset_s - features.onset_s
    assert 0.05 < features.pause_ratio < 0.3
    assert len(features.segments) >= 3
    assert all(a.end_s < b.start_s for a, b in zip(features.segments, features.segments[1:]))
    assert all(b.start_s - a.end_s >= 0.25 for a, b in zip(features.segments, features.segments[1:]))
    assert not features.warnings


def test_speech_in_room_noise_and_hum(speech):
    """White noise 25 dB below the speech and a 50 Hz hum barely move the measures."""
    path, samples, rate = speech
    base = features_of(path)
    level = base.loudness_dbfs
    noisy = samples + noise(len(samples) / rate, level - 25, rate)[: len(samples)] \
        + tone(50, len(samples) / rate, level - 25, rate, harmonics=4)[: len(samples)]
    found = acoustic_features(noisy, rate)
    assert found.speech_s == pytest.approx(base.speech_s, rel=0.15)
    assert found.pitch_median_st == pytest.approx(base.pitch_median_st, abs=0.5)
    assert found.loudness_dbfs == pytest.approx(level, abs=1.0)


def test_a_one_and_a_half_second_take_works():
    samples, rate = voice(SPEECH_FILES[0])
    base = features_of(SPEECH_FILES[0])
    first = base.segments[0]
    take = samples[int(max(first.start_s - 0.2, 0) * rate):][: int(1.5 * rate)]
    features = acoustic_features(take, rate)
    assert features.duration_s == 1.5
    assert 0.6 < features.speech_s <= 1.5
    assert features.pitch_median_hz is not None and features.articulation_rate is not None
    assert abs(features.pitch_median_st - base.pitch_median_st) < base.pitch_range_st
    assert not any(w.startswith(NO_SPEECH) for w in features.warnings)
    parselmouth = pytest.importorskip("parselmouth")
    praat = parselmouth.Sound(take.astype(np.float64), rate).to_pitch_ac(time_step=0.01, pitch_floor=50,
                                                                        pitch_ceiling=500)
    ours = pitch_track(take, rate)
    theirs = np.interp((np.arange(len(ours.f0_hz)) + 0.5) * 0.01, praat.xs(), praat.selected_array["frequency"])
    both = ours.voiced & (theirs > 0)
    assert both.sum() > 40
    assert np.median(np.abs(12 * np.log2(ours.f0_hz[both] / theirs[both]))) < 0.3


def test_a_very_short_take_warns():
    samples, rate = voice(SPEECH_FILES[2])
    start = features_of(SPEECH_FILES[2]).segments[0].start_s
    features = acoustic_features(samples[int(start * rate): int((start + 0.7) * rate)], rate)
    assert features.speech_s > 0
    assert any(w.startswith(TOO_SHORT) for w in features.warnings)


@pytest.mark.parametrize("rate", [8000, 11025, 22050, 44100, 48000, 96000, 37800])
def test_any_sample_rate_reads_the_same(rate):
    samples, source = voice(SPEECH_FILES[1])
    base = features_of(SPEECH_FILES[1])
    found = acoustic_features(soxr.resample(samples, source, rate).astype(np.float32), rate)
    assert found.duration_s == pytest.approx(base.duration_s, abs=0.01)
    assert found.speech_s == pytest.approx(base.speech_s, rel=0.05)
    assert found.pitch_median_st == pytest.approx(base.pitch_median_st, abs=0.2)
    assert found.loudness_dbfs == pytest.approx(base.loudness_dbfs, abs=0.3)
    assert found.articulation_rate == pytest.approx(base.articulation_rate, rel=0.08)


def test_multichannel_takes():
    samples, rate = voice(SPEECH_FILES[0])
    base = features_of(SPEECH_FILES[0])
    stereo = acoustic_features(np.stack([samples, samples], axis=1), rate)
    assert stereo.speech_s == base.speech_s and stereo.pitch_median_hz == base.pitch_median_hz
    assert stereo.loudness_dbfs == pytest.approx(base.loudness_dbfs, abs=0.02)
    assert stereo.loudness_lufs == pytest.approx(base.loudness_lufs + 3.01, abs=0.02)  # BS.1770 sums channels
    one_sided = acoustic_features(np.stack([np.zeros_like(samples), samples, np.zeros_like(samples),
                                            np.zeros_like(samples)], axis=1), rate)  # 4 channels, one used
    assert one_sided.speech_s == pytest.approx(base.speech_s, abs=0.05)
    assert one_sided.pitch_median_st == pytest.approx(base.pitch_median_st, abs=0.1)
    assert one_sided.loudness_dbfs == pytest.approx(base.loudness_dbfs - 20 * np.log10(4), abs=0.05)
    as_int16 = acoustic_features((samples * 32767).astype(np.int16), rate)
    assert as_int16.loudness_dbfs == pytest.approx(base.loudness_dbfs, abs=0.02)


def test_clipping_is_flagged():
    samples, rate = voice(SPEECH_FILES[2])
    clipped = acoustic_features(np.clip(samples * 4, -1, 1), rate)
    assert clipped.clipping and clipped.peak_dbfs == pytest.approx(0.0, abs=0.01)
    assert any(w.startswith("Clipping") for w in clipped.warnings)
    assert not features_of(SPEECH_FILES[2]).clipping


def test_very_low_level_warns():
    samples, rate = voice(SPEECH_FILES[2])
    quiet = acoustic_features(samples * 10 ** (-40 / 20) + noise(len(samples) / rate, -95, rate)[: len(samples)], rate)
    assert quiet.speech_s > 5
    assert any(w.startswith("Very low level") for w in quiet.warnings)


@pytest.mark.parametrize("bad, message", [
    (np.zeros(0, np.float32), "empty"),
    (np.array([0.0, np.nan, 0.0]), "invalid"),
    (np.zeros((10, 10, 2)), "shaped"),
    (np.array(["a", "b"]), "numbers"),
])
def test_unusable_input_is_a_clear_error(bad, message):
    from trainer.analysis import AudioInputError

    with pytest.raises(AudioInputError, match=message):
        acoustic_features(bad, RATE)
    with pytest.raises(AudioInputError, match="rate"):
        acoustic_features(np.zeros(100, np.float32), 0)


def test_frame_levels_measure_rms_in_dbfs():
    levels = frame_levels(tone(440, 1.0, -20.0), RATE, hop_s=0.05)
    assert len(levels) == 20
    np.testing.assert_allclose(levels, -20.0, atol=0.1)
    assert frame_levels(np.zeros(RATE, np.float32), RATE)[0] == -150.0
