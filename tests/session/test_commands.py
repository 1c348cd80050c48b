"""`levelvoice calibrate`, `take` and `stats` as separate processes, the way a person or a script runs them."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
import time
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.conftest import SPEECH_FILES
from tests.session.helpers import DRILL, ROOT, effort_readings, excerpt, levelvoice
from trainer.analysis import TakeFeatures, acoustic_features
from trainer.audio.trial import TrialResult
from trainer.media import read_audio
from trainer.session.calibration import describe_baseline

TIMEOUT = 300


def _stats(home: Path) -> dict:
    done = levelvoice("stats", "--json", home=home)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _wait_for_partial(folder: Path, process: subprocess.Popen, timeout: float = 120) -> Path:
    """The file a recording is being written to (it appears when recording starts)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        found = list(folder.rglob("*.partial")) if folder.exists() else []
        if found:
            return found[0]
        time.sleep(0.02)
    raise AssertionError(f"no recording started in {folder} (exit code {process.poll()})")


# ---- calibrate --from, then take and stats ----

@pytest.mark.audio
@pytest.mark.model
def test_take_after_calibrating_from_a_file_prints_the_judged_take_and_stats_show_it(pulse_rig, settings_home,
                                                                                     tmp_path):
    voice = SPEECH_FILES[1]
    done = levelvoice("calibrate", "--from", str(voice), home=settings_home)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Your calm baseline: loudness ") and done.stderr == ""

    from trainer.drills import get_drill

    clip_s = read_audio(get_drill(DRILL).clip_path).duration_s
    answer = excerpt(voice, 8.0, tmp_path)
    env = dict(os.environ, LEVELVOICE_HOME=str(settings_home), PYTHONPATH=str(ROOT))
    process = subprocess.Popen([sys.executable, "-m", "trainer", "take", "--drill", DRILL, "--json"], env=env,
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    feeder = None
    try:
        _wait_for_partial(settings_home / "data" / "takes", process)
        # recording has just started; the clip follows within a fraction of a second (more on a busy machine)
        feeder = pulse_rig.feed(answer, lead_s=clip_s + 2.5)
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
        if feeder:
            feeder.terminate()
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    result = json.loads(stdout)

    trial_keys = {f.name for f in fields(TrialResult)}
    assert trial_keys <= set(result)
    assert result["drill"] == DRILL and result["drill_id"] == DRILL and isinstance(result["take_id"], int)
    assert result["stopped_by"] == "silence" and result["latency_s"] > 0.2 and result["overlap_s"] == 0
    assert set(result["analysis"]) == {f.name for f in fields(TakeFeatures)}
    assert result["analysis"]["transcript"] and result["analysis"]["wpm"] > 0
    take = Path(result["take_path"])
    assert take.exists() and stat.S_IMODE(take.stat().st_mode) == 0o600

    verdict = result["verdict"]
    assert isinstance(verdict["score"], int) and 0 <= verdict["score"] <= 100
    assert set(verdict["metrics"]) == {"loudness", "pitch", "pitch_range", "pace", "edge", "overlap", "latency"}
    for name, metric in verdict["metrics"].items():
        assert {"value", "band", "status"} <= set(metric), name
        assert metric["status"] in ("in", "high", "low", "missing")
        low, high = metric["band"]
        assert low is None if name == "edge" else low <= high  # the edge's band is open below
    assert verdict["metrics"]["loudness"]["status"] == "in"  # the calm voice itself, at the same level
    assert verdict["metrics"]["loudness"]["value"] == pytest.approx(result["analysis"]["loudness_dbfs"], abs=0.01)
    assert not any("levelvoice calibrate" in w for w in result["warnings"])

    figures = _stats(settings_home)
    (drill,) = figures["drills"]
    assert drill["id"] == DRILL and drill["takes"] == 1 and drill["last_score"] == verdict["score"]
    assert figures["takes_today"] == 1 and figures["baseline"]["sources"] == [str(voice)]


@pytest.mark.model
def test_calibrate_from_several_files_after_one_flag_uses_them_all(settings_home):
    voices = [str(path) for path in SPEECH_FILES[1:]]
    done = levelvoice("calibrate", "--from", *voices, home=settings_home)
    assert done.returncode == 0, done.stderr
    assert _stats(settings_home)["baseline"]["sources"] == voices


# ---- calibrate --from: bad input ----

def test_calibrate_with_files_but_no_from_flag_says_how_to_write_it(settings_home):
    done = levelvoice("calibrate", str(SPEECH_FILES[1]), home=settings_home)
    assert done.returncode == 2 and done.stdout == ""
    assert f"levelvoice calibrate --from {SPEECH_FILES[1]}" in done.stderr
    assert _stats(settings_home)["baseline"] is None


def test_calibrate_from_a_missing_file_is_one_line_and_exit_2(settings_home, tmp_path):
    done = levelvoice("calibrate", "--from", str(tmp_path / "calm.wav"), home=settings_home)
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("levelvoice: ") and "calm.wav" in lines[0]
    assert _stats(settings_home)["baseline"] is None


def test_calibrate_from_a_silent_file_is_one_clear_line_and_exit_1(settings_home, tmp_path):
    silence = tmp_path / "silence.wav"
    sf.write(silence, np.zeros(16000 * 5, dtype=np.float32), 16000)
    done = levelvoice("calibrate", "--from", str(silence), home=settings_home)
    assert done.returncode == 1 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("levelvoice: ")
    assert "no usable speech" in lines[0] and "silence.wav" in lines[0]
    assert _stats(settings_home)["baseline"] is None  # nothing half-saved


# ---- interactive calibrate ----

class Conversation:
    """A running `levelvoice calibrate`: read what it prints, answer its prompts, speak into the mic."""

    def __init__(self, home: Path, rig) -> None:
        self.home = home
        self.rig = rig
        env = dict(os.environ, LEVELVOICE_HOME=str(home), PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen([sys.executable, "-m", "trainer", "calibrate"], env=env, cwd=ROOT,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.output = ""
        self.read_to = 0
        self.feeders: list[subprocess.Popen] = []
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while chunk := os.read(self.process.stdout.fileno(), 4096):
            with self._lock:
                self.output += chunk.decode()

    def expect(self, text: str, timeout: float = 120) -> str:
        """Wait until `text` is printed (after what was already expected); returns the output up to it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                at = self.output.find(text, self.read_to)
                if at >= 0:
                    seen, self.read_to = self.output[self.read_to: at + len(text)], at + len(text)
                    return seen
            if self.process.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.02)
        raise AssertionError(f"expected {text!r}; printed so far:\n{self.output}\nstderr:\n{self.stderr()}")

    def enter(self) -> None:
        """Finish what is being said, then press Enter (the 4 s level check ends while its 6 s
        sentence still plays, and the next recording starts within a fraction of a second)."""
        for feeder in self.feeders:
            feeder.wait(timeout=60)
        self.process.stdin.write(b"\n")
        self.process.stdin.flush()

    def speak(self, path: Path | None, folder: Path) -> None:
        """Once the recording has started, speak `path` into the microphone (None: stay silent)."""
        _wait_for_partial(folder, self.process)
        if path is not None:
            self.feeders.append(self.rig.feed(path, lead_s=0.3))

    def stderr(self) -> str:
        return self.process.stderr.read().decode() if self.process.poll() is not None else "(still running)"

    def close(self) -> int:
        for feeder in self.feeders:
            feeder.terminate()
        if self.process.poll() is None:
            self.process.stdin.close()
        try:
            return self.process.wait(timeout=TIMEOUT)
        finally:
            if self.process.poll() is None:
                self.process.kill()


@pytest.fixture
def answers(tmp_path):
    """Calm answers of about 9 s (6-7 s of speech each), a too-short one, the level-check sentence, and
    three effort readings of 7 s (soft, comfortable, projected: 18 dB louder and 8 dB brighter in all)."""
    return {
        "long": [excerpt(voice, 9.0, tmp_path) for voice in SPEECH_FILES],
        "short": excerpt(SPEECH_FILES[2], 1.6, tmp_path),
        "check": excerpt(SPEECH_FILES[0], 6.0, tmp_path),
        "efforts": effort_readings(SPEECH_FILES[1], tmp_path, seconds=7.0),
    }


@pytest.mark.audio
@pytest.mark.model
def test_calibrate_asks_records_three_answers_and_saves_the_baseline(pulse_rig, settings_home, answers):
    talk = Conversation(settings_home, pulse_rig)
    calibration = settings_home / "data" / "calibration"
    try:
        talk.expect("Your target is your own calm voice")
        # a silent level check first: one clear line, then the prompt again
        talk.expect("Level check: press Enter")
        talk.enter()
        talk.speak(None, settings_home / "cache")
        failed = talk.expect("Level check: press Enter")
        assert "I didn't hear you." in failed and "try again" in failed and "Space" not in failed
        talk.enter()
        talk.speak(answers["check"], settings_home / "cache")
        talk.expect("The level is good")
        for number, answer in enumerate(answers["long"], start=1):
            talk.expect(f"Question {number} of 3: ")
            talk.expect("Press Enter, then answer for about 20 seconds")
            talk.enter()
            talk.expect("Recording...")
            talk.speak(answer, calibration)
            talk.expect("Answer measured: ", timeout=TIMEOUT)
            measured = talk.expect("\n")
            assert "s of speech" in measured and "dBFS" in measured and "words/min" in measured
        talk.expect("read this short text three times")
        for number, effort in enumerate(("soft", "comfortable", "projected"), start=1):
            talk.expect(f"Reading {number} of 3: read it ")
            talk.expect("Press Enter, then read the text")
            talk.enter()
            talk.expect("Recording...")
            talk.speak(answers["efforts"][effort], calibration)
            talk.expect(f"{effort.capitalize()} reading measured: ", timeout=TIMEOUT)
            assert "brightness (alpha ratio)" in talk.expect("\n")
        talk.expect("Your calm baseline: ", timeout=TIMEOUT)
        summary = "Your calm baseline: " + talk.expect("\n").strip()
    finally:
        code = talk.close()
    assert code == 0, talk.stderr()
    assert "Traceback" not in talk.output

    from trainer.store import open_store

    with open_store() as store:
        baseline = store.latest_baseline()
    assert baseline is not None and summary == describe_baseline(baseline)
    assert baseline.device == "default" and baseline.wpm is not None
    assert len(baseline.sources) == 3
    assert [r.effort for r in baseline.effort] == ["soft", "comfortable", "projected"]
    span = baseline.effort[2].loudness_dbfs - baseline.effort[0].loudness_dbfs
    assert span == pytest.approx(18.0, abs=1.5)  # through the rig as fed: no gain control in the way
    assert baseline.effort_slope is not None and 0.2 < baseline.effort_slope < 0.7
    assert "as your readings show" in summary
    recordings = [Path(source) for source in (*baseline.sources, *(r.source for r in baseline.effort))]
    assert all(p.parent == calibration and p.exists() for p in recordings)
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in recordings)
    fed = [acoustic_features(*_mono(a)).loudness_dbfs for a in answers["long"]]
    assert baseline.loudness_dbfs == pytest.approx(float(np.median(fed)), abs=1.5)
    assert not list((settings_home / "cache").glob("level-check*"))  # the level check is not kept
    assert _stats(settings_home)["baseline"]["id"] == baseline.id


@pytest.mark.audio
@pytest.mark.model
def test_calibrate_asks_again_after_no_answer_or_a_too_short_one_and_quits_cleanly(pulse_rig, settings_home,
                                                                                    answers):
    talk = Conversation(settings_home, pulse_rig)
    calibration = settings_home / "data" / "calibration"
    try:
        talk.expect("Level check: press Enter")
        talk.enter()
        talk.speak(answers["check"], settings_home / "cache")
        talk.expect("The level is good")
        talk.expect("Question 1 of 3: ")
        # silence: no answer heard
        talk.enter()
        talk.expect("Recording...")
        talk.speak(None, calibration)
        line = talk.expect("Let's try that question again.", timeout=TIMEOUT).strip().splitlines()[-1]
        assert line.startswith("No response heard") and "microphone" in line
        talk.expect("Question 1 of 3: ")
        # too short to measure: asked again at once, not after all three answers
        talk.enter()
        talk.expect("Recording...")
        talk.speak(answers["short"], calibration)
        line = talk.expect("Let's try that question again.", timeout=TIMEOUT).strip().splitlines()[-1]
        assert line.startswith("I heard only ") and "at least 3 s" in line
        talk.expect("Question 1 of 3: ")
        talk.expect("Press Enter")
    finally:
        code = talk.close()  # end of input at the prompt: the person quits
    stderr = talk.stderr()
    assert code == 130 and "Traceback" not in stderr and "Traceback" not in talk.output
    assert stderr.strip() == "levelvoice: stopped."
    assert _stats(settings_home)["baseline"] is None
    # both attempts are kept, as recorded
    assert len(list(calibration.glob("*.flac"))) == 2 and not list(calibration.glob("*.partial"))


def _mono(path):
    audio = read_audio(path, mono=True)
    return audio.samples, audio.rate
