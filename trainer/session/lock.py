"""One recording at a time across Level Voice windows (an advisory lock in the data folder)."""

from __future__ import annotations

import contextlib
import fcntl
import os

from trainer import paths
from trainer.errors import AlreadyRunningError


@contextlib.contextmanager
def recording_lock():
    """Hold the microphone for this process, or raise `AlreadyRunningError` at once.

    The operating system releases the lock when the process ends, even by a crash, so a
    stale lock never blocks the next start.
    """
    folder = paths.ensure_data_dir()
    fd = os.open(folder / "recording.lock", os.O_RDWR | os.O_CREAT, paths.PRIVATE_FILE_MODE)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AlreadyRunningError(
                "Another Level Voice window is recording right now. Finish or stop the take there, then try again."
            ) from None
        yield
    finally:
        os.close(fd)
