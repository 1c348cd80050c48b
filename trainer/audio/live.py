"""Live level and pitch for the meter, about 15 times a second, off the audio thread."""

from __future__ import annotations

import numpy as np

from trainer.analysis.speech import SILENT_DBFS, SpeechDetector
from trainer.audio.events import LiveLevel

UPDATES_PER_S = 15
PITCH_WINDOW_S = 0.07  # the latest frames of the detector's pitch track that make the shown pitch


class LiveMeter:
    """Feed mono blocks with `push`; it returns a `LiveLevel` for each 1/15 s of audio.

    The level is the RMS of that 1/15 s. The pitch is the speech detector's own (the take
    analysis's tracker, see trainer.analysis.pitch.LivePitch): the median of the voiced
    frames it tracked in the last 70 ms, a few tens of milliseconds behind the level, and
    None while nobody speaks. Push each block to the detector first.
    """

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.step = max(1, rate // UPDATES_PER_S)
        self._since = 0
        self._power = 0.0
        self._total = 0

    def push(self, block: np.ndarray, detector: SpeechDetector) -> list[LiveLevel]:
        out: list[LiveLevel] = []
        start = 0
        while start < len(block):
            take = min(len(block) - start, self.step - self._since)
            part = block[start: start + take]
            self._power += float(np.dot(part.astype(np.float64), part))
            self._since += take
            start += take
            if self._since >= self.step:
                out.append(self._update(detector))
        return out

    def _update(self, detector: SpeechDetector) -> LiveLevel:
        level = 10 * np.log10(self._power / self._since + 1e-30)
        self._total += self._since
        self._power, self._since = 0.0, 0
        speaking = detector.speaking
        pitch = detector.pitch_hz(PITCH_WINDOW_S) if speaking else None
        return LiveLevel(self._total / self.rate, float(max(level, SILENT_DBFS)), pitch, speaking)
