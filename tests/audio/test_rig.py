"""The virtual audio rig carries real audio both ways through real PortAudio."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import SPEECH_FILES
from tests.rig import RATE, active_span, span_rms_db
from trainer.audio.portaudio import sounddevice

pytestmark = pytest.mark.audio
SPEECH = SPEECH_FILES[0]


def _file_audio():
    audio, rate = sf.read(SPEECH, dtype="float32")
    return audio, rate


def test_speech_fed_into_virtual_mic_is_recorded_whole_and_at_the_same_level(pulse_rig):
    sd = sounddevice()
    blocks = []
    with sd.InputStream(samplerate=RATE, channels=1, dtype="float32",
                        callback=lambda data, *_: blocks.append(data[:, 0].copy())):
        time.sleep(0.3)
        feeder = pulse_rig.feed(SPEECH)
        assert feeder.wait(timeout=60) == 0, feeder.stderr.read()
        time.sleep(0.5)
    recorded = np.concatenate(blocks)
    source, rate = _file_audio()
    rec_start, rec_end = active_span(recorded, RATE)
    src_start, src_end = active_span(source, rate)
    assert abs((rec_end - rec_start) - (src_end - src_start)) < 0.3
    assert abs(span_rms_db(recorded, RATE) - span_rms_db(source, rate)) < 1.0


def test_sound_played_through_sounddevice_reaches_the_virtual_speaker(pulse_rig):
    sd = sounddevice()
    source, rate = _file_audio()
    capture = pulse_rig.start_capture()
    sd.play(source, samplerate=rate, blocking=True)
    captured, cap_rate = capture.stop()
    cap_start, cap_end = active_span(captured, cap_rate)
    src_start, src_end = active_span(source, rate)
    assert cap_end > cap_start, "nothing reached the speaker"
    assert abs((cap_end - cap_start) - (src_end - src_start)) < 0.3
    assert abs(span_rms_db(captured, cap_rate) - span_rms_db(source, rate)) < 1.0


def _levelvoice(*args, env_extra=None, home):
    env = dict(os.environ, LEVELVOICE_HOME=str(home), **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "trainer", *args], env=env, capture_output=True, text=True,
                          timeout=120)


def test_devices_lists_the_rig_with_defaults(pulse_rig, lv_home):
    done = _levelvoice("devices", "--json", home=lv_home)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert any(d["is_default_input"] and d["max_input_channels"] > 0 for d in found)
    assert any(d["is_default_output"] and d["max_output_channels"] > 0 for d in found)
    assert all(d["default_samplerate"] > 0 for d in found)


def test_doctor_passes_inside_the_rig(pulse_rig, lv_home):
    done = _levelvoice("doctor", home=lv_home)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All checks passed." in done.stdout
    assert "FAIL" not in done.stdout


def test_doctor_fails_with_a_readable_fix_when_the_microphone_does_not_exist(pulse_rig, lv_home):
    done = _levelvoice("doctor", env_extra={"PULSE_SOURCE": "no_such_microphone"}, home=lv_home)
    assert done.returncode == 1
    mic_line = next(line for line in done.stdout.splitlines() if "Microphone" in line)
    assert mic_line.startswith("FAIL")
    assert "levelvoice devices" in mic_line
    assert "Traceback" not in done.stdout + done.stderr
    assert "pa_linux_alsa" not in done.stdout + done.stderr  # PortAudio's noise stays hidden
