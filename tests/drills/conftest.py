"""Fixtures for the drill library: a writable copy of the pack, test recordings, the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from trainer.drills.loader import bundled_dir

REPO_DRILLS = bundled_dir()
RATE = 44100


def run_cli(*args: str, home: Path, stdin: str | None = None, env_extra: dict[str, str] | None = None):
    """`levelvoice ARGS` in a fresh process (the real entry point, errors and exit codes included)."""
    env = dict(os.environ, LEVELVOICE_HOME=str(home), **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "trainer", *args], capture_output=True, text=True, env=env,
                          input=stdin, timeout=300)


def one_error_line(done: subprocess.CompletedProcess) -> str:
    """The single `levelvoice: ...` line a failed command printed (asserts there is exactly one)."""
    assert done.returncode != 0, done.stdout
    assert "Traceback" not in done.stderr + done.stdout
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("levelvoice: ")]
    assert len(errors) == 1 and lines[-1] == errors[0], done.stderr
    return errors[0]


@pytest.fixture
def pack(tmp_path, monkeypatch) -> Path:
    """A writable copy of the bundled pack, used as the bundled folder for this test."""
    copy = tmp_path / "pack"
    shutil.copytree(REPO_DRILLS, copy)
    monkeypatch.setenv("LEVELVOICE_DRILLS_DIR", str(copy))
    return copy


def tone_bursts(path: Path, *, length_s: float, bursts: list[float], burst_s: float = 0.2,
                rate: int = RATE) -> Path:
    """A recording of faint noise with 1 kHz tone bursts starting at the given times."""
    rng = np.random.default_rng(7)
    samples = (rng.standard_normal(int(length_s * rate)) * 0.002).astype(np.float32)
    t = np.arange(int(burst_s * rate)) / rate
    for start in bursts:
        first = int(round(start * rate))
        samples[first:first + len(t)] += 0.5 * np.sin(2 * np.pi * 1000 * t).astype(np.float32)
    sf.write(path, samples, rate)
    return path


def burst_onsets(samples: np.ndarray, rate: int) -> list[float]:
    """Times (s) where a tone burst starts: the envelope crosses half its peak going up."""
    hop = rate // 1000
    envelope = np.abs(samples[: len(samples) // hop * hop]).reshape(-1, hop).max(axis=1)
    above = envelope > envelope.max() / 2
    rises = np.flatnonzero(above[1:] & ~above[:-1]) + 1
    return [index * hop / rate for index in rises if not above[max(index - 50, 0):index].any()]


def make_mp4(audio: Path, out: Path) -> Path:
    """A small video (test pattern) with `audio` as its AAC track, made with ffmpeg."""
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10",
                    "-i", str(audio), "-shortest", "-c:v", "mpeg4", "-c:a", "aac", "-b:a", "96k", str(out)],
                   check=True, timeout=120)
    return out


def imported_entries(home: Path) -> list[str]:
    """Everything in the imported-drills folder (hidden leftovers included)."""
    folder = home / "data" / "drills"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []
