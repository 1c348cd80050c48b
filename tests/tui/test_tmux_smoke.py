"""Smoke test: the real `levelvoice` command in a real terminal (tmux), driven by keys."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed (apt-get install tmux)")


class Tmux:
    def __init__(self, env: dict[str, str], width: int = 100, height: int = 30) -> None:
        self.name = f"lv-{uuid.uuid4().hex[:8]}"
        self.env = env
        self.size = (width, height)

    def start(self, command: str) -> None:
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", str(self.size[0]), "-y",
                        str(self.size[1]), command], env=self.env, check=True)

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def screen(self) -> str:
        done = subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True)
        return done.stdout

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear; the screen shows:\n{self.screen()}")

    def alive(self) -> bool:
        return subprocess.run(["tmux", "has-session", "-t", self.name], capture_output=True).returncode == 0

    def kill(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def tmux(lv_home):
    env = dict(os.environ, LEVELVOICE_HOME=str(lv_home), TERM="xterm-256color")
    session = Tmux(env)
    yield session
    session.kill()


def test_levelvoice_opens_navigates_and_quits_in_a_real_terminal(tmux):
    tmux.start(f"{sys.executable} -m trainer")
    screen = tmux.wait_for("Streak")
    assert "Today" in screen and "Practise" in screen
    tmux.keys("?")
    tmux.wait_for("Every")  # the help screen's bindings table
    tmux.keys("Escape")
    tmux.wait_for("Streak")
    tmux.keys("l")
    screen = tmux.wait_for("Withdrawal")  # the library's table
    assert "Takes" in screen and "Own" in screen
    assert "woman, about 30" in screen  # the client's voice, next to the challenge
    tmux.keys("Escape")
    tmux.wait_for("Streak")
    tmux.keys("q")
    deadline = time.monotonic() + 10
    while tmux.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not tmux.alive(), "q on the Today screen should quit"
