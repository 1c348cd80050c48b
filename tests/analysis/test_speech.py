"""The live speech detector on real voices: it agrees with the take analysis, and steady
noise, a hum or fan that starts mid-take, and a breath are not speech."""

from __future__ import annotations

import numpy as np
import pytest
import soxr

from tests.analysis.conftest import features_of, voice
from tests.analysis.test_activity import noise, tone
from tests.conftest import SPEECH_FILES
from trainer.analysis import Onset, SpeechDetector
from trainer.analysis.features import Segment
from trainer.analysis.speech import transcription_span

RATE = 16000
rng = np.random.default_rng(5)


def detect(samples: np.ndarray, rate: int, block_s: float = 1 / 15):
    """Feed the detector in blocks; return it, its events and (time, speaking) after each block."""
    detector = SpeechDetector()
    detector.start(rate)
    block = max(1, int(block_s * rate))
    events, states = [], []
    for start in range(0, len(samples), block):
        events += detector.push(samples[start: start + block])
        states.append((detector.decided_s, detector.speaking))
    events += detector.finish()
    return detector, events, states


def breath(rate: int, level_dbfs: float) -> np.ndarray:
    """400 ms of breathy noise (band-passed, swelling and fading)."""
    from scipy.signal import butter, sosfilt

    burst = sosfilt(butter(2, (500, 3000), btype="band", fs=rate, output="sos"), rng.standard_normal(int(0.4 * rate)))
    burst *= np.hanning(len(burst)) * 10 ** (level_dbfs / 20) / np.sqrt(np.mean(burst ** 2))
    return burst.astype(np.float32)


@pytest.mark.parametrize("rate", [16000, 48000])
def test_the_detector_agrees_with_the_take_analysis(speech, rate):
    """Onset and end of the speech as in the take's own analysis; speaking inside its segments, not after."""
    path, samples, source = speech
    take = np.concatenate([soxr.resample(samples, source, rate).astype(np.float32), noise(2.0, -70, rate)])
    offline = features_of(path)
    detector, events, states = detect(take, rate)
    assert abs(detector.first_onset_s - offline.onset_s) < 0.05
    assert abs(detector.phrases[-1].end_s - offline.offset_s) < 0.2
    assert [e for e in events if isinstance(e, Onset)] == [Onset(detector.first_onset_s)]
    assert [e for e in events if isinstance(e, Segment)] == detector.phrases
    assert detector.phrases[0].start_s == detector.first_onset_s
    # every offline segment lies within a phrase; the phrases hold little else
    for segment in offline.segments:
        assert any(p.start_s - 0.05 <= segment.start_s and segment.end_s <= p.end_s + 0.05 for p in detector.phrases)
    assert offline.speech_s <= detector.speech_s() < 1.2 * offline.speech_s
    times = np.array([t for t, _ in states])
    speaking = np.array([s for _, s in states])
    inside = np.zeros(len(times), bool)
    for segment in offline.segments:  # decided_s lags a block behind: compare well inside the segments
        inside |= (times > segment.start_s + 0.2) & (times < segment.end_s)
    assert speaking[inside].all()
    assert not speaking[times > offline.offset_s + 0.5].any()


@pytest.mark.parametrize("make", [
    lambda: np.zeros(6 * RATE, np.float32),
    lambda: noise(6, -40),
    lambda: noise(6, -75),
    lambda: tone(200, 6, -20),
    lambda: tone(100, 6, -20, harmonics=10),
    lambda: tone(50, 6, -25, harmonics=8) + noise(6, -60),
], ids=["silence", "white-noise", "faint-noise", "hum-200Hz", "buzz-100Hz", "mains-hum"])
def test_silence_noise_and_hum_are_not_speech(make):
    detector, events, states = detect(make(), RATE)
    assert detector.phrases == [] and events == [] and detector.first_onset_s is None
    assert not any(speaking for _, speaking in states)


@pytest.mark.parametrize("make", [
    lambda: tone(100, 6, -30, harmonics=10) + noise(6, -65),
    lambda: tone(200, 6, -25) + noise(6, -65),
    lambda: noise(6, -35),
], ids=["fan", "hum", "hiss"])
def test_a_steady_sound_that_starts_mid_take_is_let_go_of(make):
    """It may count for its first second; then it is cut off, taken back, and the detector goes quiet."""
    take = np.concatenate([noise(3, -65), make()])
    detector, events, states = detect(take, RATE)
    assert detector.phrases == [] and detector.first_onset_s is None
    assert not any(speaking for t, speaking in states if t > 3 + 1.2)


@pytest.mark.parametrize("fan_db, onset_error_s", [(-50, 0.05), (-40, 0.35)])
def test_speech_over_a_fan_that_started_earlier_is_found(speech, fan_db, onset_error_s):
    """Speech must stand 12 dB above the fan: 20 dB under the voice, soft first syllables may be missed."""
    path, samples, rate = speech
    offline = features_of(path)
    seconds = 10 + len(samples) / rate
    take = np.concatenate([noise(3, -65, rate), tone(100, seconds, fan_db, rate, harmonics=10) + noise(seconds, -65, rate)])
    take[int(8 * rate): int(8 * rate) + len(samples)] += samples
    detector, _, _ = detect(take, rate)
    assert 0 <= detector.first_onset_s - (8 + offline.onset_s) < onset_error_s
    assert 0.9 * offline.speech_s < detector.speech_s() < 1.2 * offline.speech_s
    assert detector.phrases[-1].end_s < 8 + offline.offset_s + 0.3


def test_a_breath_in_a_pause_is_not_speech():
    samples, rate = voice(SPEECH_FILES[1])
    base = features_of(SPEECH_FILES[1])
    plain, _, _ = detect(samples, rate)
    gap = max(zip(plain.phrases, plain.phrases[1:]), key=lambda pair: pair[1].start_s - pair[0].end_s)
    assert gap[1].start_s - gap[0].end_s > 0.45
    middle = (gap[0].end_s + gap[1].start_s) / 2
    take = samples.copy()
    at = int((middle - 0.2) * rate)
    take[at: at + int(0.4 * rate)] += breath(rate, base.loudness_dbfs - 20)
    detector, _, _ = detect(take, rate)
    assert len(detector.phrases) == len(plain.phrases)
    for found, expected in zip(detector.phrases, plain.phrases):  # the breath nudges the floor a little
        assert found.start_s == pytest.approx(expected.start_s, abs=0.02)
        assert found.end_s == pytest.approx(expected.end_s, abs=0.02)


def test_a_breath_alone_or_before_the_answer_is_not_its_start():
    """An audible in-breath 200 ms before the first word does not move the onset (the latency)."""
    samples, rate = voice(SPEECH_FILES[2])
    onset = features_of(SPEECH_FILES[2]).onset_s
    alone = np.concatenate([noise(1, -70, rate), breath(rate, -40), noise(2, -70, rate)])
    detector, events, _ = detect(alone, rate)
    assert detector.phrases == [] and events == []
    take = np.concatenate([noise(2, -70, rate), samples])
    start = int((2 + onset - 0.6) * rate)
    take[start: start + int(0.4 * rate)] += breath(rate, features_of(SPEECH_FILES[2]).loudness_dbfs - 15)
    detector, _, _ = detect(take, rate)
    assert abs(detector.first_onset_s - (2 + onset)) < 0.05


def test_a_click_and_silence_are_not_speech():
    audio = np.zeros(3 * RATE, dtype=np.float32)
    audio[RATE: RATE + 80] = 0.5  # a 5 ms click
    detector, events, _ = detect(audio, RATE)
    assert detector.phrases == [] and events == []


def test_phrases_for_transcription_are_cut_in_pauses(speech):
    """The spans handed to transcription never cut through the take analysis's speech."""
    path, samples, rate = speech
    detector, _, _ = detect(np.concatenate([samples, noise(1.5, -70, rate)]), rate)
    spans = [transcription_span(p) for p in detector.phrases]
    assert len(spans) >= 2
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    for segment in features_of(path).segments:
        assert any(a - 0.05 <= segment.start_s and segment.end_s <= b + 0.05 for a, b in spans)


def test_any_block_size_gives_the_same_phrases(speech):
    path, samples, rate = speech
    reference, _, _ = detect(samples, rate)
    for block_s in (0.004, 0.0213, 0.25):
        assert detect(samples, rate, block_s)[0].phrases == reference.phrases


def test_the_detector_reports_the_voice_pitch(speech):
    """Its pitch (the meter's) is the speaker's: within a semitone of the take's median most of the time."""
    path, samples, rate = speech
    offline = features_of(path)
    detector = SpeechDetector()
    detector.start(rate)
    block = rate // 15
    readings = []
    for start in range(0, len(samples), block):
        detector.push(samples[start: start + block])
        if detector.speaking:
            readings.append(detector.pitch_hz(0.07))
    voiced = np.array([r for r in readings if r is not None])
    assert len(voiced) > 0.5 * len(readings)
    assert np.mean(np.abs(12 * np.log2(voiced / offline.pitch_median_hz)) < offline.pitch_range_st) > 0.9


def test_speech_that_starts_in_the_last_frames_of_a_take_is_judged_without_error():
    """A take stopped (Space, Ctrl+C) just as the answer begins: finish() judges the last frames."""
    from trainer.analysis.speech import SpeechDetector

    rate = 16000
    audio = np.zeros(2 * rate, dtype=np.float32)
    t = np.arange(int(0.04 * rate)) / rate
    audio[-len(t):] = 0.3 * np.sin(2 * np.pi * 150 * t)  # loud to the very last sample
    detector = SpeechDetector()
    detector.start(rate)
    detector.push(audio)
    detector.finish()  # used to raise IndexError
    assert detector.phrases == []  # 40 ms is no speech
