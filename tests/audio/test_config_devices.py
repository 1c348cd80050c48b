"""`levelvoice config set input_device/output_device` on the rig: a device that is not there is saved
with a warning that lists the ones that are (it may be plugged in later)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.audio


def levelvoice(*args, home):
    env = dict(os.environ, LEVELVOICE_HOME=str(home))
    return subprocess.run([sys.executable, "-m", "trainer", *args], env=env, capture_output=True, text=True,
                          timeout=120)


def test_a_microphone_that_is_not_connected_is_saved_with_a_warning_and_the_list(pulse_rig, lv_home):
    done = levelvoice("config", "set", "input_device", "USB Mic", home=lv_home)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith('input_device = "USB Mic"  (saved in ')
    warning = done.stderr.splitlines()
    assert warning[0].startswith("levelvoice: warning: no microphone called 'USB Mic' is connected now; saved anyway")
    devices = json.loads(levelvoice("devices", "--json", home=lv_home).stdout)
    microphones = [d["name"] for d in devices if d["max_input_channels"] > 0]
    assert microphones and all(any(name in line for line in warning[1:]) for name in microphones)
    assert "Traceback" not in done.stderr and "pa_linux_alsa" not in done.stderr
    assert 'input_device = "USB Mic"' in levelvoice("config", "show", home=lv_home).stdout


def test_a_connected_device_is_saved_without_a_word(pulse_rig, lv_home):
    devices = json.loads(levelvoice("devices", "--json", home=lv_home).stdout)
    speaker = next(d["name"] for d in devices if d["is_default_output"])
    for key, value in (("output_device", speaker), ("input_device", "")):
        done = levelvoice("config", "set", key, value, home=lv_home)
        assert done.returncode == 0 and done.stderr == "", done.stderr
