"""Finding speech in a microphone stream as it arrives: onsets, phrases and pauses.

The one live speech detector: the recorder and the trial run it on the microphone, and
the analysis benchmark runs it on a take fed in real time. Pure logic on numpy blocks (no
sound device), so it is tested on real speech files.

Frames are 10 ms long. A frame is loud when it is both above an absolute floor
(`ABSOLUTE_MIN_DBFS`) and well above the recent noise floor (10th percentile of the last
3 s). Speech starts with 30 ms of unbroken loud frames when 60% of the next 100 ms is
loud; once speaking, frames down to 6 dB quieter keep the phrase going; a phrase ends after
300 ms without such a frame.

Within a phrase, each unbroken stretch of sound is a run. As in the take analysis
(activity.py), a run needs 50 ms of voiced frames (the take's pitch tracker, `LivePitch`)
to be speech: a phrase without one (a breath, a click, a hiss) does not count, and
unvoiced runs at either edge of a phrase are cut off unless they sit within 100 ms of its
voiced part (the /s/ of "stop" stays). Phrases shorter than 150 ms do not count. A run
of a second or more whose level hardly moves is a steady sound (a fan or a hum that
starts mid-take), not speech: it is cut off, and the floor jumps to its level until it
stops. The onset of a phrase is reported once it has 150 ms and its voicing; a steady
sound that was reported is taken back (`first_onset_s` returns to None).

When the played clip leaks into the microphone (speakers instead of headphones), an
optional leak model (trainer.audio.leak.LeakGate) says how loud the leak is expected to be
in each frame and only sound clearly above it counts; until it has seen enough of the
clip to decide, frames wait.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from trainer.analysis.activity import HOP_S, MIN_VOICED_S, STEADY_MIN_S, STEADY_SPREAD_DB, frame_levels
from trainer.analysis.features import Segment
from trainer.analysis.pitch import LivePitch

FRAME_S = HOP_S
ABSOLUTE_MIN_DBFS = -50.0
ABOVE_FLOOR_DB = 12.0
HOLD_BELOW_DB = 6.0  # once speaking, frames down to 6 dB below the start thresholds keep the phrase going
ABOVE_LEAK_DB = 8.0
CONFIRM_FRAMES = 10
CONFIRM_LOUD = 6
RUN_FRAMES = 3  # a phrase starts with 30 ms of unbroken sound (a lone noisy frame is not a start)
PAUSE_FRAMES = 30  # 300 ms ends a phrase
MIN_PHRASE_S = 0.15
VOICED_FRAMES = int(round(MIN_VOICED_S / FRAME_S))  # a run with this many voiced frames is speech
ATTACHED_FRAMES = 10  # unvoiced sound within 100 ms of speech belongs to it (a consonant)
STEADY_FRAMES = int(round(STEADY_MIN_S / FRAME_S))
FLOOR_WINDOW = 300
FLOOR_EVERY = 10  # frames between floor updates
SILENT_DBFS = -100.0
PHRASE_MARGIN_S = 0.1  # audio kept on each side of a phrase handed to transcription


class LeakModel(Protocol):
    """What the detector asks of a leak model (see trainer.audio.leak.LeakGate)."""

    def observe(self, first: int, levels: np.ndarray) -> None: ...

    def decided_through(self) -> int: ...

    def predicted_db(self, frame: int) -> float: ...


@dataclass(frozen=True)
class Onset:
    """Speech has started (reported once per take, when the first phrase is sure)."""

    t_s: float


SpeechEvent = Onset | Segment  # a finished phrase is a Segment


def transcription_span(phrase: Segment) -> tuple[float, float]:
    """The take span handed to transcription for a phrase: the phrase with a margin either side."""
    return max(0.0, phrase.start_s - PHRASE_MARGIN_S), phrase.end_s + PHRASE_MARGIN_S


class SpeechDetector:
    """Feed blocks with `push`; read `phrases`, `first_onset_s`, `speaking` and friends.

    `start(rate)` first. Not thread-safe: drive one detector from one thread.
    """

    def __init__(self, *, leak: LeakModel | None = None) -> None:
        self.leak = leak
        self.rate = 0
        self.hop = 0
        self.pitch: LivePitch | None = None  # tracks the frames' F0 once started
        self._pending = np.zeros(0, dtype=np.float32)
        self._levels: list[float] = []
        self._f0: list[float] = []  # per frame, NaN where unvoiced
        self._floors: list[float] = []  # noise floor, one per FLOOR_EVERY frames
        self._done = 0  # frames decided so far
        self._loud: list[bool] = []
        self._hold: list[bool] = []
        self._steady_floor: float | None = None  # the level of a steady sound heard, while it lasts
        self._phrase_start: int | None = None
        self._last_loud = -1
        self._runs: list[list[int]] = []  # [start, end, voiced frames] of the current phrase's runs
        self._onset_reported = False  # for the current phrase
        self.phrases: list[Segment] = []
        self.first_onset_s: float | None = None

    def start(self, rate: int) -> None:
        self.rate = int(rate)
        self.hop = max(1, int(round(rate * FRAME_S)))
        self.pitch = LivePitch(self.rate, hop=self.hop)

    # -- feeding ---------------------------------------------------------------------------
    def push(self, block: np.ndarray) -> list[SpeechEvent]:
        """Add mono samples; returns the new events: an `Onset`, finished phrases (`Segment`s)."""
        if self.hop == 0:
            raise RuntimeError("call start(rate) first")
        data = np.concatenate([self._pending, block]) if len(self._pending) else block
        levels = frame_levels(data, self.rate, self.hop / self.rate, floor_db=SILENT_DBFS)
        self._pending = data[len(levels) * self.hop:].copy()
        first = len(self._levels)
        self._levels.extend(levels.tolist())
        self._f0.extend(self.pitch.push(block).tolist())
        if self.leak is not None:
            self.leak.observe(first, levels)
        ready = min(len(self._levels), len(self._f0))
        if self.leak is not None:
            ready = min(ready, self.leak.decided_through())
        events: list[SpeechEvent] = []
        # a frame can be judged once the confirmation window after it exists
        while self._done + CONFIRM_FRAMES <= ready:
            self._judge(self._done, events)
            self._done += 1
        return events

    def finish(self) -> list[SpeechEvent]:
        """Judge every remaining frame (end of the take) and close an open phrase."""
        self._f0.extend(self.pitch.finish().tolist())
        events: list[SpeechEvent] = []
        while self._done < len(self._levels):
            self._judge(self._done, events)
            self._done += 1
        while self._phrase_start is not None:
            self._close_phrase(events)
        return events

    # -- judging ---------------------------------------------------------------------------
    def _loud_at(self, frame: int) -> bool:
        if frame >= len(self._levels):  # past the end of the take (finish): no sound there
            return False
        while len(self._loud) <= frame:
            i = len(self._loud)
            if i % FLOOR_EVERY == 0 and len(self._floors) <= i // FLOOR_EVERY:
                self._floors.append(float(np.percentile(self._levels[max(0, i - FLOOR_WINDOW): i + 1], 10)))
            level = self._levels[i]
            floor = self._floors[i // FLOOR_EVERY]
            if self._steady_floor is not None:
                if level < self._steady_floor - HOLD_BELOW_DB or floor >= self._steady_floor:
                    self._steady_floor = None  # the steady sound stopped, or the floor has caught up
                else:
                    floor = self._steady_floor
            leak = self.leak.predicted_db(i) + ABOVE_LEAK_DB if self.leak is not None else -np.inf
            threshold = max(ABSOLUTE_MIN_DBFS, floor + ABOVE_FLOOR_DB, leak)
            self._loud.append(level > threshold)
            self._hold.append(level > max(threshold - HOLD_BELOW_DB, leak))
        return self._loud[frame]

    def _starts_at(self, frame: int) -> bool:
        return (self._loud_at(frame) and all(self._loud_at(frame + k) for k in range(RUN_FRAMES))
                and sum(self._loud_at(frame + k) for k in range(CONFIRM_FRAMES)) >= CONFIRM_LOUD)

    def _judge(self, frame: int, events: list[SpeechEvent]) -> None:
        if self._phrase_start is None:
            if not self._starts_at(frame):
                return
            self._phrase_start = frame
            self._runs = []
            self._onset_reported = False
        self._loud_at(frame)
        if self._hold[frame]:
            self._last_loud = frame
            if not self._runs or self._runs[-1][1] < frame:
                self._runs.append([frame, frame, 0])
            run = self._runs[-1]
            run[1] = frame + 1
            run[2] += bool(np.isfinite(self._f0[frame]))
            if run[1] - run[0] >= STEADY_FRAMES and self._steady(frame):
                self._cut_steady(frame, events)
                return
            if not self._onset_reported:
                self._report_onset(events)
        span = self._span()
        if span is None:  # nothing voiced yet: the phrase lasts while sound goes on
            if not self._hold[frame] and frame - self._last_loud >= PAUSE_FRAMES:
                self._close_phrase(events)
        elif frame - span[1] + 1 >= PAUSE_FRAMES:  # a pause after the speech (unvoiced sound in it or not)
            self._close_phrase(events)

    def _steady(self, frame: int) -> bool:
        """Whether the last second of sound hardly moved in level (a fan or a hum, not speech)."""
        recent = self._levels[frame - STEADY_FRAMES + 1: frame + 1]
        low, high = np.percentile(recent, [10, 90])
        return float(high - low) < STEADY_SPREAD_DB

    def _span(self) -> tuple[int, int] | None:
        """The current phrase's speech, as frames: voiced runs plus the sound attached to them."""
        voiced = [i for i, run in enumerate(self._runs) if run[2] >= VOICED_FRAMES]
        if not voiced:
            return None
        first, last = voiced[0], voiced[-1]
        while first > 0 and self._runs[first][0] - self._runs[first - 1][1] < ATTACHED_FRAMES:
            first -= 1
        while last < len(self._runs) - 1 and self._runs[last + 1][0] - self._runs[last][1] < ATTACHED_FRAMES:
            last += 1
        return self._runs[first][0], self._runs[last][1]

    def _report_onset(self, events: list[SpeechEvent]) -> None:
        span = self._span()
        if span is None or self._last_loud + 1 - span[0] < MIN_PHRASE_S / FRAME_S:
            return
        self._onset_reported = True
        if self.first_onset_s is None:
            self.first_onset_s = round(span[0] * FRAME_S, 3)
            events.append(Onset(self.first_onset_s))

    def _cut_steady(self, frame: int, events: list[SpeechEvent]) -> None:
        """End the phrase where the steady sound began and lift the floor to its level."""
        begin = frame - STEADY_FRAMES + 1
        self._steady_floor = float(np.percentile(self._levels[begin: frame + 1], 10))
        run = self._runs[-1]
        run[1] = begin
        run[2] = int(np.count_nonzero(np.isfinite(self._f0[run[0]: begin])))
        if run[1] <= run[0]:
            self._runs.pop()
        reported = self._onset_reported and self.first_onset_s is not None
        kept = self._close_phrase(events)
        self._phrase_start, self._runs = None, []  # sound before the steady one that is not speech
        if reported and not kept and not self.phrases:
            self.first_onset_s = None  # it was the steady sound
        del self._loud[frame + 1:], self._hold[frame + 1:]  # judged again against the new floor

    def _close_phrase(self, events: list[SpeechEvent]) -> bool:
        """End the phrase at the end of its speech; unvoiced sound after that may begin the next one."""
        span = self._span()
        self._runs = [run for run in self._runs if span is not None and run[0] >= span[1]]
        self._phrase_start = self._runs[0][0] if self._runs else None
        self._onset_reported = False
        if span is None or (span[1] - span[0]) * FRAME_S < MIN_PHRASE_S:
            return False
        phrase = Segment(round(span[0] * FRAME_S, 3), round(span[1] * FRAME_S, 3))
        self.phrases.append(phrase)
        events.append(phrase)
        return True

    # -- reading ---------------------------------------------------------------------------
    @property
    def decided_s(self) -> float:
        """Take time up to which every frame has been judged."""
        return self._done * FRAME_S

    @property
    def speaking(self) -> bool:
        """A phrase is going on (or a sound that may still turn out to be one)."""
        return self._phrase_start is not None

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

    def pitch_hz(self, window_s: float) -> float | None:
        """Median F0 of the voiced frames among the latest `window_s` tracked (None when none is voiced)."""
        recent = np.asarray(self._f0[-max(1, int(round(window_s / FRAME_S))):])
        voiced = recent[np.isfinite(recent)]
        return float(np.median(voiced)) if len(voiced) else None
