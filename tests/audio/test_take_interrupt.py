"""Ctrl+C and SIGTERM during `levelvoice take`, the way a person sends them.

The command runs in a real terminal (tmux); Ctrl+C is pressed with `send-keys`, so SIGINT
reaches the whole foreground process group while PortAudio's threads run. At every
moment the take must end, be kept and stored, the JSON must be printed, and the command
must exit 130 (SIGTERM: 143): never abort, crash, hang or leave a `.partial` behind.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import soundfile as sf

from tests.audio.truth import excerpt
from tests.conftest import SPEECH_FILES
from tests.tmux import Tmux, needs_tmux
from trainer.media import read_audio

pytestmark = [pytest.mark.audio, needs_tmux]
ROOT = Path(__file__).resolve().parents[2]

# moment -> (the progress line to wait for on stderr, seconds to wait after it)
MOMENTS = {
    "at-the-start": ("The client is speaking", 0.0),
    "during-the-clip": ("The client is speaking", 1.5),
    "just-after-the-clip": ("Your turn", 0.2),
    "mid-answer": ("Listening", 2.0),
    "during-the-analysis": ("Measuring", 0.0),
}


@pytest.fixture
def clip_file(tmp_path):
    path = tmp_path / "client.wav"
    sf.write(path, read_audio(SPEECH_FILES[1], start_s=1.0, end_s=4.0, mono=True).samples, 16000)
    return path


class Run:
    """`levelvoice take --clip ... --json` in a tmux pane, stdout and stderr in files."""

    def __init__(self, rig, home: Path, clip: Path, folder: Path) -> None:
        self.rig, self.home, self.folder = rig, home, folder
        self.out, self.err, self.status = folder / "out.json", folder / "err.txt", folder / "status"
        env = dict(os.environ, LEVELVOICE_HOME=str(home), PYTHONPATH=str(ROOT), TERM="xterm-256color")
        self.tmux = Tmux(env)
        command = (f"{shlex.quote(sys.executable)} -m trainer take --clip {shlex.quote(str(clip))} --json "
                   f"> {shlex.quote(str(self.out))} 2> {shlex.quote(str(self.err))}")
        self.tmux.start_shell_command(command, status_file=self.status)
        self.feeder = None

    def stderr(self) -> str:
        return self.err.read_text() if self.err.exists() else ""

    def wait_for(self, text: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.stderr():
            assert time.monotonic() < deadline, f"{text!r} never appeared; stderr: {self.stderr()}"
            if "Your turn" in self.stderr() and self.feeder is None:
                self.feed()
            time.sleep(0.02)

    def feed(self) -> None:
        self.feeder = self.rig.feed(excerpt(SPEECH_FILES[0], 6.0, self.folder), lead_s=0.3)

    def exit_status(self, timeout: float = 60.0) -> int:
        deadline = time.monotonic() + timeout
        while not self.status.exists() or not self.status.read_text().strip():
            if "Your turn" in self.stderr() and self.feeder is None:
                self.feed()
            assert time.monotonic() < deadline, f"the command did not finish (hung?); stderr: {self.stderr()}"
            time.sleep(0.05)
        return int(self.status.read_text())

    def pid(self) -> int:
        """The levelvoice process itself (not the shell that started it)."""
        pattern = f"^{sys.executable} -m trainer take --clip .*{self.folder.name}"
        found = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout.split()
        assert len(found) == 1, found
        return int(found[0])

    def close(self) -> None:
        if self.feeder is not None:
            self.feeder.terminate()
        self.tmux.kill()


def _stored_takes(home: Path) -> list[tuple]:
    database = next(home.rglob("*.sqlite3"))
    with sqlite3.connect(database) as conn:
        return conn.execute("SELECT id, stopped_by, interrupted, audio_path FROM takes").fetchall()


@pytest.mark.parametrize("moment", MOMENTS)
def test_ctrl_c_in_a_terminal_ends_keeps_and_prints_the_take(pulse_rig, lv_home, clip_file, tmp_path, moment):
    run = Run(pulse_rig, lv_home, clip_file, tmp_path)
    try:
        line, after_s = MOMENTS[moment]
        run.wait_for(line)
        time.sleep(after_s)
        pressed = time.monotonic()
        run.tmux.keys("C-c")
        status = run.exit_status()
        finished_in = time.monotonic() - pressed
    finally:
        run.close()
    stderr = run.stderr()
    assert status == 130, stderr
    assert finished_in < 30, f"took {finished_in:.1f} s to finish after Ctrl+C"
    assert "Traceback" not in stderr and "terminate called" not in stderr, stderr
    result = json.loads(run.out.read_text())
    (take_id, stopped_by, interrupted, audio_path), = _stored_takes(lv_home)
    assert result["take_id"] == take_id and result["stopped_by"] == stopped_by
    if moment == "during-the-analysis":  # the take had already ended by itself
        assert stopped_by == "silence" and not interrupted and result["counted"]
    else:
        assert stopped_by == "interrupt" and interrupted and result["interrupted"]
        assert "Stopped with Ctrl+C" in stderr
    assert Path(audio_path).exists() and Path(audio_path) == Path(result["take_path"])
    assert not list(lv_home.rglob("*.partial")), "a take was left for recovery"


def test_sigterm_mid_answer_ends_keeps_and_prints_the_take_with_143(pulse_rig, lv_home, clip_file, tmp_path):
    run = Run(pulse_rig, lv_home, clip_file, tmp_path)
    try:
        run.wait_for("Listening")
        time.sleep(1.5)
        os.kill(run.pid(), signal.SIGTERM)
        status = run.exit_status()
    finally:
        run.close()
    assert status == 143, run.stderr()
    result = json.loads(run.out.read_text())
    assert result["stopped_by"] == "interrupt" and result["interrupted"]
    assert [row[0] for row in _stored_takes(lv_home)] == [result["take_id"]]
    assert not list(lv_home.rglob("*.partial"))


def test_ctrl_c_during_a_calibration_answer_keeps_it_and_exits_130(pulse_rig, lv_home, tmp_path):
    env = dict(os.environ, LEVELVOICE_HOME=str(lv_home), PYTHONPATH=str(ROOT), TERM="xterm-256color")
    tmux = Tmux(env, width=120, height=40)
    status = tmp_path / "status"
    tmux.start_shell_command(f"{shlex.quote(sys.executable)} -m trainer calibrate", status_file=status)
    feeders = []
    try:
        tmux.wait_for("Level check: press Enter", timeout=60)
        tmux.keys("Enter")
        feeders.append(pulse_rig.feed(excerpt(SPEECH_FILES[0], 6.0, tmp_path), lead_s=0.3))
        tmux.wait_for("The level is good", timeout=60)
        tmux.wait_for("Question 1 of 3")
        tmux.keys("Enter")
        tmux.wait_for("Recording...")
        feeders.append(pulse_rig.feed(excerpt(SPEECH_FILES[1], 9.0, tmp_path), lead_s=0.3))
        time.sleep(4.0)  # mid-answer
        tmux.keys("C-c")
        deadline = time.monotonic() + 60
        while not (status.exists() and status.read_text().strip()):
            assert time.monotonic() < deadline, f"calibrate did not finish:\n{tmux.screen()}"
            time.sleep(0.05)
        screen = tmux.screen()
    finally:
        for feeder in feeders:
            feeder.terminate()
        tmux.kill()
    assert int(status.read_text()) == 130, screen
    assert "Stopped: calibration not finished; no baseline was saved." in screen
    assert "Traceback" not in screen and "terminate called" not in screen
    kept = list((lv_home / "data" / "calibration").glob("*.flac"))
    assert len(kept) == 1 and sf.info(kept[0]).duration > 3.0  # the answer so far, whole
    assert not list(lv_home.rglob("*.partial"))


def test_a_process_paused_for_three_seconds_mid_answer_is_not_a_lost_device(pulse_rig, lv_home, clip_file, tmp_path):
    """SIGSTOP/SIGCONT, as a debugger or a laptop under heavy load does: the take goes on."""
    run = Run(pulse_rig, lv_home, clip_file, tmp_path)
    try:
        run.wait_for("Listening")
        time.sleep(1.0)
        pid = run.pid()
        os.kill(pid, signal.SIGSTOP)
        time.sleep(3.0)
        os.kill(pid, signal.SIGCONT)
        status = run.exit_status()
    finally:
        run.close()
    assert status == 0, run.stderr()
    result = json.loads(run.out.read_text())
    assert result["stopped_by"] == "silence" and not result["interrupted"], result
    assert "unplugged" not in run.stderr()
