"""Which takes count: one rule for take counts, trends, band adaptation, score averages
and practice time, so every screen and command agrees.

A take with less than `MIN_COUNTED_SPEECH_S` of speech (a false start, a take cut short by
a lost device, a crash during the client's clip) is kept in the history with its audio,
but it is not a take of practice: it moves no band and adds to no count.
"""

from __future__ import annotations

MIN_COUNTED_SPEECH_S = 3.0


def counts_as_take(speech_s: float | None) -> bool:
    """True when an answer with `speech_s` seconds of speech counts as a take."""
    return speech_s is not None and speech_s >= MIN_COUNTED_SPEECH_S
