"""Helpers for the fault-and-input suite: run the command as a person would, read the history raw.

The history is read with plain SQLite (not through the store under test), so a test sees
exactly what is on disk: how many takes, which recordings they hold.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.session.helpers import ROOT

TIMEOUT = 300


def env_for(home: Path, **extra: str) -> dict[str, str]:
    return dict(os.environ, LEVELVOICE_HOME=str(home), PYTHONPATH=str(ROOT), **extra)


def run(*args: str, home: Path, timeout: float = TIMEOUT, preexec_fn=None, **extra: str) -> subprocess.CompletedProcess:
    """`levelvoice ARGS` as a separate process."""
    return subprocess.run([sys.executable, "-m", "trainer", *args], env=env_for(home, **extra), capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT, preexec_fn=preexec_fn)


def spawn(*args: str, home: Path, **extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "trainer", *args], env=env_for(home, **extra), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


# what `take` says on stderr while it runs (not errors)
PROGRESS = ("The client is speaking", "Your turn", "Listening", "Stopped (", "Measuring")


def clear_lines(done: subprocess.CompletedProcess, count: int = 1) -> list[str]:
    """The command said `count` plain lines on stderr, each `levelvoice: ...`, and nothing went wrong inside
    (`take`'s progress lines aside)."""
    said = [line for line in lines(done.stderr) if not line.startswith(PROGRESS)]
    assert len(said) == count, done.stderr
    assert all(line.startswith("levelvoice: ") for line in said), done.stderr
    assert "Traceback" not in done.stderr and "unexpected error" not in done.stderr, done.stderr
    assert done.returncode not in (134, -6), "aborted"
    return said


def takes(home: Path) -> list[dict]:
    """Every take row, as stored (raw SQLite)."""
    with sqlite3.connect(home / "data" / "history.sqlite3") as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(
            "SELECT id, drill_id, at, audio_path, counted, interrupted, stopped_by, features FROM takes ORDER BY id")]


def files(home: Path, pattern: str = "*") -> list[str]:
    """What the takes folder holds (relative names, hidden files left out)."""
    root = home / "data" / "takes"
    if not root.is_dir():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob(pattern) if p.is_file() and not p.name.startswith("."))


def wait_for_partial(home: Path, process: subprocess.Popen, timeout: float = 120) -> Path:
    """The file a take is being recorded into (it appears when recording starts)."""
    root = home / "data" / "takes"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        found = list(root.rglob("*.partial")) if root.exists() else []
        if found:
            return found[0]
        time.sleep(0.02)
    raise AssertionError(f"no recording started (exit code {process.poll()}): {process.stderr.read() if process.stderr else ''}")


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
