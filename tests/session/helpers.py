"""Helpers for the session layer's end-to-end tests: a settable clock, a Practice, an answer fed on cue."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import soundfile as sf

from trainer.analysis import acoustic_features
from trainer.media import read_audio
from trainer.practice.baseline import build_baseline

ROOT = Path(__file__).resolve().parents[2]
DRILL = "competence-1-how-long"  # the shortest bundled clip (7 s), offsets all neutral
ZONE = "Europe/Berlin"


class SetClock:
    """A clock that only moves when the test says so (thread-safe)."""

    def __init__(self, start: dt.datetime) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> dt.datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += dt.timedelta(seconds=seconds)


def write_settings(home: Path, **values) -> None:
    """config.toml inside LEVELVOICE_HOME (always with a fixed time zone)."""
    from trainer import config

    config.save(config.update(config.Settings(timezone=ZONE), **values), home / "config" / "config.toml")


def open_practice(clock=None, *, transcribe: bool = True):
    """A Practice on the current LEVELVOICE_HOME, as the app and the CLI open it."""
    from trainer.session import Practice

    return Practice.open(transcribe=transcribe) if clock is None else Practice.open(clock=clock, transcribe=transcribe)


class Feeder:
    """Feeds a speech file into the virtual microphone when the take says "your turn"."""

    def __init__(self, rig, path: Path | None, *, lead_s: float = 0.5) -> None:
        self.rig = rig
        self.path = path
        self.lead_s = lead_s
        self.processes: list[subprocess.Popen] = []

    def on_your_turn(self) -> None:
        if self.path is not None and not self.processes:
            self.processes.append(self.rig.feed(self.path, lead_s=self.lead_s))

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
            process.wait(timeout=10)


def excerpt(source: Path, seconds: float, folder: Path) -> Path:
    """The first `seconds` of a speech file as a WAV."""
    audio = read_audio(source, mono=True)
    path = folder / f"{source.stem}-{seconds:g}s.wav"
    sf.write(path, audio.samples[: int(seconds * audio.rate)], audio.rate, subtype="FLOAT")
    return path


def effort_readings(source: Path, folder: Path, *, seconds: float | None = None, levels=(-10.0, 0.0, 8.0),
                    tilts=(-4.0, 0.0, 4.0)) -> dict[str, Path]:
    """The same speech as three effort readings (soft, comfortable, projected): each `levels` dB louder
    and `tilts` dB brighter above 1 kHz, as a voice gets louder and brighter together."""
    import numpy as np

    from tests.analysis.variants import brighter, gain

    audio = read_audio(source, mono=True)
    samples = audio.samples if seconds is None else audio.samples[: int(seconds * audio.rate)]
    files = {}
    for effort, level, tilt in zip(("soft", "comfortable", "projected"), levels, tilts):
        path = folder / f"{source.stem}-{effort}.flac"
        sf.write(path, np.clip(gain(brighter(samples, audio.rate, tilt), level), -1, 1), audio.rate)
        files[effort] = path
    return files


def levelvoice(*args: str, home: Path, timeout: float = 300, **kwargs) -> subprocess.CompletedProcess:
    """Run the command line as a person would (a separate process)."""
    env = dict(os.environ, LEVELVOICE_HOME=str(home), PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "trainer", *args], env=env, capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, **kwargs)


CRASHED_AT = dt.datetime(2026, 3, 9, 20, 15, 30, tzinfo=dt.timezone.utc)  # 21:15:30 in Berlin

KILLED_WRITER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from trainer.audio.flacfile import FlacWriter
    from trainer.media import read_audio

    audio = read_audio(sys.argv[1], mono=True)
    writer = FlacWriter(Path(sys.argv[2]), audio.rate)
    block = audio.rate // 10
    for start in range(0, len(audio.samples), block):
        writer.write(audio.samples[start:start + block])
    writer.sync()
    os.kill(os.getpid(), signal.SIGKILL)  # a crash: the file is never closed
""")


def crashed_take(partial: Path, speech: Path, *, at: dt.datetime | None = CRASHED_AT) -> Path:
    """A take interrupted by a crash at `at` (None: just now): its partial file, as the recorder leaves it."""
    partial.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(speech), str(partial)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == -9, done.stderr
    if at is not None:
        os.utime(partial, (at.timestamp(), at.timestamp()))
    return partial


def with_baseline(practice, voice: Path) -> None:
    """A stored baseline from a real voice (acoustic measures only: no model needed)."""
    audio = read_audio(voice, mono=True)
    practice.store.add_baseline(build_baseline([acoustic_features(audio.samples, audio.rate)], device="default",
                                               created_at=CRASHED_AT - dt.timedelta(days=1)))
