"""The real app in a real terminal: quitting at once, and a computer without sound devices.

Quitting must never wait for the background warm-up (the model load): `q` and Ctrl+Q
close the app within half a second right after the first screen appears, two seconds
later (the model is still loading) and when idle. Without any microphone or speaker the
Today screen says so at once with the fix, and Calibrate's level check comes back to its
ready state with the message instead of listening forever.
"""

from __future__ import annotations

import os
import shlex
import sys
import time

import pytest

from tests.tmux import Tmux, needs_tmux

pytestmark = needs_tmux
QUIT_WITHIN_S = 0.5
NO_SERVER = {"PULSE_SERVER": "unix:/nonexistent/levelvoice-test", "PULSE_SINK": "", "PULSE_SOURCE": ""}


def _app(lv_home, tmp_path, env_extra: dict[str, str] | None = None) -> tuple[Tmux, object]:
    env = dict(os.environ, LEVELVOICE_HOME=str(lv_home), TERM="xterm-256color", **(env_extra or {}))
    tmux = Tmux(env)
    status = tmp_path / f"status-{time.monotonic_ns()}"
    tmux.start_shell_command(f"{shlex.quote(sys.executable)} -m trainer", status_file=status)
    return tmux, status


def _seconds_to_quit(tmux: Tmux, status, key: str) -> float:
    pressed = time.monotonic()
    tmux.keys(key)
    while not (status.exists() and status.read_text().strip()):
        assert time.monotonic() - pressed < 30, f"the app did not quit; the screen shows:\n{tmux.screen()}"
        time.sleep(0.005)
    return time.monotonic() - pressed


@pytest.mark.parametrize("key", ["q", "C-q"])
@pytest.mark.parametrize("after_s", [0.0, 2.0])
def test_quit_closes_the_app_at_once_even_while_the_model_loads(lv_home, tmp_path, key, after_s):
    tmux, status = _app(lv_home, tmp_path)
    try:
        tmux.wait_for("Streak", timeout=30)
        time.sleep(after_s)
        took = _seconds_to_quit(tmux, status, key)
    finally:
        tmux.kill()
    assert status.read_text().strip() == "0"
    assert took < QUIT_WITHIN_S, f"quitting took {took:.2f} s"


def test_without_sound_devices_today_says_so_and_calibrate_recovers(lv_home, tmp_path):
    tmux, status = _app(lv_home, tmp_path, NO_SERVER)
    try:
        screen = tmux.wait_for("No microphone found", timeout=30)
        assert "levelvoice doctor" in screen  # where to look for the rest
        tmux.keys("c")
        tmux.wait_for("Level check: press Space")
        tmux.keys("Space")
        screen = tmux.wait_for("press Space to try again", timeout=20)
        assert "No microphone found" in screen
        assert "Level check: press Space" in screen and "Listening" not in screen  # back to ready
        tmux.keys("Escape")
        tmux.wait_for("Streak")
        _seconds_to_quit(tmux, status, "q")
    finally:
        tmux.kill()
    assert status.read_text().strip() == "0"
