"""Interrupted takes: a `.flac.partial` left by a crash is found, closed, measured and stored at the next start.

The partial files here are written the way a take is recorded (FlacWriter, block by
block, synced) by a process that is then killed, so they end mid-stream exactly as a
crash leaves them.
"""

from __future__ import annotations

import datetime as dt
import os
import stat

import pytest
import soundfile as sf

from tests.conftest import SPEECH_FILES
from tests.session.helpers import CRASHED_AT, DRILL, crashed_take, open_practice, with_baseline
from trainer import paths
from trainer.analysis import acoustic_features
from trainer.audio.flacfile import FlacWriter
from trainer.audio.recovery import RECOVERED_MESSAGE
from trainer.media import read_audio
from trainer.session.lock import recording_lock
from trainer.session.takes import drill_id_of, take_path_for


def test_an_interrupted_take_is_recovered_and_stored_for_its_drill(settings_home):
    voice = SPEECH_FILES[2]
    folder = paths.takes_dir() / "2026-03-09"
    partial = crashed_take(folder / f"211530-{DRILL}.flac.partial", voice)
    practice = open_practice()
    with_baseline(practice, voice)

    recovered = practice.recover_interrupted()

    assert len(recovered) == 1
    recording = recovered[0]
    final = folder / f"211530-{DRILL}.flac"
    assert recording.path == final and recording.interrupted and recording.message == RECOVERED_MESSAGE
    assert not partial.exists()
    assert stat.S_IMODE(final.stat().st_mode) == 0o600
    source = read_audio(voice, mono=True)
    # everything synced before the crash, up to the last unfinished FLAC frame
    assert source.duration_s - 0.5 < sf.info(final).duration <= source.duration_s + 0.01
    (stored,) = practice.store.takes_for_drill(DRILL)
    assert stored.interrupted and stored.audio_path == final
    assert stored.at == CRASHED_AT  # dated when it was recorded, not when it was found
    reference = acoustic_features(source.samples, source.rate)
    assert stored.features["speech_s"] == pytest.approx(reference.speech_s, abs=0.3)
    assert stored.features["loudness_dbfs"] == pytest.approx(reference.loudness_dbfs, abs=0.5)
    assert stored.verdict is not None and stored.verdict["metrics"]["latency"]["status"] == "missing"
    assert practice.store.band_states(DRILL)  # judged like any take of the drill
    drill = practice.drill(DRILL)
    assert stored.difficulty == drill.difficulty
    # found once only
    assert practice.recover_interrupted() == [] and practice.store.count_takes() == 1
    practice.close()


def test_a_take_of_an_unknown_drill_is_kept_under_its_id(settings_home):
    folder = paths.takes_dir() / "2026-03-09"
    partial = crashed_take(folder / "211530-my-removed-drill.flac.partial", SPEECH_FILES[0])
    practice = open_practice()
    (recording,) = practice.recover_interrupted()
    assert recording.path == folder / "211530-my-removed-drill.flac" and not partial.exists()
    (stored,) = practice.store.takes_for_drill("my-removed-drill")
    assert stored.interrupted and stored.audio_path == recording.path and stored.verdict is None
    assert stored.features["speech_s"] > 5
    practice.close()


def test_every_interrupted_take_is_recovered_and_a_damaged_one_set_aside(settings_home):
    folder = paths.takes_dir() / "2026-03-09"
    first = crashed_take(folder / f"211530-{DRILL}.flac.partial", SPEECH_FILES[0])
    # a second take of the same drill in the same second got a numbered name
    second_final = take_path_for(DRILL, CRASHED_AT.astimezone(dt.timezone(dt.timedelta(hours=1))))
    assert second_final != folder / f"211530-{DRILL}.flac" and drill_id_of(second_final) == DRILL
    second = crashed_take(second_final.with_name(second_final.name + ".partial"), SPEECH_FILES[1])
    empty = folder / "211531-anger-1-pharmacy.flac.partial"
    empty.write_bytes(b"")
    os.utime(empty, (CRASHED_AT.timestamp(), CRASHED_AT.timestamp()))
    practice = open_practice()

    recovered = practice.recover_interrupted()

    assert sorted(r.path.name for r in recovered) == sorted([first.name[:-8], second.name[:-8]])
    assert practice.store.count_takes() == 2 and practice.store.count_takes(DRILL) == 2
    assert not first.exists() and not second.exists() and not empty.exists()
    assert (folder / "211531-anger-1-pharmacy.flac.damaged").exists()  # nothing to recover, but not deleted
    practice.close()


def test_take_names_give_back_their_drill(settings_home):
    moment = dt.datetime(2026, 3, 9, 21, 15, 30)
    for drill_id in (DRILL, "my-session-2", "clip-client"):
        path = take_path_for(drill_id, moment)
        assert path.name == f"211530-{drill_id}.flac" and drill_id_of(path) == drill_id
        path.write_bytes(b"")  # taken: the next take in the same second gets another name
        again = take_path_for(drill_id, moment)
        assert again != path and drill_id_of(again) == drill_id
        assert drill_id_of(again.with_name(again.name + ".partial")) == drill_id


def test_a_take_interrupted_moments_ago_is_recovered_at_once(settings_home):
    partial = crashed_take(paths.takes_dir() / "2026-03-09" / f"211530-{DRILL}.flac.partial", SPEECH_FILES[0],
                           at=None)
    practice = open_practice()
    (recording,) = practice.recover_interrupted()
    assert not partial.exists() and practice.store.count_takes(DRILL) == 1
    assert practice.store.takes_for_drill(DRILL)[0].audio_path == recording.path
    practice.close()


def test_nothing_is_recovered_while_a_take_is_being_recorded(settings_home):
    """Another window's take in progress is left alone; an abandoned one waits for a later start."""
    abandoned = crashed_take(paths.takes_dir() / "2026-03-09" / f"211530-{DRILL}.flac.partial", SPEECH_FILES[1])
    path = paths.takes_dir() / "2026-03-10" / f"090000-{DRILL}.flac.partial"
    audio = read_audio(SPEECH_FILES[0], mono=True)
    practice = open_practice()
    with recording_lock():  # what a take holds from start to end
        writer = FlacWriter(path, audio.rate)
        writer.write(audio.samples[: audio.rate])
        writer.sync()
        assert practice.recover_interrupted() == []
        writer.write(audio.samples[audio.rate: 2 * audio.rate])
        writer.close()
    assert path.exists() and abandoned.exists() and practice.store.count_takes() == 0
    assert sf.info(path).duration == pytest.approx(2.0, abs=0.01)  # the recording went on undisturbed
    # the next start: nobody records, both are recovered and stored (the 2 s one kept, but it does not count)
    assert len(practice.recover_interrupted()) == 2
    assert [t.counted for t in practice.store.iter_takes() if t.drill_id == DRILL] == [True, False]
    practice.close()
