"""Two running instances on one data folder (the app in two terminals, or the app and `levelvoice take`).

Each instance is a separate process with its own `Practice`, as in real use.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import pytest
import soundfile as sf

from tests.conftest import SPEECH_FILES
from tests.session.helpers import DRILL, ROOT, Feeder, crashed_take, open_practice, with_baseline
from trainer import paths
from trainer.audio.events import SpeechStarted, YourTurn

STORER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from trainer.analysis import acoustic_features
    from trainer.audio.trial import TrialResult
    from trainer.media import read_audio
    from trainer.session import Practice

    voice, count, go = Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    practice = Practice.open(transcribe=False)
    drill = practice.drill(sys.argv[4])
    audio = read_audio(voice, mono=True)
    features = acoustic_features(audio.samples, audio.rate)
    while time.time() < go:  # both instances store at the same moment
        time.sleep(0.001)
    practice.begin_practice()
    for i in range(count):
        trial = TrialResult(take_path=voice, rate=audio.rate, clip_duration_s=7.0, latency_s=0.5 + i / 100,
                            overlap_s=0.0, speech_onset_s=7.5, speech_end_s=20.0, interrupted=False, overflows=0,
                            no_response=False, stopped_by="silence", message=None)
        outcome = practice.judge_and_store(drill, trial, features)
        assert outcome.take_id is not None and outcome.verdict is not None
        practice.touch()
    practice.close()
    print("done")
""")

RECOVERER = textwrap.dedent("""
    import sys, time
    from trainer import paths
    from trainer.audio.recovery import find_interrupted
    from trainer.session import Practice

    go = float(sys.argv[1])
    practice = Practice.open(transcribe=False)
    while time.time() < go:
        time.sleep(0.001)
    seen = len(find_interrupted(paths.takes_dir()))
    print(seen, len(practice.recover_interrupted()))
    practice.close()
""")


def _spawn(script: str, *args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-c", script, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _finish(process: subprocess.Popen) -> str:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return out


def test_two_instances_storing_takes_at_once_lose_nothing(settings_home):
    practice = open_practice(transcribe=False)
    with_baseline(practice, SPEECH_FILES[0])
    count = 40
    go = time.time() + 4.0  # both processes are importing and measuring until then
    voices = SPEECH_FILES[:2]
    processes = [_spawn(STORER, str(voice), str(count), str(go), DRILL) for voice in voices]
    for process in processes:
        assert _finish(process).strip() == "done"

    store = practice.store
    assert store.integrity_check() == "ok"
    takes = store.takes_for_drill(DRILL)
    assert len(takes) == 2 * count and len({t.id for t in takes}) == 2 * count
    for voice in voices:
        mine = [t for t in takes if t.audio_path == voice]
        assert sorted(round(t.latency_s, 2) for t in mine) == [round(0.5 + i / 100, 2) for i in range(count)]
        assert all(t.verdict is not None and t.score is not None for t in mine)
        assert len({t.features["pitch_median_hz"] for t in mine}) == 1  # each instance's own measurement
    assert len({t.features["pitch_median_hz"] for t in takes}) == 2
    assert set(store.band_states(DRILL)) == {"loudness", "pitch", "pitch_range", "pace", "edge"}
    assert len({t.session_id for t in takes}) == 2  # one practice session per instance
    practice.close()


def test_two_instances_starting_together_recover_each_take_once(settings_home):
    folder = paths.takes_dir() / "2026-03-09"
    partials = [crashed_take(folder / f"21153{i}-{DRILL}.flac.partial", voice)
                for i, voice in enumerate(SPEECH_FILES)]
    go = time.time() + 4.0
    processes = [_spawn(RECOVERER, str(go)) for _ in range(2)]
    results = [tuple(int(n) for n in _finish(p).split()) for p in processes]

    assert sum(recovered for _, recovered in results) == len(partials)
    practice = open_practice(transcribe=False)
    assert practice.store.count_takes(DRILL) == len(partials)
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name[: -len(".partial")] for p in partials)
    assert sorted(t.audio_path.name for t in practice.store.takes_for_drill(DRILL)) == sorted(
        p.name[: -len(".partial")] for p in partials)
    practice.close()


@pytest.mark.audio
def test_a_second_instance_starting_during_a_take_leaves_it_alone(pulse_rig, settings_home):
    practice = open_practice(transcribe=False)
    drill = practice.drill(DRILL)
    feeder = Feeder(pulse_rig, SPEECH_FILES[1])  # 17 s: time for another instance to start
    second: list[subprocess.Popen] = []

    def post(event):
        if isinstance(event, YourTurn):
            feeder.on_your_turn()
        elif isinstance(event, SpeechStarted) and not second:
            second.append(_spawn(RECOVERER, "0"))  # starts up (and recovers) while this take records

    try:
        outcome = practice.run_take(drill, post=post)
    finally:
        feeder.stop()
    assert second, "the answer was never heard"
    seen, recovered = (int(n) for n in _finish(second[0]).split())
    assert outcome is not None and practice.store.count_takes() == 1
    assert (seen, recovered) == (1, 0), "the second instance ran after the take had ended" if seen == 0 else ""
    trial = outcome.trial
    assert trial.stopped_by == "silence" and not trial.interrupted
    (stored,) = practice.store.takes_for_drill(drill.id)
    assert not stored.interrupted and stored.audio_path == trial.take_path
    assert sf.info(trial.take_path).duration == pytest.approx(trial.take_duration_s, abs=0.01)
    assert [p.name for p in trial.take_path.parent.iterdir()] == [trial.take_path.name]
    practice.close()
