"""Windows' `msvcrt.locking` for tests on Linux: the same calls and errors, made of real POSIX locks.

`locking(fd, mode, nbytes)` locks `nbytes` from the file's current position, as on
Windows. `LK_NBLCK` fails at once with PermissionError (EACCES) while another process
holds the bytes; `LK_LOCK` tries ten times a second apart, then raises OSError
(EDEADLOCK); `LK_UNLCK` unlocks. The locks are POSIX record locks (`lockf`), which like
Windows' belong to the process and end with it, so two processes really exclude each
other. Install it with `sys.modules["msvcrt"] = msvcrt_standin` and hide `fcntl` with
`sys.modules["fcntl"] = None` to run Level Voice's Windows lock.
"""

from __future__ import annotations

import errno
import fcntl as _posix
import os
import time

LK_UNLCK, LK_LOCK, LK_NBLCK, LK_RLCK, LK_NBRLCK = 0, 1, 2, 3, 4
LOG_ENV = "MSVCRT_STANDIN_LOG"  # a file where another process notes its calls, one "mode position nbytes" a line
calls: list[tuple[int, int, int]] = []  # (mode, position, nbytes) of every call, for assertions


def locking(fd: int, mode: int, nbytes: int) -> None:
    position = os.lseek(fd, 0, os.SEEK_CUR)
    calls.append((mode, position, nbytes))
    if os.environ.get(LOG_ENV):
        with open(os.environ[LOG_ENV], "a") as log:
            log.write(f"{mode} {position} {nbytes}\n")
    if mode == LK_UNLCK:
        _posix.lockf(fd, _posix.LOCK_UN, nbytes, position, os.SEEK_SET)
        return
    blocking = mode in (LK_LOCK, LK_RLCK)
    for attempt in range(10 if blocking else 1):
        try:
            _posix.lockf(fd, _posix.LOCK_EX | _posix.LOCK_NB, nbytes, position, os.SEEK_SET)
            return
        except OSError:
            if blocking and attempt < 9:
                time.sleep(1.0)
    if blocking:
        raise OSError(errno.EDEADLOCK, "Resource deadlock avoided")
    raise PermissionError(errno.EACCES, "Permission denied")
