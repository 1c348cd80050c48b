"""Speech activity: when someone is speaking, for a whole take and live, block by block.

The rule is the same everywhere. The level of each 10 ms frame is compared with a
threshold set relative to the room: `floor + 10 dB` (the floor is the 10th percentile of
frame levels, digital silence left out), but never more than 35 dB below the loud frames
(95th percentile) and never below -70 dBFS. Steady sounds (white noise, a hum, a fan) sit
at their own floor and never cross it.

For a whole take, `speech_mask` also needs the voicing of each frame: stretches with
no voiced frame (a breath, a click, a hiss) are dropped, gaps shorter than a pause
(250 ms) are bridged, and a stretch of a second or more whose level hardly moves (a hum
or a fan that starts mid-take) is not speech. `segments_of` turns the mask into
`Segment`s.

Live, `SpeechGate.push(block)` is cheap enough for every audio block (15 or more a
second; any block size). It keeps its own floor over the last ten seconds, applies the
same threshold and the same steadiness rule (so a fan that starts stops counting as
speech after a second), but no voicing (a loud breath may hold the gate open), and
reports a `GateState`: `speaking`, `level_db` for a meter, and the time since the last
speech: the end of a take is `heard_speech and silence_s >= hangover` (the app's
`silence_hangover_s`). `PhraseSplitter` uses a gate to cut a running take at its
pauses, so each finished phrase can be transcribed while the speaker goes on.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from trainer.analysis.features import Segment
from trainer.analysis.signal import db

HOP_S = 0.01  # frame length for levels and voicing
PAUSE_S = 0.25  # a silence this long or longer is a pause; shorter gaps belong to the speech
ABOVE_FLOOR_DB = 10.0
BELOW_LOUD_DB = 35.0
MIN_THRESHOLD_DBFS = -70.0
DIGITAL_SILENCE_DBFS = -100.0
MIN_VOICED_S = 0.05  # a speech stretch needs at least this much voicing
STEADY_MIN_S = 1.0  # a stretch this long whose level hardly moves ...
STEADY_SPREAD_DB = 6.0  # ... (10-90 % span under this) is a hum or a fan, not speech


def frame_powers(samples: np.ndarray, rate: int, hop_s: float = HOP_S) -> np.ndarray:
    """Mean square of consecutive `hop_s` blocks (channels averaged; a trailing part block dropped)."""
    x = np.asarray(samples, dtype=np.float32)
    if x.ndim == 2:
        x = x.mean(axis=1, dtype=np.float32)
    hop = max(1, int(round(hop_s * rate)))
    n = len(x) // hop
    if n == 0:
        return np.zeros(0)
    blocks = x[: n * hop].reshape(n, hop).astype(np.float64)
    return np.einsum("ij,ij->i", blocks, blocks) / hop


def frame_levels(samples: np.ndarray, rate: int, hop_s: float = HOP_S, *, floor_db: float = -150.0) -> np.ndarray:
    """RMS level in dBFS of consecutive `hop_s` blocks (digital silence reads `floor_db`)."""
    return db(frame_powers(samples, rate, hop_s), floor_db)


@dataclass(frozen=True)
class Threshold:
    floor_db: float  # the room's level: 10th percentile of frame levels
    threshold_db: float  # frames above this may be speech


def speech_threshold(levels_db: np.ndarray) -> Threshold:
    """The level a frame must exceed to count as speech, from the levels around it."""
    live = levels_db[levels_db > DIGITAL_SILENCE_DBFS]
    if len(live) == 0:
        return Threshold(DIGITAL_SILENCE_DBFS, MIN_THRESHOLD_DBFS)
    floor, loud = np.percentile(live, [10, 95])
    threshold = max(floor + ABOVE_FLOOR_DB, loud - BELOW_LOUD_DB, MIN_THRESHOLD_DBFS)
    return Threshold(float(floor), float(threshold))


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) frame index pairs of the True runs in a boolean array (end exclusive)."""
    if len(mask) == 0:
        return []
    padded = np.concatenate(([False], np.asarray(mask, dtype=bool), [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def speech_mask(levels_db: np.ndarray, voiced: np.ndarray, hop_s: float = HOP_S) -> np.ndarray:
    """Which frames of a whole take are speech (see the module notes)."""
    active = levels_db > speech_threshold(levels_db).threshold_db
    min_voiced = max(1, int(round(MIN_VOICED_S / hop_s)))
    kept = [(a, b) for a, b in runs(active) if np.count_nonzero(voiced[a:b]) >= min_voiced]
    merged: list[list[int]] = []
    for a, b in kept:
        if merged and (a - merged[-1][1]) * hop_s < PAUSE_S:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    mask = np.zeros(len(levels_db), dtype=bool)
    for a, b in merged:
        if (b - a) * hop_s >= STEADY_MIN_S:
            inside = levels_db[a:b]
            if np.percentile(inside, 90) - np.percentile(inside, 10) < STEADY_SPREAD_DB:
                continue
        mask[a:b] = True
    return mask


def segments_of(mask: np.ndarray, hop_s: float = HOP_S) -> tuple[Segment, ...]:
    """The speech frames as segments in seconds."""
    return tuple(Segment(round(a * hop_s, 3), round(b * hop_s, 3)) for a, b in runs(mask))


@dataclass(frozen=True)
class GateState:
    """What the live gate knows after a block. Times are seconds of audio since the gate started."""

    time_s: float  # end of the audio pushed so far
    level_db: float  # RMS level of the last block
    floor_db: float
    threshold_db: float
    speaking: bool  # speech in the last `hangover_s`
    heard_speech: bool  # any speech since the start
    last_speech_s: float | None  # end of the latest speech frame
    silence_s: float  # time since the latest speech (since the start when none yet)


class SpeechGate:
    """Speaking / not speaking, block by block, relative to the room's noise floor.

    Push blocks of any size at one sample rate; the floor follows the last `window_s`
    of audio. Speech starts after `min_speech_s` of frames above the threshold (so a click
    does not count) and holds for `hangover_s` after the last of them. Not thread-safe:
    drive one gate from one thread.
    """

    def __init__(self, rate: int, *, hangover_s: float = 0.2, min_speech_s: float = 0.05,
                 window_s: float = 10.0, hop_s: float = HOP_S) -> None:
        self.rate = int(rate)
        self.hop = max(1, int(round(hop_s * rate)))
        self.hop_s = self.hop / self.rate
        self.hangover_s = hangover_s
        self.min_frames = max(1, int(round(min_speech_s / self.hop_s)))
        self.steady_frames = int(round(STEADY_MIN_S / self.hop_s))
        self._levels: deque[float] = deque(maxlen=max(10, int(window_s / self.hop_s)))
        self._rest = np.zeros(0, dtype=np.float32)
        self._frames = 0  # frames seen
        self._run = 0  # current run of frames above the threshold
        self._last_speech_frame: int | None = None  # index after the latest speech frame
        self._threshold = Threshold(DIGITAL_SILENCE_DBFS, MIN_THRESHOLD_DBFS)
        self._level_db = -150.0  # level of the last block

    def push(self, block: np.ndarray) -> GateState:
        """Take the next block of samples ((n,) or (n, channels)) and say what it holds."""
        x = np.asarray(block, dtype=np.float32)
        if x.ndim == 2:
            x = x.mean(axis=1, dtype=np.float32)
        x = np.concatenate((self._rest, x))
        n = len(x) // self.hop
        self._rest = x[n * self.hop:]
        levels = frame_levels(x[: n * self.hop], self.rate, self.hop_s) if n else np.zeros(0)
        self._levels.extend(levels.tolist())
        if n:
            self._threshold = speech_threshold(np.fromiter(self._levels, float))
        for level in levels:
            self._frames += 1
            self._run = self._run + 1 if level > self._threshold.threshold_db else 0
            if self._run >= self.min_frames and not self._steady():
                self._last_speech_frame = self._frames
        if n:
            self._level_db = float(db(np.mean(np.square(x[: n * self.hop], dtype=np.float64))))
        return self.state()

    def _steady(self) -> bool:
        """Whether the current run above the threshold is a steady sound (a hum), not speech."""
        if self._run < self.steady_frames:
            return False
        recent = np.fromiter(self._levels, float)[-self.steady_frames:]
        return float(np.percentile(recent, 90) - np.percentile(recent, 10)) < STEADY_SPREAD_DB

    def state(self) -> GateState:
        """The gate's view after the blocks pushed so far."""
        now = self._frames * self.hop_s
        last = None if self._last_speech_frame is None else self._last_speech_frame * self.hop_s
        silence = now if last is None else now - last
        return GateState(
            time_s=now,
            level_db=self._level_db,
            floor_db=self._threshold.floor_db,
            threshold_db=self._threshold.threshold_db,
            speaking=last is not None and silence < self.hangover_s,
            heard_speech=last is not None,
            last_speech_s=last,
            silence_s=silence,
        )


@dataclass(frozen=True, eq=False)
class Phrase:
    """A piece of a take, cut in a pause: its samples and where it starts in the take."""

    samples: np.ndarray
    rate: int
    offset_s: float


class PhraseSplitter:
    """Cuts a running take into phrases at its pauses, for transcription while recording.

    Push blocks as they arrive; `push` returns the phrases finished by that block. A
    phrase ends `pad_s` after its last speech once `min_pause_s` of silence followed,
    if it is at least `min_phrase_s` long (each transcription call has a fixed cost), or
    whatever its length once the silence reaches `long_pause_s` (the speaker may be done).
    `finish()` returns what is left, or None when nothing is.
    """

    def __init__(self, rate: int, *, min_pause_s: float = 0.3, long_pause_s: float = 0.6, pad_s: float = 0.2,
                 min_phrase_s: float = 3.0, max_phrase_s: float = 25.0) -> None:
        self.rate = int(rate)
        self.gate = SpeechGate(rate)
        self.min_pause_s, self.long_pause_s, self.pad_s = min_pause_s, long_pause_s, pad_s
        self.min_phrase_s, self.max_phrase_s = min_phrase_s, max_phrase_s
        self._chunks: list[np.ndarray] = []
        self._held = 0  # samples held since the last cut
        self._start = 0  # sample index of the held audio in the take

    def push(self, block: np.ndarray) -> list[Phrase]:
        x = np.asarray(block, dtype=np.float32)
        if x.ndim == 2:
            x = x.mean(axis=1, dtype=np.float32)
        self._chunks.append(x)
        self._held += len(x)
        state = self.gate.push(x)
        cut_s: float | None = None
        if state.last_speech_s is not None and state.last_speech_s * self.rate > self._start:
            phrase_s = state.last_speech_s + self.pad_s - self._start / self.rate
            if state.silence_s >= self.long_pause_s or (state.silence_s >= self.min_pause_s
                                                        and phrase_s >= self.min_phrase_s):
                cut_s = state.last_speech_s + self.pad_s
        if cut_s is None and self._held / self.rate >= self.max_phrase_s:
            cut_s = self._quietest_s()
        if cut_s is None:
            return []
        return [self._cut(int(round(cut_s * self.rate)) - self._start)]

    def finish(self) -> Phrase | None:
        if not self._held:
            return None
        return self._cut(self._held)

    def _quietest_s(self) -> float:
        """The quietest 10 ms in the last two seconds held, as a take time."""
        held = np.concatenate(self._chunks)
        tail = held[-2 * self.rate:]
        levels = frame_powers(tail, self.rate)
        hop = int(round(HOP_S * self.rate))
        at = len(held) - len(tail) + int(np.argmin(levels)) * hop + hop // 2 if len(levels) else len(held)
        return (self._start + at) / self.rate

    def _cut(self, length: int) -> Phrase:
        held = np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.float32)
        length = min(max(length, 1), len(held))
        phrase = Phrase(held[:length].copy(), self.rate, self._start / self.rate)
        rest = held[length:]
        self._chunks = [rest] if len(rest) else []
        self._held = len(rest)
        self._start += length
        return phrase
