"""Recognising the client clip when it leaks from speakers into the microphone.

Headphones are expected. With speakers, the microphone hears the clip too, and that must
not count as the therapist talking. The gate compares the level envelope of what the
microphone hears with the envelope of what was played (placed in the take's timeline by
the stream clocks) over a range of delays. A strong correlation means the clip leaks; the
delay and the level difference then predict, frame by frame, how loud the leak is, and
only sound clearly above that counts as speech.

The delays searched run from 1 s before to 1 s after the clip's placement: sound servers
and Bluetooth speakers can report their output latency wrongly by hundreds of
milliseconds, and a digital loopback adds its own buffer. Speech during the clip is
therefore judged only once 2.5 s of the clip have been heard (or the whole clip).
"""

from __future__ import annotations

import numpy as np

from trainer.analysis.activity import frame_levels
from trainer.analysis.speech import FRAME_S, SILENT_DBFS

MAX_DELAY_FRAMES = 100  # heard up to 1 s after the placement (latency reported too short, loopbacks)
MIN_DELAY_FRAMES = -100  # or up to 1 s before it (latency reported too long)
MAX_CHANGE_DB = 10.0  # a step out of digital silence must not outweigh every syllable
TAIL_FRAMES = 15  # reverberation: a leak lingers up to 150 ms after the clip goes quiet
LEAK_CORRELATION = 0.5  # of level changes (see `_estimate`)
DECIDE_AFTER_S = 2.5  # of clip heard before frames during the clip are judged (1.5 s beyond the latest delay)
UPDATE_EVERY = 50  # frames


class LeakGate:
    """Predicts the leak level per take frame; see the module docstring."""

    def __init__(self, reference: np.ndarray, rate: int) -> None:
        self._ref_db = frame_levels(reference, rate, FRAME_S, floor_db=SILENT_DBFS)
        self._ref_active = self._ref_db > max(float(self._ref_db.max(initial=SILENT_DBFS)) - 35.0, -70.0)
        self._ref_change = _changes(self._ref_db)
        # frames where the clip is sounding or about to (its onsets count)
        self._ref_changes = self._ref_active | np.roll(self._ref_active, -1)
        self._start: int | None = None  # take frame where the reference starts
        self._mic: list[float] = []
        self._checked = 0
        self._ready = False
        self.leaking = False
        self.delay_frames = 0
        self.gain_db = 0.0
        self.correlation = 0.0

    # -- placement and observation -----------------------------------------------------------
    def place(self, start_s: float) -> None:
        """Take time at which the first reference sample was heard."""
        self._start = int(round(start_s / FRAME_S))

    @property
    def placed(self) -> bool:
        return self._start is not None

    @property
    def end_frame(self) -> int | None:
        return None if self._start is None else self._start + len(self._ref_db)

    def observe(self, first: int, levels: np.ndarray) -> None:
        del self._mic[first:]
        self._mic.extend(levels.tolist())
        if (self._start is not None and len(self._mic) - self._checked >= UPDATE_EVERY
                and self._checked <= self.end_frame + MAX_DELAY_FRAMES + TAIL_FRAMES):
            self._checked = len(self._mic)
            self._estimate()

    def decided_through(self) -> int:
        """Frames up to which speech can be judged: all once the gate has decided, else those before the clip."""
        if self._start is None:
            return 0
        heard = len(self._mic) - self._start
        needed = min(DECIDE_AFTER_S / FRAME_S, len(self._ref_db) + MAX_DELAY_FRAMES + TAIL_FRAMES)
        if heard >= needed:
            if not self._ready:
                self._ready = True
                self._checked = len(self._mic)
                self._estimate()
            return len(self._mic)
        return max(0, self._start)

    # -- estimation ------------------------------------------------------------------------
    def _estimate(self) -> None:
        """Find the delay at which the microphone's level *changes* follow the clip's.

        Frame-to-frame changes of level, not levels: any two voices share the slow rise and fall
        of speech (their levels correlate up to about 0.5 at some delay within a second), but
        only the clip itself rises and falls at the same instants (about 1.0; another voice:
        at most 0.26, measured on the three LibriSpeech voices).
        """
        mic = np.asarray(self._mic)
        mic_change = _changes(mic)
        ref_frames = np.arange(len(self._ref_db))
        best = (0.0, 0)
        for delay in range(MIN_DELAY_FRAMES, MAX_DELAY_FRAMES + 1):
            take_frames = ref_frames + self._start + delay
            ok = (take_frames >= 0) & (take_frames < len(mic) - 1) & self._ref_changes
            if ok.sum() < 50:
                continue
            a, b = mic_change[take_frames[ok]], self._ref_change[ok]
            if a.std() < 1e-6:
                continue
            corr = float(np.corrcoef(a, b)[0, 1])
            if corr > best[0]:
                best = (corr, delay)
        self.correlation, delay = best
        if self.correlation >= LEAK_CORRELATION:
            take_frames = ref_frames + self._start + delay
            ok = (take_frames >= 0) & (take_frames < len(mic)) & self._ref_active
            self.gain_db = float(np.median(mic[take_frames[ok]] - self._ref_db[ok]))
            self.delay_frames = delay
            self.leaking = True

    def predicted_db(self, frame: int) -> float:
        """Expected leak level at take `frame` (-inf when the clip does not leak)."""
        if not self.leaking or self._start is None:
            return -np.inf
        ref = frame - self._start - self.delay_frames
        low, high = max(0, ref - TAIL_FRAMES), min(len(self._ref_db), ref + 3)
        if high <= low:
            return -np.inf
        return float(self._ref_db[low:high].max()) + self.gain_db


def _changes(levels: np.ndarray) -> np.ndarray:
    """Frame-to-frame level changes (dB), bounded to +-`MAX_CHANGE_DB`; the last frame's is 0."""
    if len(levels) == 0:
        return levels
    return np.clip(np.diff(levels, append=levels[-1:]), -MAX_CHANGE_DB, MAX_CHANGE_DB)
