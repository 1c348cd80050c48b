"""Which interrupted takes to recover, safely beside other running instances.

Every `.flac.partial` under the takes folder is a take that was never closed, or the take
another Level Voice window is recording right now. A take holds the recording lock
(trainer.session.lock) from start to end, so the partial files listed while holding that
lock are all abandoned (a take started later gets a name of its own). While another window
records, recovery waits for a later start. One instance at a time recovers (a lock of its
own), so two instances starting together never recover the same take twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from trainer import paths
from trainer.errors import AlreadyRunningError
from trainer.session.lock import exclusive_lock, recording_lock

LOCK_NAME = ".recovery.lock"


@contextmanager
def recovery_lock(folder: Path) -> Iterator[None]:
    """Hold the takes folder's recovery lock (waits while another instance recovers)."""
    paths.ensure_private_dir(folder)
    with exclusive_lock(folder / LOCK_NAME, wait=True):
        yield


def abandoned_takes(folder: Path) -> list[tuple[Path, dt.datetime]]:
    """Interrupted takes under `folder`, oldest first, with when each was last written.

    None while any Level Voice window is recording: they are recovered at a later start.
    """
    from trainer.audio.recovery import find_interrupted

    try:
        with recording_lock():
            partials = find_interrupted(folder)
    except AlreadyRunningError:
        return []
    return [(p, dt.datetime.fromtimestamp(p.stat().st_mtime, dt.timezone.utc)) for p in partials]
