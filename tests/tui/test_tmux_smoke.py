"""Smoke test: the real `levelvoice` command in a real terminal (tmux), driven by keys."""

from __future__ import annotations

import os
import sys
import time

import pytest

from tests.tmux import Tmux, needs_tmux

pytestmark = needs_tmux


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
