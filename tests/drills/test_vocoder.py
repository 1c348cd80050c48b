"""The WORLD reshaping behind the client voices: a known change goes in, the same change is measured out.

Measured with Level Voice's own analysis (pitch) and an LPC spectral envelope that knows
nothing of WORLD (formants), on the three real LibriSpeech voices.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import SPEECH_FILES
from trainer.analysis import acoustic_features
from trainer.drills.prosody import formant_scale, spectral_centroid_hz
from trainer.media import read_audio

pytest.importorskip("pyworld", reason="needs the optional voices extra: pip install -e '.[voices]'")

from trainer.drills.vocoder import (  # noqa: E402
    Shape,
    analyse,
    clean_contour,
    reshape,
    restore_fundamental,
    scale_contour,
    synthesise,
    transform,
    warp_frequency,
)


class Spoken:
    """One real voice, analysed once: `shaped(shape)` is `transform(samples, rate, shape)` without re-analysing."""

    def __init__(self, samples: np.ndarray, rate: int) -> None:
        self.samples, self.rate = samples, rate
        self.analysis = restore_fundamental(analyse(samples, rate))
        self.plain = transform(samples, rate, Shape())

    def shaped(self, shape: Shape) -> np.ndarray:
        out = synthesise(reshape(self.analysis, shape))[: len(self.samples)]
        return np.pad(out, (0, len(self.samples) - len(out))).astype(np.float32)


@pytest.fixture(scope="module", params=SPEECH_FILES, ids=lambda p: p.stem)
def voice(request) -> Spoken:
    audio = read_audio(request.param, mono=True)
    return Spoken(audio.samples, audio.rate)


@pytest.fixture
def spoken(voice):
    """(samples, rate, the voice as WORLD resynthesises it unchanged), and `voice.shaped` for changes."""
    return voice.samples, voice.rate, voice.plain


def test_scaling_the_contour_scales_its_spread_around_the_mean_exactly():
    rng = np.random.default_rng(3)
    f0 = np.where(rng.random(400) < 0.7, 120 * 2 ** (rng.normal(0, 0.3, 400)), 0.0)
    st = 12 * np.log2(f0[f0 > 0])
    wide = scale_contour(f0, pitch_range=1.5, pitch_st=2.0)
    wide_st = 12 * np.log2(wide[wide > 0])
    assert np.array_equal(wide > 0, f0 > 0)  # voicing untouched
    assert np.ptp(wide_st) == pytest.approx(1.5 * np.ptp(st))
    assert wide_st.mean() == pytest.approx(st.mean() + 2.0)


def test_octave_errors_are_folded_back_into_the_contour():
    f0 = np.full(200, 100.0)
    f0[50:56] = 200.0  # a short run read an octave high
    f0[120:123] = 50.0
    f0[150:160] = 0.0
    clean = clean_contour(f0)
    assert np.allclose(clean[f0 > 0], 100.0) and np.all(clean[150:160] == 0)


def test_warping_moves_a_spectral_peak_by_the_scale():
    bins = np.arange(513)
    peak = np.exp(-0.5 * ((bins - 100) / 5.0) ** 2)[None, :]
    assert np.argmax(warp_frequency(peak, 1.2)) == 120
    assert np.argmax(warp_frequency(peak, 0.9)) == 90


def test_unchanged_resynthesis_keeps_pitch_range_and_speech(spoken, voice):
    samples, rate, plain = spoken
    assert np.array_equal(voice.shaped(Shape()), plain)  # the shortcut below is the pipeline itself
    before, after = acoustic_features(samples, rate), acoustic_features(plain, rate)
    assert after.pitch_median_st == pytest.approx(before.pitch_median_st, abs=0.5)
    assert after.pitch_range_st == pytest.approx(before.pitch_range_st, rel=0.15)
    assert after.speech_s == pytest.approx(before.speech_s, rel=0.1)


@pytest.mark.parametrize("scale", [1.5, 0.5])
def test_a_pitch_range_scale_is_measured_back_within_10_percent(spoken, voice, scale):
    samples, rate, plain = spoken
    if scale > 1 and acoustic_features(samples, rate).pitch_median_hz > 180:
        # the woman's contour (165-350 Hz) widened by half reaches 460 Hz and more: Level Voice's
        # tracker stops at 500 Hz, so it reads 1.28x where Praat reads 1.50x
        pytest.skip("widened, this voice leaves the pitch tracker's 50-500 Hz range")
    shaped = voice.shaped(Shape(pitch_range=scale))
    ratio = acoustic_features(shaped, rate).pitch_range_st / acoustic_features(plain, rate).pitch_range_st
    assert ratio == pytest.approx(scale, rel=0.10)


@pytest.mark.parametrize("semitones", [3.0, -2.0])
def test_a_pitch_shift_is_measured_back_within_a_third_of_a_semitone(spoken, voice, semitones):
    samples, rate, plain = spoken
    shaped = voice.shaped(Shape(pitch_st=semitones))
    moved = acoustic_features(shaped, rate).pitch_median_st - acoustic_features(plain, rate).pitch_median_st
    assert moved == pytest.approx(semitones, abs=0.33)


@pytest.mark.parametrize("scale", [1.17, 0.92])
def test_a_formant_scale_is_measured_back_by_the_spectral_envelope_within_5_percent(spoken, voice, scale):
    samples, rate, plain = spoken
    shaped = voice.shaped(Shape(formant_scale=scale))
    assert formant_scale(plain, shaped, rate) == pytest.approx(scale, rel=0.05)
    assert formant_scale(plain, plain, rate) == pytest.approx(1.0, abs=0.01)


def test_a_formant_scale_reads_the_same_under_a_pitch_change(spoken, voice):
    """Formants and pitch are separate: a woman's voice is not just a higher man's."""
    samples, rate, plain = spoken
    higher = voice.shaped(Shape(pitch_st=7.0))
    both = voice.shaped(Shape(pitch_st=7.0, formant_scale=1.15))
    assert formant_scale(plain, higher, rate) == pytest.approx(1.0, abs=0.03)
    assert formant_scale(plain, both, rate) == pytest.approx(1.15, rel=0.05)


def test_tilt_brightens_or_darkens_the_spectrum(spoken, voice):
    samples, rate, plain = spoken
    centre = spectral_centroid_hz(plain, rate)
    assert spectral_centroid_hz(voice.shaped(Shape(tilt_db=8.0)), rate) > 1.15 * centre
    assert spectral_centroid_hz(voice.shaped(Shape(tilt_db=-8.0)), rate) < 0.9 * centre
