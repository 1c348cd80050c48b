"""Where in the answer: loudness and pitch phrase by phrase.

A phrase is a stretch of speech between pauses (the take's speech segments: silences of
250 ms or more end one). A segment shorter than `MIN_PHRASE_S` (an "mm", a breath with a
click) joins the phrase next to it when the gap is under `JOIN_GAP_S`; a segment longer
than `MAX_PHRASE_S` (a speaker who never pauses) is cut into equal parts no longer than
that, so one cell never hides a change. Each phrase is measured with the very measures
the take summary uses: loudness is the speech-only RMS level (dBFS, the take's DC offset
removed) and pitch is the median of the voiced frames of the same YIN tracker, in
semitones re 100 Hz (None with fewer than 5 voiced frames).

`words_by_phrase` puts a transcript's words (with their times) in the phrase they were
said in, so a person can read "got loud on 'I hear you'".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from trainer.analysis.activity import HOP_S, PAUSE_S, frame_powers, speech_threshold
from trainer.analysis.features import Segment
from trainer.analysis.loudness import speech_rms_dbfs
from trainer.analysis.pitch import PITCH_RATE, pitch_stats, pitch_track
from trainer.analysis.signal import ANALYSIS_RATE, db, prepare, resample

MIN_PHRASE_S = 0.4  # shorter segments join a neighbour ...
JOIN_GAP_S = 0.6  # ... when the silence between them is shorter than this
MAX_PHRASE_S = 5.0  # longer segments are cut into equal parts


@dataclass(frozen=True)
class Phrase:
    """One phrase of a take, in seconds from the start of the analysed audio."""

    index: int  # 0-based, in time order
    start_s: float
    end_s: float
    loudness_dbfs: float | None  # RMS over the phrase
    pitch_median_st: float | None  # semitones re 100 Hz
    pitch_median_hz: float | None
    voiced_s: float  # voiced time inside the phrase

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    def to_dict(self) -> dict:
        return {"index": self.index, "start_s": self.start_s, "end_s": self.end_s,
                "loudness_dbfs": self.loudness_dbfs, "pitch_median_st": self.pitch_median_st,
                "pitch_median_hz": self.pitch_median_hz, "voiced_s": self.voiced_s}


def phrase_spans(segments: Sequence[Segment], *, min_s: float = MIN_PHRASE_S, join_gap_s: float = JOIN_GAP_S,
                 max_s: float = MAX_PHRASE_S) -> tuple[Segment, ...]:
    """The phrases of a take from its speech segments (see the module notes)."""
    spans = [[s.start_s, s.end_s] for s in sorted(segments, key=lambda s: s.start_s) if s.end_s > s.start_s]
    changed = True
    while changed and len(spans) > 1:  # join the short ones to their nearer neighbour
        changed = False
        for i, (start, end) in enumerate(spans):
            if end - start >= min_s:
                continue
            before = start - spans[i - 1][1] if i > 0 else math.inf
            after = spans[i + 1][0] - end if i + 1 < len(spans) else math.inf
            if min(before, after) >= join_gap_s:
                continue
            if before <= after:
                spans[i - 1][1] = end
            else:
                spans[i + 1][0] = start
            del spans[i]
            changed = True
            break
    out: list[Segment] = []
    for start, end in spans:
        parts = max(1, math.ceil((end - start) / max_s - 1e-9))
        edges = np.linspace(start, end, parts + 1)
        out.extend(Segment(round(float(a), 3), round(float(b), 3)) for a, b in zip(edges[:-1], edges[1:]))
    return tuple(out)


def phrase_measures(samples: np.ndarray, rate: int, segments: Sequence[Segment]) -> tuple[Phrase, ...]:
    """Loudness and pitch of each phrase of a take.

    `samples`: the take as analysed ((n,) or (n, channels), any rate); `segments`: its speech
    segments (`TakeFeatures.segments`, in seconds of the same samples).
    """
    spans = phrase_spans(segments)
    if not spans:
        return ()
    prep = prepare(samples, rate)
    levels = db(frame_powers(prep.mono16k, ANALYSIS_RATE, HOP_S))
    active = levels > speech_threshold(levels).threshold_db
    mono8k = resample(prep.mono16k, ANALYSIS_RATE, PITCH_RATE)
    # the take summary's own tracking (trainer.analysis.take), so a phrase reads as the take does
    pad = int(round(PAUSE_S / HOP_S))
    around = np.convolve(active.astype(np.float32), np.ones(2 * pad + 1, np.float32), mode="same") > 0.5
    track = pitch_track(mono8k, PITCH_RATE, hop_s=HOP_S, focus=active, frames=around)
    voiced = track.voiced[: len(levels)]
    phrases = []
    for index, span in enumerate(spans):
        mask = np.zeros(len(levels), dtype=bool)
        mask[_frame(span.start_s): _frame(span.end_s)] = True
        pitch = pitch_stats(track, mask)
        level = speech_rms_dbfs(prep.mono, prep.rate, [span])
        phrases.append(Phrase(
            index=index, start_s=span.start_s, end_s=span.end_s,
            loudness_dbfs=None if level is None else round(level, 2),
            pitch_median_st=None if pitch is None else round(pitch.median_st, 2),
            pitch_median_hz=None if pitch is None else round(pitch.median_hz, 1),
            voiced_s=round(float(np.count_nonzero(voiced & mask) * HOP_S), 2),
        ))
    return tuple(phrases)


def _frame(seconds: float) -> int:
    return int(round(seconds / HOP_S))


def words_by_phrase(phrases: Sequence[Phrase], words: Sequence, *, offset_s: float = 0.0) -> tuple[str, ...]:
    """The words said in each phrase, joined with spaces ("" where none).

    `words` have `text`, `start_s` and `end_s` (a `Transcript`'s), in seconds of the take,
    which may start `offset_s` before the analysed audio the phrases are timed in. A word
    goes to the phrase that overlaps it most, else to the nearest one (whisper often puts
    the first word after a silence a little early).
    """
    if not phrases:
        return ()
    texts: list[list[str]] = [[] for _ in phrases]
    for word in words:
        start, end = word.start_s - offset_s, word.end_s - offset_s
        overlaps = [min(end, p.end_s) - max(start, p.start_s) for p in phrases]
        best = int(np.argmax(overlaps))
        if overlaps[best] <= 0:
            middle = (start + end) / 2
            best = min(range(len(phrases)),
                       key=lambda i: max(phrases[i].start_s - middle, middle - phrases[i].end_s, 0.0))
        texts[best].append(word.text)
    return tuple(" ".join(t) for t in texts)
