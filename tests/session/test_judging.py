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


def test_the_answer_is_measured_from_where_the_microphone_stopped_hearing_a_leaked_clip():
    from dataclasses import replace

    from trainer.session.takes import LEAK_TAIL_S, answer_start_s

    base = replace(_trial("take.flac"), clip_start_s=0.2, clip_end_s=7.2, take_duration_s=22.0)
    assert answer_start_s(base) == pytest.approx(7.2)
    talked_over = replace(base, speech_onset_s=6.0)
    assert answer_start_s(talked_over) == pytest.approx(5.9)  # headphones: the overlap is the therapist's
    leaked = replace(talked_over, leak_detected=True, leak_delay_s=0.7)  # heard 0.7 s late (a loopback)
    assert answer_start_s(leaked) == pytest.approx(7.2 + 0.7 + LEAK_TAIL_S)


def test_a_take_cut_short_says_why_first_and_does_not_count(settings_home):
    from dataclasses import replace

    practice = open_practice(transcribe=False)
    with_baseline(practice, SPEECH_FILES[0])
    audio = read_audio(SPEECH_FILES[1], end_s=2.0, mono=True)  # 2 s: the speaker went away
    lost = replace(_trial(SPEECH_FILES[1]), stopped_by="device_lost", interrupted=True,
                   message="The speaker or headphones 'x' stopped playing (unplugged?), so the trial stopped.")
    outcome = practice.judge_and_store(practice.drill(DRILL), lost, acoustic_features(audio.samples, audio.rate))
    assert outcome.warnings[0].startswith("The speaker or headphones 'x' stopped playing")
    assert not outcome.counted and any("does not count" in w for w in outcome.warnings)
    assert practice.store.count_takes(DRILL) == 0 and practice.store.band_states(DRILL) == {}
    (stored,) = list(practice.store.iter_takes())
    assert stored.stopped_by == "device_lost" and stored.interrupted and not stored.counted
    practice.close()


FEMALE_TEXT = ("Mrs. Allen said Catherine the next morning. Will there be any harm in my calling on Miss Tilney "
               "today? I shall not be easy till I have explained everything. Go by all means, my dear, only put "
               "on a white gown. Miss Tilney always wears white.")


def test_the_transcript_judges_the_take_again_and_its_bands_move_once(settings_home):
    """The acoustic verdict is stored at once; the transcript's pace then decides the stored verdict,
    score and band moves, stepped from the bands the take started with (not a second step)."""
    from tests.analysis.variants import speech_tempo
    from trainer.analysis import add_transcript
    from trainer.analysis.transcribe import Transcript
    from trainer.practice.baseline import build_baseline

    audio = read_audio(SPEECH_FILES[0], mono=True)
    calm = add_transcript(acoustic_features(audio.samples, audio.rate), Transcript(FEMALE_TEXT, ()))
    practice = open_practice(transcribe=False)
    practice.store.add_baseline(build_baseline([calm], device="default", created_at=practice.now()))
    drill = practice.drill(DRILL)
    faster = acoustic_features(speech_tempo(audio.samples, audio.rate, 1.3), audio.rate)
    before = practice.store.band_states(drill.id)
    first = practice.judge_and_store(drill, _trial(SPEECH_FILES[0]), faster)
    after_first = practice.store.band_states(drill.id)
    assert after_first["loudness"].streak_in == 1 and first.verdict.metric("pace").detail.startswith("syllables/s")

    final = practice.complete_take(first, drill, add_transcript(faster, Transcript(FEMALE_TEXT, ())), before)
    pace = final.verdict.metric("pace")
    assert pace.value != first.verdict.metric("pace").value  # the transcript's count took part
    assert pace.value == pytest.approx(1.3, rel=0.055) and pace.status == "high"
    assert final.complete and final.features.syllable_rate is not None
    stored = practice.store.take(first.take_id)
    assert stored.verdict == final.verdict.to_dict() and stored.score == final.verdict.score
    assert stored.features["syllable_rate"] == final.features.syllable_rate
    bands = practice.store.band_states(drill.id)
    assert bands["loudness"].streak_in == 1  # one take, one step: not two
    assert bands["pace"].streak_out == 1 and bands["pace"].streak_in == 0
    practice.close()
