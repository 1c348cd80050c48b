"""Live level and pitch for the meter, about 15 times a second, off the audio thread."""

from __future__ import annotations

import numpy as np

from trainer.audio.events import LiveLevel
from trainer.analysis.speech import SILENT_DBFS

UPDATES_PER_S = 15
VOICED = 0.5  # SwiftF0's calibrated confidence for a voiced frame
RECENT_FRAMES = 4  # 64 ms of SwiftF0 frames make the shown pitch

_detector = None


def pitch_detector():
    """The live meter's own SwiftF0 model: one ONNX thread that sleeps between calls.

    Analysis code must build its own `SwiftF0`: sharing this session with a long `detect`
    call starves the meter (measured: 7 instead of 15 updates a second).
    """
    global _detector
    if _detector is None:
        from swift_f0 import SwiftF0

        _detector = SwiftF0(threads=1, spin=False)
    return _detector


class LiveMeter:
    """Feed mono blocks with `push`; it returns a `LiveLevel` for each 1/15 s of audio.

    The pitch comes from SwiftF0's streaming mode, which is exact but runs 160 ms behind
    (it needs that much audio after a frame); fine for a meter.
    """

    def __init__(self, rate: int, *, pitch: bool = True) -> None:
        self.rate = rate
        self.step = max(1, rate // UPDATES_PER_S)
        self._since = 0
        self._power = 0.0
        self._total = 0
        self._stream = pitch_detector().stream(fmin=50.0, fmax=800.0) if pitch else None
        self._pending: list[np.ndarray] = []
        self._pitch: float | None = None

    def push(self, block: np.ndarray, speaking: bool) -> list[LiveLevel]:
        out: list[LiveLevel] = []
        start = 0
        while start < len(block):
            take = min(len(block) - start, self.step - self._since)
            part = block[start: start + take]
            self._pending.append(part)
            self._power += float(np.dot(part.astype(np.float64), part))
            self._since += take
            start += take
            if self._since >= self.step:
                out.append(self._update(speaking))
        return out

    def _update(self, speaking: bool) -> LiveLevel:
        level = 10 * np.log10(self._power / self._since + 1e-30)
        self._total += self._since
        self._power, self._since = 0.0, 0
        if self._stream is not None:
            self._pitch = self._latest_pitch()
        self._pending = []
        return LiveLevel(self._total / self.rate, float(max(level, SILENT_DBFS)), self._pitch, speaking)

    def _latest_pitch(self) -> float | None:
        result = self._stream.push(np.concatenate(self._pending), self.rate)
        if len(result.confidence) == 0:
            return self._pitch
        confidence = result.confidence[-RECENT_FRAMES:]
        voiced = confidence >= VOICED
        if not voiced.any():
            return None
        return float(np.median(result.pitch_hz[-RECENT_FRAMES:][voiced]))
