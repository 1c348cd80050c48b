"""Telling a device that went away from one that delivers audio in lumps.

Many sound systems hand audio over in bursts: PipeWire changing its quantum, Bluetooth,
remote desktops, virtual machines, an idle PulseAudio null sink (up to 2 s at a time).
A gap between callbacks therefore means nothing on its own; a stream counts as stalled
only after `STALL_S` without a single callback. Time when the process itself was not
running (stopped with SIGSTOP, a debugger, a laptop under heavy load) does not count:
when the watcher missed its own checks, the wait starts again.
"""

from __future__ import annotations

import time
from collections.abc import Callable

STALL_S = 5.0  # no audio at all for this long: the device is gone
PAUSED_S = 1.0  # the watcher itself was not called for this long: the process was paused


class StallClock:
    """`beat()` from the audio callback, `stalled()` from a thread that checks regularly."""

    def __init__(self, limit_s: float = STALL_S, *, paused_s: float = PAUSED_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit_s = limit_s
        self.paused_s = paused_s
        self._clock = clock
        self._last_beat = self._last_check = clock()

    def beat(self) -> None:
        """Audio arrived (or was taken): the device is alive."""
        self._last_beat = self._clock()

    def restart(self) -> None:
        """Start waiting afresh (a stream was started or resumed)."""
        self._last_beat = self._last_check = self._clock()

    def stalled(self) -> bool:
        """True when no audio came for `limit_s` while this process was running."""
        now = self._clock()
        if now - self._last_check > self.paused_s:
            self._last_beat = max(self._last_beat, now)  # we were not running: nobody could call back
        self._last_check = now
        return now - self._last_beat > self.limit_s

    @property
    def silent_for_s(self) -> float:
        return self._clock() - self._last_beat
