"""Trials on the rig: real PortAudio playing a clip and recording the fed answer.

Timing is checked against what really reached the virtual speaker and microphone (the
rig's room capture), never against when the test asked for something to happen.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest
import soundfile as sf

from tests.audio.truth import excerpt, load48, measure
from tests.conftest import SPEECH_FILES
from tests.rig import RATE, active_span, locate, resample, span_rms_db
from trainer.audio.cue import cue_tone
from trainer.audio.events import Live, PhraseFinished, PlaybackProgress, SpeechStarted, Stopped, YourTurn
from trainer.audio.trial import CUE_GAP_S, run_trial
from trainer.media import read_audio

pytestmark = pytest.mark.audio
HANGOVER = 1.5


@pytest.fixture(scope="module")
def clip():
    """A 3 s client clip: a real voice (not one of the answers fed below)."""
    return read_audio(SPEECH_FILES[1], start_s=1.0, end_s=4.0, mono=True)


def _trial(rig, clip, take_path, *, feed=None, when=None, lead_s=0.0, **kwargs):
    """Run a trial; start feeding `feed` into the mic when `when(event)` says so."""
    room = rig.start_room_capture()
    events, feeders = [], []

    def on_event(event):
        events.append(event)
        if feed is not None and not feeders and when(event):
            feeders.append(rig.feed(feed, lead_s=lead_s))

    try:
        result = run_trial(clip, take_path, on_event=on_event, **kwargs)
    finally:
        for feeder in feeders:
            feeder.terminate()
    return result, room.stop(), events


def _take(result):
    audio, rate = sf.read(result.take_path, dtype="float32")
    return audio, rate


@pytest.mark.parametrize("voice", SPEECH_FILES, ids=lambda p: p.stem)
def test_latency_end_of_speech_and_take_audio(pulse_rig, clip, voice, tmp_path):
    answer = excerpt(voice, 6.0, tmp_path)
    delay = 0.8
    result, room, events = _trial(pulse_rig, clip, tmp_path / "take.flac", feed=answer,
                                  when=lambda e: isinstance(e, YourTurn), lead_s=delay, hangover_s=HANGOVER)
    take, rate = _take(result)
    truth = measure(room, take, rate, clip.samples, clip.rate, answer)

    assert result.stopped_by == "silence" and not result.interrupted and not result.no_response
    assert result.overflows == 0
    clock = pulse_rig.clock_tolerance
    assert abs(result.clip_start_s - truth.clip_start_s) < clock(0.02)
    file_onset = active_span(load48(answer), RATE, threshold_db=-45, frame_s=0.01)[0]
    fed_late = truth.latency_s - (delay + file_onset)  # the feed starts on YourTurn, itself clock-timed
    assert -clock(0.05) - (0.2 if pulse_rig.mode == "bursty" else 0) < fed_late < 0.5, \
        "the rig fed the answer at an unexpected moment"
    assert result.latency_s == pytest.approx(truth.latency_s, abs=clock(0.05)), (result, truth)
    assert result.overlap_s == 0.0
    # the take stops by itself within hangover + 150 ms of the end of the fed speech
    stop_after = result.take_duration_s - truth.speech_end_s
    assert HANGOVER - 0.15 <= stop_after <= HANGOVER + 0.15
    assert len(take) / rate == pytest.approx(result.take_duration_s, abs=0.01)
    # the answer in the take is the fed file: same length and level
    take48 = resample(take, rate, RATE)
    answer_part = take48[int(truth.clip_end_s * RATE) + int(0.3 * RATE):]
    fed = load48(answer)
    (a0, a1), (f0, f1) = active_span(answer_part, RATE), active_span(fed, RATE)
    assert abs((a1 - a0) - (f1 - f0)) < 0.2
    assert abs(span_rms_db(answer_part, RATE) - span_rms_db(fed, RATE)) < 1.0

    kinds = [type(e) for e in events]
    assert kinds[-1] is Stopped and events[-1].reason == "silence"
    assert kinds.index(YourTurn) < kinds.index(SpeechStarted) < kinds.index(Stopped)
    assert kinds.count(YourTurn) == 1
    progress = [e for e in events if isinstance(e, PlaybackProgress)]
    assert progress[-1].position_s == pytest.approx(clip.duration_s)
    assert all(b.position_s >= a.position_s for a, b in zip(progress, progress[1:]))
    onset = next(e for e in events if isinstance(e, SpeechStarted))
    assert onset.t_s == pytest.approx(result.speech_onset_s, abs=1e-6)
    phrases = [e for e in events if isinstance(e, PhraseFinished)]
    assert phrases and all(p.rate == result.rate for p in phrases)
    assert all(len(p.samples) == pytest.approx((p.end_s - p.start_s) * p.rate, abs=2) for p in phrases)
    first = phrases[0]
    part = take[int(round(first.start_s * rate)): int(round(first.start_s * rate)) + len(first.samples)]
    assert np.allclose(part, first.samples, atol=1e-4)  # the same audio (the file holds it as 16-bit)
    lives = [e.level for e in events if isinstance(e, Live)]
    rate_per_s = len(lives) / result.take_duration_s
    assert 13 <= rate_per_s <= 16
    speaking = [lv for lv in lives if lv.speaking]
    quiet = [lv for lv in lives if not lv.speaking]
    assert speaking and quiet
    assert np.median([lv.level_dbfs for lv in speaking]) > np.median([lv.level_dbfs for lv in quiet]) + 20
    voiced = [lv.pitch_hz for lv in speaking if lv.pitch_hz]
    assert len(voiced) > 0.3 * len(speaking) and all(50 <= f <= 800 for f in voiced)
    silent = [lv for lv in lives if lv.t_s < truth.clip_end_s]
    assert all(not lv.speaking and lv.pitch_hz is None for lv in silent)


def test_overlap_when_the_answer_starts_before_the_clip_ends(pulse_rig, clip, tmp_path):
    answer = excerpt(SPEECH_FILES[0], 4.0, tmp_path)
    result, room, _ = _trial(
        pulse_rig, clip, tmp_path / "take.flac", feed=answer, hangover_s=HANGOVER,
        when=lambda e: isinstance(e, PlaybackProgress) and e.position_s >= clip.duration_s - 1.8,
    )
    take, rate = _take(result)
    truth = measure(room, take, rate, clip.samples, clip.rate, answer)
    true_overlap = truth.clip_end_s - truth.speech_start_s
    clock = pulse_rig.clock_tolerance
    assert 0.3 < true_overlap < 1.7 + clock(0), "the rig fed the answer at an unexpected moment"
    assert result.latency_s == pytest.approx(truth.latency_s, abs=clock(0.05))
    assert result.latency_s < 0
    assert result.overlap_s == pytest.approx(true_overlap, abs=clock(0.1))
    assert result.stopped_by == "silence"


def test_no_speech_gives_no_response_with_the_message(pulse_rig, clip, tmp_path):
    result, _, events = _trial(pulse_rig, clip, tmp_path / "take.flac", no_response_s=2.0)
    assert result.no_response and result.stopped_by == "no_response"
    assert "No response heard" in result.message and "microphone" in result.message
    assert result.latency_s is None and result.speech_onset_s is None
    assert result.take_duration_s == pytest.approx(result.clip_end_s + 2.0, abs=0.02)
    assert events[-1] == Stopped("no_response")
    assert not any(isinstance(e, (SpeechStarted, PhraseFinished)) for e in events)


def test_clip_leaking_from_speakers_is_not_taken_for_speech(pulse_rig, clip, tmp_path):
    answer = excerpt(SPEECH_FILES[2], 4.0, tmp_path)
    leak = pulse_rig.leak(volume=0.5)
    try:
        result, room, _ = _trial(pulse_rig, clip, tmp_path / "take.flac", feed=answer,
                                 when=lambda e: isinstance(e, YourTurn), lead_s=0.8)
    finally:
        pulse_rig.unload(leak)
    take, rate = _take(result)
    truth = measure(room, take, rate, clip.samples, clip.rate, answer)
    # the clip really did reach the microphone, loudly
    take48 = resample(take, rate, RATE)
    during_clip = take48[int(truth.clip_start_s * RATE): int(truth.clip_end_s * RATE)]
    assert span_rms_db(during_clip, RATE) > -40
    assert result.leak_detected
    assert result.overlap_s == 0.0
    assert result.latency_s == pytest.approx(truth.latency_s, abs=pulse_rig.clock_tolerance(0.05))
    assert result.stopped_by == "silence"


@pytest.mark.parametrize("latency_ms", [300, 700])
def test_a_loopback_with_a_misreported_latency_is_still_recognised(pulse_rig, clip, tmp_path, latency_ms):
    """The playback routed straight into the microphone, arriving up to 0.7 s later than the stream
    clocks say (a digital loopback, or a Bluetooth speaker that reports its latency wrongly)."""
    answer = excerpt(SPEECH_FILES[2], 4.0, tmp_path)
    leak = pulse_rig.leak(volume=1.0, latency_ms=latency_ms)
    try:
        result, room, _ = _trial(pulse_rig, clip, tmp_path / "take.flac", feed=answer,
                                 when=lambda e: isinstance(e, YourTurn), lead_s=1.5)
    finally:
        pulse_rig.unload(leak)
    take, rate = _take(result)
    truth = measure(room, take, rate, clip.samples, clip.rate, answer)
    clip48 = resample(clip.samples, clip.rate, RATE)
    heard_at = locate(clip48, resample(take, rate, RATE)) / RATE  # where the clip really is in the take
    assert heard_at - result.clip_start_s > 0.25, "the loopback did not delay the clip"
    assert result.leak_detected
    assert result.overlap_s == 0.0  # the client's own voice is not "talking over the client"
    assert result.speech_onset_s > heard_at + clip.duration_s  # the answer, not the clip, starts the speech
    assert result.latency_s == pytest.approx(truth.latency_s, abs=pulse_rig.clock_tolerance(0.05) + 0.1)
    assert result.stopped_by == "silence"


def test_leak_alone_is_no_response(pulse_rig, clip, tmp_path):
    leak = pulse_rig.leak(volume=0.7)
    try:
        result, _, events = _trial(pulse_rig, clip, tmp_path / "take.flac", no_response_s=2.0)
    finally:
        pulse_rig.unload(leak)
    assert result.leak_detected
    assert result.no_response and result.speech_onset_s is None
    assert not any(isinstance(e, SpeechStarted) for e in events)


def test_clip_and_then_the_cue_reach_the_speaker(pulse_rig, clip, tmp_path):
    _, room, _ = _trial(pulse_rig, clip, tmp_path / "take.flac", no_response_s=1.0)
    clip48 = resample(clip.samples, clip.rate, RATE)
    clip_at = locate(clip48, room.speaker)
    played = room.speaker[clip_at: clip_at + len(clip48)]
    assert np.corrcoef(played, clip48)[0, 1] > 0.99
    cue = resample(cue_tone(clip.rate), clip.rate, RATE)
    after_clip = clip_at + len(clip48)
    cue_at = after_clip + locate(cue, room.speaker[after_clip:])
    assert (cue_at - clip_at) / RATE == pytest.approx(clip.duration_s + CUE_GAP_S, abs=0.005)
    heard = room.speaker[cue_at: cue_at + len(cue)]
    assert np.corrcoef(heard, cue)[0, 1] > 0.9
    def rms_db(x):
        return 10 * np.log10(np.mean(np.square(x, dtype=np.float64)))

    assert rms_db(heard) == pytest.approx(rms_db(cue), abs=1)


def test_cue_off_plays_only_the_clip(pulse_rig, clip, tmp_path):
    _, room, _ = _trial(pulse_rig, clip, tmp_path / "take.flac", no_response_s=1.0, cue=False)
    clip48 = resample(clip.samples, clip.rate, RATE)
    clip_at = locate(clip48, room.speaker)
    after = room.speaker[clip_at + len(clip48) + int(0.05 * RATE):]
    assert np.abs(after).max(initial=0.0) < 1e-3


def test_a_key_stops_the_take_at_once_and_keeps_it(pulse_rig, clip, tmp_path):
    stop = threading.Event()

    def on_event(event):
        if isinstance(event, PlaybackProgress) and event.position_s > 1.0:
            stop.set()

    result = run_trial(clip, tmp_path / "take.flac", stop=stop, on_event=on_event)
    assert result.stopped_by == "key" and not result.interrupted and not result.no_response
    assert result.take_path.exists()
    # (the stop came at 1 s of the clip by the player's clock; the take's own clock lags on a bursty server)
    assert result.clip_start_s + 1.0 - pulse_rig.clock_tolerance(0) < result.take_duration_s < result.clip_end_s
    assert sf.info(result.take_path).duration == pytest.approx(result.take_duration_s, abs=0.01)
