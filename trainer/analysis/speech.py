"""Finding speech in a microphone stream as it arrives: onsets, phrases and pauses.

Pure logic on numpy blocks (no sound device), so it is tested on real speech files.
Frames are 10 ms long. A frame is loud when it is both above an absolute floor
(`ABSOLUTE_MIN_DBFS`) and well above the recent noise floor (10th percentile of the last
3 s). Speech starts with 30 ms of unbroken loud frames when 60% of the next 100 ms is
loud; once speaking, frames down to 6 dB quieter keep the phrase going; a phrase ends after
300 ms without such a frame; phrases shorter than 150 ms (a click, a cough) do not count.
When the played clip leaks into the microphone (speakers instead of headphones), an
optional `LeakGate` says how loud the leak is expected to be in each frame and only
sound clearly above it counts; until the gate has seen enough of the clip to decide,
frames wait.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FRAME_S = 0.01
ABSOLUTE_MIN_DBFS = -50.0
ABOVE_FLOOR_DB = 12.0
HOLD_BELOW_DB = 6.0  # once speaking, frames down to 6 dB below the start thresholds keep the phrase going
ABOVE_LEAK_DB = 8.0
CONFIRM_FRAMES = 10
CONFIRM_LOUD = 6
RUN_FRAMES = 3  # a phrase starts with 30 ms of unbroken sound (a lone noisy frame is not a start)
PAUSE_FRAMES = 30  # 300 ms ends a phrase
MIN_PHRASE_S = 0.15
FLOOR_WINDOW = 300
SILENT_DBFS = -100.0


@dataclass(frozen=True)
class Phrase:
    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


def frame_levels(samples: np.ndarray, hop: int) -> np.ndarray:
    """RMS level (dBFS, floored at -100) of consecutive `hop`-sample frames."""
    count = len(samples) // hop
    if count == 0:
        return np.zeros(0)
    frames = samples[: count * hop].astype(np.float64).reshape(count, hop)
    power = np.einsum("ij,ij->i", frames, frames) / hop
    return np.maximum(10 * np.log10(power + 1e-30), SILENT_DBFS)


class SpeechDetector:
    """Feed blocks with `push`; read `phrases`, `first_onset_s`, `speaking` and friends."""

    def __init__(self, *, leak=None) -> None:
        self.leak = leak  # a LeakGate or None
        self.rate = 0
        self.hop = 0
        self._pending = np.zeros(0, dtype=np.float32)
        self._levels: list[float] = []
        self._done = 0  # frames decided so far
        self._loud: list[bool] = []
        self._hold: list[bool] = []
        self._floor = SILENT_DBFS
        self._phrase_start: int | None = None
        self._last_loud = -1
        self.phrases: list[Phrase] = []
        self.first_onset_s: float | None = None

    def start(self, rate: int) -> None:
        self.rate = int(rate)
        self.hop = max(1, int(round(rate * FRAME_S)))

    # -- feeding ---------------------------------------------------------------------------
    def push(self, block: np.ndarray) -> list[object]:
        """Add mono samples; returns new events: ("onset", t_s) and Phrase values."""
        if self.hop == 0:
            raise RuntimeError("call start(rate) first")
        data = np.concatenate([self._pending, block]) if len(self._pending) else block
        levels = frame_levels(data, self.hop)
        self._pending = data[len(levels) * self.hop:].copy()
        first = len(self._levels)
        self._levels.extend(levels.tolist())
        if self.leak is not None:
            self.leak.observe(first, levels)
        return self._decide()

    def _decide(self) -> list[object]:
        events: list[object] = []
        ready = len(self._levels) if self.leak is None else min(len(self._levels), self.leak.decided_through())
        # a frame can be judged once the confirmation window after it exists
        while self._done + CONFIRM_FRAMES <= ready:
            self._judge(self._done, events)
            self._done += 1
        return events

    def _loud_at(self, frame: int) -> bool:
        while len(self._loud) <= frame:
            i = len(self._loud)
            if i % 10 == 0:
                window = self._levels[max(0, i - FLOOR_WINDOW): i + 1]
                self._floor = float(np.percentile(window, 10))
            level = self._levels[i]
            leak = self.leak.predicted_db(i) + ABOVE_LEAK_DB if self.leak is not None else -np.inf
            threshold = max(ABSOLUTE_MIN_DBFS, self._floor + ABOVE_FLOOR_DB, leak)
            self._loud.append(level > threshold)
            self._hold.append(level > max(threshold - HOLD_BELOW_DB, leak))
        return self._loud[frame]

    def _judge(self, frame: int, events: list[object]) -> None:
        loud = self._loud_at(frame)
        if self._phrase_start is None:
            if (loud and all(self._loud_at(frame + k) for k in range(RUN_FRAMES))
                    and sum(self._loud_at(frame + k) for k in range(CONFIRM_FRAMES)) >= CONFIRM_LOUD):
                self._phrase_start = frame
                self._last_loud = frame
            return
        if self._hold[frame]:
            self._last_loud = frame
            if self.first_onset_s is None and (frame - self._phrase_start + 1) * FRAME_S >= MIN_PHRASE_S:
                self.first_onset_s = self._phrase_start * FRAME_S
                events.append(("onset", self.first_onset_s))
        elif frame - self._last_loud >= PAUSE_FRAMES:
            self._close_phrase(events)

    def _close_phrase(self, events: list[object]) -> None:
        phrase = Phrase(self._phrase_start * FRAME_S, (self._last_loud + 1) * FRAME_S)
        self._phrase_start = None
        if phrase.duration_s < MIN_PHRASE_S:
            return
        self.phrases.append(phrase)
        events.append(phrase)

    def finish(self) -> list[object]:
        """Judge every remaining frame (end of the take) and close an open phrase."""
        events: list[object] = []
        while self._done < len(self._levels):
            self._judge(self._done, events)
            self._done += 1
        if self._phrase_start is not None:
            self._close_phrase(events)
        return events

    # -- reading ---------------------------------------------------------------------------
    @property
    def decided_s(self) -> float:
        """Take time up to which every frame has been judged."""
        return self._done * FRAME_S

    @property
    def speaking(self) -> bool:
        return self._phrase_start is not None

    @property
    def ongoing_start_s(self) -> float | None:
        return None if self._phrase_start is None else self._phrase_start * FRAME_S

    @property
    def last_speech_end_s(self) -> float | None:
        """End of the latest speech heard (the current frame while a phrase is going on)."""
        if self._phrase_start is not None:
            return (self._last_loud + 1) * FRAME_S
        return self.phrases[-1].end_s if self.phrases else None

    def speech_s(self, start_s: float = 0.0, end_s: float = float("inf")) -> float:
        """Seconds of speech (phrases, short pauses included) between `start_s` and `end_s`."""
        spans = [(p.start_s, p.end_s) for p in self.phrases]
        if self._phrase_start is not None:
            spans.append((self._phrase_start * FRAME_S, (self._last_loud + 1) * FRAME_S))
        return float(sum(max(0.0, min(b, end_s) - max(a, start_s)) for a, b in spans))
