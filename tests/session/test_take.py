"""`Practice.run_take` end to end: real PortAudio on the rig, real analysis, the bundled model, real SQLite.

The answer is a real voice fed into the virtual microphone when the take says "your turn".
Practice time is measured with a clock the test moves, so nothing depends on how fast
this machine is.
"""

from __future__ import annotations

import datetime as dt
import json
import stat

import pytest
import soundfile as sf

from tests.conftest import SPEECH_FILES
from tests.session.helpers import DRILL, Feeder, SetClock, excerpt, open_practice
from trainer.analysis import TakeFeatures, Transcriber, acoustic_features
from trainer.audio.events import YourTurn
from trainer.media import read_audio
from trainer.practice.bands import bands_for, update_bands
from trainer.session import ResultReady, TakeFailed, TranscriptReady
from trainer.session.calibration import baseline_from_files
from trainer.session.takes import ClipDrill

pytestmark = pytest.mark.audio
START = dt.datetime(2026, 3, 10, 8, 0, tzinfo=dt.timezone.utc)  # 09:00 in Berlin


def _json(value):
    return json.loads(json.dumps(value))


@pytest.fixture
def short_clip(tmp_path):
    """A 1.5 s client clip (another voice than the answers), practised without a drill entry."""
    path = tmp_path / "client.wav"
    audio = read_audio(SPEECH_FILES[1], start_s=1.0, end_s=2.5, mono=True)
    sf.write(path, audio.samples, audio.rate)
    return ClipDrill.from_file(path)


def _run(practice, drill, feeder: Feeder, on_event=None):
    """Run one take, feeding the answer on cue; returns (outcome, events)."""
    events = []

    def post(event):
        events.append(event)
        if isinstance(event, YourTurn):
            feeder.on_your_turn()
        if on_event is not None:
            on_event(event)

    try:
        outcome = practice.run_take(drill, post=post)
    finally:
        feeder.stop()
    return outcome, events


@pytest.mark.model
def test_a_take_is_judged_stored_then_completed_with_the_transcript(pulse_rig, settings_home):
    voice = SPEECH_FILES[0]
    clock = SetClock(START)
    practice = open_practice(clock)
    baseline = baseline_from_files(practice, [voice])
    drill = practice.drill(DRILL)
    assert practice.take_count(drill.id) == 0 and practice.minutes_today() == 0
    stored_at_result = []

    def on_event(event):
        if isinstance(event, YourTurn):
            clock.advance(120)  # two minutes pass while the clip plays and the answer is given
        elif isinstance(event, ResultReady):
            # what the history holds at the moment the acoustic result is shown
            stored_at_result.append(practice.store.take(event.outcome.take_id))
            clock.advance(60)

    practice.begin_practice()
    outcome, events = _run(practice, drill, Feeder(pulse_rig, voice, lead_s=0.5), on_event)
    practice.end_practice()

    kinds = [type(e) for e in events]
    assert TakeFailed not in kinds
    assert kinds.count(ResultReady) == 1 and kinds.count(TranscriptReady) == 1
    assert kinds.index(ResultReady) < kinds.index(TranscriptReady)
    acoustic = events[kinds.index(ResultReady)].outcome
    complete = events[kinds.index(TranscriptReady)].outcome
    assert complete == outcome

    # the acoustic result: measured on the answer (the same voice as the baseline), judged, no transcript yet
    assert not acoustic.complete and acoustic.take_id is not None and acoustic.drill_id == drill.id
    reference = acoustic_features(*_mono(voice))
    features = acoustic.features
    assert features.speech_s == pytest.approx(reference.speech_s, abs=1.0)
    assert features.loudness_dbfs == pytest.approx(reference.loudness_dbfs, abs=1.0)
    assert features.pitch_median_st == pytest.approx(reference.pitch_median_st, abs=0.5)
    assert features.transcript is None and features.wpm is None
    verdict = acoustic.verdict
    assert verdict is not None and 0 <= verdict.score <= 100
    metrics = verdict.to_dict()["metrics"]
    assert metrics["loudness"]["status"] == "in" and metrics["pitch"]["status"] == "in"
    assert metrics["overlap"]["status"] == "in" and metrics["latency"]["status"] == "in"
    assert verdict.score >= 80  # the calm voice itself, answered in time: level
    assert acoustic.warnings == ()

    # the trial: answered after the clip, not over it
    trial = acoustic.trial
    assert trial.stopped_by == "silence" and not trial.interrupted and not trial.no_response
    assert trial.latency_s > 0.2 and trial.overlap_s == 0

    # completed: the same take with transcript, judged again: pace now counts the transcript's syllables too
    assert complete.complete and complete.take_id == acoustic.take_id
    final = complete.verdict
    assert [m for m in final.metrics if m.metric != "pace"] == [m for m in verdict.metrics if m.metric != "pace"]
    assert final.metric("pace").status == "in" and final.score >= 80
    if baseline.syllable_rate is not None:  # the baseline has a transcript too
        assert complete.features.syllable_rate is not None
        assert final.metric("pace").value != verdict.metric("pace").value
    assert complete.features.transcript and complete.features.words > 10 and complete.features.wpm > 0
    assert _word_overlap(complete.features.transcript, Transcriber().transcribe(*_mono(voice)).text) > 0.7
    assert complete.features.speech_s == features.speech_s

    # the history: acoustic first, then the transcript added to the same row
    (before,) = stored_at_result
    assert before.features == _json(features.to_dict())
    (stored,) = practice.store.takes_for_drill(drill.id)
    assert stored.id == acoustic.take_id
    assert stored.features == _json(complete.features.to_dict())
    assert TakeFeatures.from_dict(stored.features).transcript == complete.features.transcript
    assert stored.verdict == _json(final.to_dict()) and stored.score == final.score
    assert stored.latency_s == pytest.approx(trial.latency_s) and stored.overlap_s == trial.overlap_s
    assert stored.baseline_id == baseline.id and stored.difficulty == drill.difficulty
    assert stored.at == START + dt.timedelta(seconds=120)
    assert stored.session_id is not None and not stored.interrupted and stored.overflows == trial.overflows

    # the audio: in the private takes folder, named by the local time the take began and the drill
    audio = stored.audio_path
    assert audio == complete.take_path == trial.take_path and audio.exists()
    assert audio.parent == settings_home / "data" / "takes" / "2026-03-10"
    assert audio.name == f"090000-{drill.id}.flac"
    assert stat.S_IMODE(audio.stat().st_mode) == 0o600
    assert sf.info(audio).duration == pytest.approx(trial.take_duration_s, abs=0.01)

    # the staircase moved one step for this drill (once, not again with the transcript), from the final outcomes
    expected = update_bands(bands_for(None), final.outcomes())
    assert practice.store.band_states(drill.id) == expected
    assert practice.take_count(drill.id) == 1
    # practice time: 2 minutes to the end of the take, 1 more until the drill screen closed
    assert practice.minutes_today() == pytest.approx(3.0)
    assert practice.recent_takes(drill.id)[0].score == final.score
    practice.close()


def _mono(path):
    audio = read_audio(path, mono=True)
    return audio.samples, audio.rate


def _word_overlap(heard: str, truth: str) -> float:
    """The share of the words of `truth` that are in `heard`."""
    def words(text):
        return ["".join(c for c in w if c.isalnum()) for w in text.lower().split()]

    said = words(truth)
    return sum(w in set(words(heard)) for w in said) / len(said)


@pytest.mark.model
def test_without_a_baseline_the_take_is_stored_unjudged_with_a_warning(pulse_rig, settings_home, short_clip,
                                                                       tmp_path):
    practice = open_practice()
    answer = excerpt(SPEECH_FILES[2], 5.0, tmp_path)
    outcome, events = _run(practice, short_clip, Feeder(pulse_rig, answer))
    results = [e.outcome for e in events if isinstance(e, (ResultReady, TranscriptReady))]
    assert len(results) == 2 and [r.complete for r in results] == [False, True]
    for result in results:
        assert result.verdict is None
        notes = [w for w in result.warnings if "levelvoice calibrate" in w]
        assert len(notes) == 1 and "baseline" in notes[0]
    assert outcome.features.speech_s > 2 and outcome.features.transcript
    (stored,) = practice.store.takes_for_drill(short_clip.id)
    assert stored.verdict is None and stored.score is None and stored.baseline_id is None
    assert stored.features["transcript"] == outcome.features.transcript
    assert practice.store.band_states(short_clip.id) == {}
    practice.close()


def test_no_answer_fails_the_take_keeps_the_audio_and_adds_nothing(pulse_rig, settings_home, short_clip):
    practice = open_practice()
    outcome, events = _run(practice, short_clip, Feeder(pulse_rig, None))
    assert outcome is None
    failures = [e for e in events if isinstance(e, TakeFailed)]
    assert len(failures) == 1 and not any(isinstance(e, (ResultReady, TranscriptReady)) for e in events)
    failure = failures[0]
    assert failure.message.startswith("No response heard") and "microphone" in failure.message
    assert failure.trial is not None and failure.trial.no_response and failure.trial.stopped_by == "no_response"
    assert failure.take_path == failure.trial.take_path
    assert failure.take_path.exists() and stat.S_IMODE(failure.take_path.stat().st_mode) == 0o600
    assert sf.info(failure.take_path).duration == pytest.approx(failure.trial.take_duration_s, abs=0.01)
    assert practice.store.count_takes() == 0 and practice.take_count(short_clip.id) == 0
    assert practice.store.band_states(short_clip.id) == {}
    assert not practice.take_in_progress
    practice.close()
