"""Judging and storing a measured take (`Practice.judge_and_store`) with real measurements of a real voice."""

from __future__ import annotations

import pytest

from tests.conftest import SPEECH_FILES
from tests.session.helpers import DRILL, open_practice, with_baseline, write_settings
from trainer.analysis import acoustic_features
from trainer.audio.trial import TrialResult
from trainer.media import read_audio


@pytest.fixture(scope="module")
def measured():
    audio = read_audio(SPEECH_FILES[0], mono=True)
    return acoustic_features(audio.samples, audio.rate)


def _trial(path) -> TrialResult:
    return TrialResult(take_path=path, rate=16000, clip_duration_s=7.0, latency_s=0.8, overlap_s=0.0,
                       speech_onset_s=7.8, speech_end_s=21.0, interrupted=False, overflows=0, no_response=False,
                       stopped_by="silence", message=None)


def test_a_take_on_another_microphone_than_the_baseline_says_so(lv_home, measured):
    write_settings(lv_home, input_device="USB Headset")
    practice = open_practice(transcribe=False)
    with_baseline(practice, SPEECH_FILES[0])  # made on the default microphone
    outcome = practice.judge_and_store(practice.drill(DRILL), _trial(SPEECH_FILES[0]), measured)
    notes = [w for w in outcome.warnings if "USB Headset" in w]
    assert len(notes) == 1 and "'default'" in notes[0] and "levelvoice calibrate" in notes[0]
    assert outcome.verdict is not None  # still judged: the warning says how far to trust it
    assert practice.store.takes_for_drill(DRILL)[0].device == "USB Headset"
    practice.close()


def test_a_take_on_the_baseline_microphone_has_no_device_warning(settings_home, measured):
    practice = open_practice(transcribe=False)
    with_baseline(practice, SPEECH_FILES[0])
    outcome = practice.judge_and_store(practice.drill(DRILL), _trial(SPEECH_FILES[0]), measured)
    assert outcome.warnings == () and outcome.verdict.score >= 80  # the baseline's own voice
    assert practice.store.takes_for_drill(DRILL)[0].device == "default"
    practice.close()
