"""Pitch tracker details, the live pitch helper, and filled pauses counted acoustically."""

from __future__ import annotations

import numpy as np
import pytest
import soxr

from tests.analysis.conftest import features_of
from tests.analysis.variants import with_fillers
from trainer.analysis import LivePitch, acoustic_features
from trainer.analysis.pitch import pitch_stats, pitch_track, semitones

RATE = 16000


def glide(start_hz: float, end_hz: float, seconds: float, rate: int = RATE) -> np.ndarray:
    """A voice-like pulse train (harmonics falling off at 6 dB/octave) gliding in pitch."""
    n = int(seconds * rate)
    hz = np.geomspace(start_hz, end_hz, n)
    phase = 2 * np.pi * np.cumsum(hz) / rate
    harmonics = range(1, int(3500 / max(start_hz, end_hz)))
    return (0.1 * sum(np.sin(k * phase) / k for k in harmonics)).astype(np.float32)


@pytest.mark.parametrize("hz", [55.0, 80.0, 120.0, 220.0, 330.0, 480.0])
def test_steady_pitch_is_exact_across_50_to_500_hz(hz):
    track = pitch_track(glide(hz, hz, 1.0), RATE)
    inner = track.f0_hz[5:-5]
    assert np.isfinite(inner).all()
    assert np.max(np.abs(semitones(inner / hz * 100))) < 0.1


def test_a_glide_is_followed_without_octave_jumps():
    track = pitch_track(glide(90.0, 360.0, 2.0), RATE)  # two octaves up
    f0 = track.f0_hz[5:-5]
    expected = np.geomspace(90.0, 360.0, int(2.0 * RATE))[(np.arange(5, len(track.f0_hz) - 5) * 160 + 80)]
    assert np.isfinite(f0).mean() > 0.95
    assert np.nanmax(np.abs(semitones(f0 / expected * 100))) < 0.5


def test_noise_is_unvoiced():
    noise = np.random.default_rng(5).standard_normal(RATE).astype(np.float32) * 0.1
    assert pitch_track(noise, RATE).voiced.mean() < 0.05


def test_pitch_stats_need_voiced_frames():
    track = pitch_track(np.zeros(RATE, np.float32), RATE)
    assert pitch_stats(track, np.ones(len(track.f0_hz), bool)) is None


def check_live(samples: np.ndarray, rate: int, block: int) -> None:
    """Frame by frame, the live tracker reads what the take's tracker reads (same frames, same numbers;
    only the second pass's band is the last three seconds' rather than the whole take's)."""
    offline = pitch_track(samples, rate)
    live = LivePitch(rate)
    f0 = np.concatenate([live.push(samples[start: start + block]) for start in range(0, len(samples), block)]
                        + [live.finish()])
    assert len(f0) == len(offline.f0_hz)
    voiced = np.isfinite(f0)
    assert np.mean(voiced == offline.voiced) > 0.9
    both = voiced & offline.voiced
    error = np.abs(12 * np.log2(f0[both] / offline.f0_hz[both]))
    assert np.median(error) < 0.05 and np.mean(error < 1.0) > 0.95


@pytest.mark.parametrize("rate", [16000, 22050, 44100, 48000])
def test_live_pitch_agrees_with_the_take_tracker(speech, rate):
    _, samples, source = speech
    check_live(soxr.resample(samples, source, rate).astype(np.float32), rate, rate // 15)


def test_live_pitch_on_tiny_blocks(speech):
    _, samples, rate = speech
    check_live(samples, rate, 64)


def gaps_of(features) -> list[float]:
    return [(a.end_s + b.start_s) / 2 for a, b in zip(features.segments, features.segments[1:])]


def test_real_speech_has_no_acoustic_fillers(speech):
    path, _, _ = speech
    assert features_of(path).fillers == 0


def test_inserted_filled_pauses_are_counted(speech):
    """Three held "uh" vowels in the speaker's own voice, each between pauses."""
    path, samples, rate = speech
    gaps = gaps_of(features_of(path))[:3]
    assert len(gaps) == 3
    features = acoustic_features(with_fillers(samples, rate, gaps), rate)
    assert features.fillers == 3


def test_a_filler_pitch_that_moves_a_lot_is_speech_not_a_filler(speech):
    """The same insert with a 6-semitone fall is intonation on a word, not a flat filled pause."""
    path, samples, rate = speech
    gaps = gaps_of(features_of(path))[:2]
    from tests.analysis import variants

    vowel = variants.sustained_vowel(samples, rate, 0.5, glide_st=-6.0)
    silence = np.zeros(int(0.35 * rate), np.float32)
    cut = int(gaps[0] * rate)
    take = np.concatenate([samples[:cut], silence, vowel, silence, samples[cut:]])
    assert acoustic_features(take, rate).fillers == 0
