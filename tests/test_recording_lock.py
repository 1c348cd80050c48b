"""A second Level Voice cannot record while the first one is: a clear error, nothing lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from trainer.errors import AlreadyRunningError
from trainer.session.lock import recording_lock

HOLD = ("import time, sys\n"
        "from trainer.session.lock import recording_lock\n"
        "with recording_lock():\n"
        "    print('holding', flush=True)\n"
        "    time.sleep(60)\n")


def assert_a_crash_releases_the_lock(holder: subprocess.Popen) -> None:
    """Kill the process holding the recording lock: the lock is free again within 5 s."""
    holder.send_signal(signal.SIGKILL)  # even a crash releases it
    holder.wait(timeout=10)
    deadline = time.monotonic() + 5
    while True:
        try:
            with recording_lock():
                return
        except AlreadyRunningError:
            assert time.monotonic() < deadline, "the lock outlived the crashed process"
            time.sleep(0.05)


def test_a_second_instance_gets_a_clear_error_until_the_first_one_ends(lv_home):
    other = subprocess.Popen([sys.executable, "-c", HOLD], env=dict(os.environ), stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline().strip() == "holding"
        with pytest.raises(AlreadyRunningError, match="Another Level Voice window is recording"):
            with recording_lock():
                pass
        assert_a_crash_releases_the_lock(other)
    finally:
        if other.poll() is None:
            other.kill()


def test_the_lock_is_released_after_each_take_and_private(lv_home):
    for _ in range(3):
        with recording_lock():
            pass
    assert oct((lv_home / "data" / "recording.lock").stat().st_mode & 0o777) == "0o600"
