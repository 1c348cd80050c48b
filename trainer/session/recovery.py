"""Which interrupted takes to recover, safely beside other running instances.

Every `.flac.partial` under the takes folder is a take that was never closed, or one that
another running Level Voice is recording right now. The recorder writes to its file several
times a second, so a partial that was written to recently is watched for a few seconds:
if it changes, it is being recorded and is left alone. One instance at a time recovers (an
advisory lock, released by the system even when a process dies), so two instances starting
together never recover the same take twice.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from trainer import paths

QUIET_S = 3.0  # a take being recorded changes on disk much more often than this (see trainer.audio.recorder)
LOCK_NAME = ".recovery.lock"


@contextmanager
def recovery_lock(folder: Path) -> Iterator[None]:
    """Hold the takes folder's recovery lock (waits while another instance recovers)."""
    import fcntl

    paths.ensure_private_dir(folder)
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, paths.PRIVATE_FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def abandoned_takes(folder: Path, *, quiet_s: float = QUIET_S) -> list[tuple[Path, dt.datetime]]:
    """Interrupted takes under `folder` that nobody is recording, oldest first, with when they were last written.

    Waits (at most `quiet_s`) only when a partial was written to in the last `quiet_s` seconds.
    """
    from trainer.audio.recovery import find_interrupted

    seen = {partial: _state(partial) for partial in find_interrupted(folder)}
    newest = max((state[1] for state in seen.values() if state), default=None)
    if newest is not None:
        time.sleep(max(0.0, min(quiet_s, newest / 1e9 + quiet_s - time.time())))
    found = []
    for partial, state in seen.items():
        if state is not None and _state(partial) == state:  # unchanged while watched: abandoned
            found.append((partial, dt.datetime.fromtimestamp(state[1] / 1e9, dt.timezone.utc)))
    return found


def _state(path: Path) -> tuple[int, int] | None:
    """(size, modification time in ns), or None when the file is gone (its take finished)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return info.st_size, info.st_mtime_ns
