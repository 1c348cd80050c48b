"""Mapping stream times to sample positions, robust to the jitter of a busy machine.

Every audio callback reports the stream time at which its first sample left the speaker
(or entered the microphone). Pairs of (sample index, stream time) are noisy on a loaded
machine and wrong for the first few callbacks of a stream, so the mapping uses the median
offset of the pairs nearest to the moment asked about, ignoring the start-up callbacks.
Both streams of a trial use PortAudio's one clock, so a moment on the speaker can be
placed in the recording to within a few milliseconds.
"""

from __future__ import annotations

import numpy as np

SETTLE_S = 0.25  # callbacks in the first quarter second of a stream carry unreliable times
WINDOW_S = 2.0


class ClockMap:
    """Pairs of (sample index, stream time) from one stream's callbacks."""

    def __init__(self, rate: float) -> None:
        self.rate = float(rate)
        self._index: list[int] = []
        self._time: list[float] = []

    def add(self, index: int, stream_time: float) -> None:
        """Record that sample `index` is heard (or captured) at `stream_time`; zero times are ignored."""
        if stream_time > 0:
            self._index.append(index)
            self._time.append(stream_time)

    def __len__(self) -> int:
        return len(self._time)

    def offset(self, near_time: float | None = None) -> float | None:
        """Stream time of sample 0 (median estimate); None before any usable callback."""
        count = min(len(self._index), len(self._time))
        if count == 0:
            return None
        index = np.asarray(self._index[:count], dtype=np.float64)
        times = np.asarray(self._time[:count], dtype=np.float64)
        settled = index >= SETTLE_S * self.rate
        if settled.sum() >= 3:
            index, times = index[settled], times[settled]
        offsets = times - index / self.rate
        if near_time is not None:
            close = np.abs(times - near_time) <= WINDOW_S
            if close.sum() >= 3:
                offsets = offsets[close]
        return float(np.median(offsets))

    def time_of(self, index: float) -> float | None:
        """Stream time of sample `index`."""
        base = self.offset()
        if base is None:
            return None
        return self.offset(base + index / self.rate) + index / self.rate

    def index_at(self, stream_time: float) -> float | None:
        """Sample position (fractional) at `stream_time`."""
        base = self.offset(stream_time)
        return None if base is None else (stream_time - base) * self.rate
