"""Pure parts of the audio engine, on real speech: clock mapping, the speech detector as the trial
uses it (timing against the rig's reference, the leak gate), cue."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from tests.audio.truth import ONSET_DB
from tests.rig import active_span
from trainer.analysis.speech import Onset, SpeechDetector
from trainer.audio.clock import ClockMap
from trainer.audio.cue import cue_tone
from trainer.audio.leak import LeakGate


def _speech(path):
    audio, rate = sf.read(path, dtype="float32")
    return audio, rate


def _run(detector, audio, rate, block=512):
    detector.start(rate)
    events = []
    for i in range(0, len(audio), block):
        events += detector.push(audio[i:i + block])
    events += detector.finish()
    return events


def test_clock_map_ignores_start_up_times_and_outliers():
    clock = ClockMap(48000)
    true_offset = 1000.0
    for k in range(300):
        index = k * 480
        t = true_offset + index / 48000
        if index < 48000 * 0.2:
            t -= 0.07  # start-up callbacks are wrong
        if k % 17 == 0:
            t += 0.02  # a late callback now and then
        clock.add(index, t)
    assert abs(clock.offset() - true_offset) < 1e-4
    assert abs(clock.index_at(true_offset + 2.0) - 96000) < 5
    assert abs(clock.time_of(48000) - (true_offset + 1.0)) < 1e-4


def test_clock_map_without_usable_times_says_so():
    clock = ClockMap(48000)
    clock.add(0, 0.0)  # host APIs without timing report 0
    assert clock.offset() is None and clock.index_at(5.0) is None


def test_detector_finds_the_speech_of_a_real_voice(speech_file):
    audio, rate = _speech(speech_file)
    lead = np.zeros(rate, dtype=np.float32)
    padded = np.concatenate([lead, audio, np.zeros(2 * rate, dtype=np.float32)])
    detector = SpeechDetector()
    events = _run(detector, padded, rate)
    # reference: where 10 ms frames first and last cross -45 dBFS (below that: the recordings' room noise)
    start, end = active_span(padded, rate, threshold_db=ONSET_DB, frame_s=0.01)
    assert detector.phrases, "no speech found"
    assert abs(detector.first_onset_s - start) < 0.03
    assert abs(detector.phrases[-1].end_s - end) < 0.12
    assert Onset(detector.first_onset_s) in events
    assert detector.speech_s() > 0.6 * (end - start)
    # read speech has pauses: several phrases, none shorter than the minimum
    assert len(detector.phrases) >= 2
    assert all(p.duration_s >= 0.15 for p in detector.phrases)


def test_detector_ignores_a_click_and_silence():
    rate = 16000
    audio = np.zeros(3 * rate, dtype=np.float32)
    audio[rate: rate + 80] = 0.5  # a 5 ms click
    detector = SpeechDetector()
    _run(detector, audio, rate)
    assert detector.phrases == [] and detector.first_onset_s is None


def test_leak_gate_recognises_the_played_clip_but_not_an_independent_voice(speech_file):
    audio, rate = _speech(speech_file)
    clip = audio[: 6 * rate]
    delay = int(0.06 * rate)
    leaked = np.concatenate([np.zeros(rate + delay, dtype=np.float32), 0.3 * clip, np.zeros(rate, dtype=np.float32)])
    gate = LeakGate(clip, rate)
    gate.place(1.0)
    detector = SpeechDetector(leak=gate)
    _run(detector, leaked, rate)
    assert gate.leaking and abs(gate.delay_frames - 6) <= 1
    assert abs(gate.gain_db - 20 * np.log10(0.3)) < 1.5
    assert detector.phrases == [], "the leaked clip was taken for speech"

    other = next(p for p in sorted(speech_file.parent.glob("*.ogg")) if p != speech_file)
    voice, voice_rate = _speech(other)
    assert voice_rate == rate
    mic = np.concatenate([np.zeros(rate, dtype=np.float32), voice[: 7 * rate]])
    gate = LeakGate(clip, rate)
    gate.place(1.0)
    detector = SpeechDetector(leak=gate)
    _run(detector, mic, rate)
    assert not gate.leaking
    assert detector.phrases, "the therapist's own voice must count"


def test_cue_is_short_soft_and_starts_without_a_click():
    for rate in (16000, 44100, 48000):
        tone = cue_tone(rate)
        assert tone.dtype == np.float32
        assert 0.25 <= len(tone) / rate <= 0.35
        assert 20 * np.log10(np.abs(tone).max()) == pytest.approx(-18.0, abs=0.1)
        assert np.abs(tone[: int(0.002 * rate)]).max() < 0.02  # fades in
        assert np.abs(tone[-int(0.002 * rate):]).max() < 0.02  # fades out
        spectrum = np.abs(np.fft.rfft(tone))
        freqs = np.fft.rfftfreq(len(tone), 1 / rate)
        assert spectrum[freqs > 2500].sum() < 0.05 * spectrum.sum()  # no harsh highs
