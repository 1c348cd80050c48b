"""`levelvoice take` end to end on the rig, as a person or a script would run it."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import soundfile as sf

from tests.audio.truth import excerpt
from tests.conftest import SPEECH_FILES
from tests.packaging.helpers import ANSWER_S, take_with_an_answer
from trainer.analysis import acoustic_features
from trainer.media import read_audio

pytestmark = pytest.mark.audio


def _levelvoice(*args, home, env_extra=None, timeout=120):
    env = dict(os.environ, LEVELVOICE_HOME=str(home), **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "trainer", *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture
def clip_file(tmp_path):
    path = tmp_path / "client.wav"
    sf.write(path, read_audio(SPEECH_FILES[1], start_s=1.0, end_s=2.5, mono=True).samples, 16000)
    return path


def test_take_of_a_drill_records_the_answer_and_prints_the_trial_as_json(pulse_rig, lv_home, tmp_path):
    from trainer.drills import get_drill

    drill = get_drill("anger-1-pharmacy")
    clip_s = read_audio(drill.clip_path).duration_s
    env = dict(os.environ, LEVELVOICE_HOME=str(lv_home))
    result, stderr = take_with_an_answer([sys.executable, "-m", "trainer", "take", "--drill", drill.id, "--json"],
                                          env=env, rig=pulse_rig, home=lv_home, clip_s=clip_s, work=tmp_path)
    answer = excerpt(SPEECH_FILES[0], ANSWER_S, tmp_path)  # what it answered with
    assert result["drill"] == drill.id and result["clip_duration_s"] == pytest.approx(clip_s)
    for key in ("latency_s", "overlap_s", "interrupted", "overflows", "stopped_by", "take_path"):
        assert key in result
    assert result["stopped_by"] == "silence" and result["interrupted"] is False and result["overflows"] == 0
    assert result["latency_s"] > 0 and result["overlap_s"] == 0
    take = Path(result["take_path"])
    assert take.is_relative_to(lv_home / "data" / "takes") and take.suffix == ".flac"
    assert stat.S_IMODE(take.stat().st_mode) == 0o600
    assert stat.S_IMODE((lv_home / "data" / "takes").stat().st_mode) == 0o700
    assert sf.info(take).duration == pytest.approx(result["take_duration_s"], abs=0.01)
    analysis = result["analysis"]
    fed = read_audio(answer, mono=True)
    fed_speech_s = acoustic_features(fed.samples, fed.rate).speech_s  # 4 s of reading hold about 2.8 s of speech
    assert analysis["speech_s"] == pytest.approx(fed_speech_s, abs=0.5)
    assert analysis["loudness_dbfs"] < 0 and analysis["transcript"]
    assert result["verdict"] is None  # no baseline yet: not judged, and the warning says what to do
    assert any("levelvoice calibrate" in w for w in result["warnings"])
    assert isinstance(result["take_id"], int)
    assert "Traceback" not in stderr and "ALSA" not in stderr


def test_take_with_no_answer_exits_1_with_the_message_and_saves_where_asked(pulse_rig, lv_home, clip_file, tmp_path):
    (lv_home / "config").mkdir(parents=True)
    (lv_home / "config" / "config.toml").write_text("silence_hangover_s = 1.0\n")
    save = tmp_path / "mine" / "answer.flac"
    done = _levelvoice("take", "--clip", str(clip_file), "--save", str(save), home=lv_home)
    assert done.returncode == 1
    assert "levelvoice: No response heard: check the microphone" in done.stderr
    assert "stopped_by: no_response" in done.stdout
    assert f"take_path: {save}" in done.stdout and save.exists()


def test_take_errors_are_one_clear_line(pulse_rig, lv_home, clip_file, tmp_path):
    done = _levelvoice("take", "--drill", "anger-1-pharmcy", home=lv_home)
    assert done.returncode == 1 and done.stderr.strip() == (
        "levelvoice: There is no drill 'anger-1-pharmcy'. Did you mean 'anger-1-pharmacy'? "
        "See all drills with `levelvoice drills list`.")
    done = _levelvoice("take", "--clip", str(tmp_path / "missing.wav"), home=lv_home)
    assert done.returncode == 2 and "file not found" in done.stderr and "Traceback" not in done.stderr
    done = _levelvoice("take", home=lv_home)
    assert done.returncode == 2 and "Give either --drill ID or --clip FILE" in done.stderr
    done = _levelvoice("take", "--clip", str(clip_file), home=lv_home, env_extra={"PULSE_SOURCE": "no_such_mic"})
    assert done.returncode == 1 and "microphone" in done.stderr.lower()
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not list((lv_home / "data" / "takes").rglob("*.partial")) if (lv_home / "data" / "takes").exists() else True
