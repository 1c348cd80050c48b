"""One recording at a time across Level Voice windows (an advisory lock in the data folder).

The lock is the operating system's own: `flock` where `fcntl` exists (Linux, macOS),
`msvcrt.locking` on Windows. Either way it is released when the process ends, even by a
crash, so a stale lock never blocks the next start. On a system with neither, windows
are not kept apart, and the log says so once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path

from trainer import paths
from trainer.errors import AlreadyRunningError

WAIT_POLL_S = 0.05  # how often a waiting Windows lock tries again
NO_LOCKS_WARNING = ("This system offers no file locks (neither fcntl nor msvcrt), so Level Voice cannot stop two "
                    "windows from recording at once; use one window at a time.")

log = logging.getLogger("levelvoice.lock")
_warned = False


def _fcntl():
    try:
        import fcntl
    except ImportError:
        return None
    return fcntl


def _msvcrt():
    try:
        import msvcrt
    except ImportError:
        return None
    return msvcrt


def _no_locks() -> None:
    global _warned
    if not _warned:
        log.warning(NO_LOCKS_WARNING)
        _warned = True


def _acquire(fd: int, *, wait: bool) -> bool:
    """Lock the open file `fd` for this process; False when another holds it and `wait` is off."""
    fcntl = _fcntl()
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return False
        return True
    msvcrt = _msvcrt()
    if msvcrt is None:
        _no_locks()
        return True
    while True:  # Windows locks the first byte (beyond the end of an empty file is allowed)
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            if not wait:
                return False
            time.sleep(WAIT_POLL_S)


def _release(fd: int) -> None:
    """Unlock before closing; Windows may keep a lock a while after its handle closes."""
    if _fcntl() is None and (msvcrt := _msvcrt()) is not None:
        os.lseek(fd, 0, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    os.close(fd)  # with flock, closing releases the lock


@contextlib.contextmanager
def exclusive_lock(path: Path, *, wait: bool) -> Iterator[bool]:
    """Hold an exclusive lock on the private file `path` (created if needed).

    Yields True while held. Without `wait`, yields False at once when another process
    holds it; with `wait`, blocks until it is free.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT | paths.O_BINARY, paths.PRIVATE_FILE_MODE)
    held = False
    try:
        held = _acquire(fd, wait=wait)
        yield held
    finally:
        if held:
            _release(fd)
        else:
            os.close(fd)


@contextlib.contextmanager
def recording_lock():
    """Hold the microphone for this process, or raise `AlreadyRunningError` at once."""
    folder = paths.ensure_data_dir()
    with exclusive_lock(folder / "recording.lock", wait=False) as held:
        if not held:
            raise AlreadyRunningError(
                "Another Level Voice window is recording right now. Finish or stop the take there, then try again."
            )
        yield
