"""A one-word trend from a drill's recent scores."""

from __future__ import annotations

from collections.abc import Sequence

TREND_WINDOW = 5  # the last 5 scores against the 5 before them
TREND_STEP = 5  # points of difference in the mean that count as a change


def trend_word(scores: Sequence[int]) -> str:
    """ "up" or "down" when the mean of the last 5 scores differs by 5 points or more from the
    mean of the (up to 5) scores before them, else "steady"; "new" with fewer than 6 scores.
    `scores` are oldest first.

    The word never contradicts the latest take: "down" needs the latest score below the
    earlier mean as well (a dip you have climbed out of, e.g. 60 70 80 90 100 after five
    100s, is "steady"), and "up" needs it above.
    """
    if len(scores) <= TREND_WINDOW:
        return "new"
    last = scores[-TREND_WINDOW:]
    before = scores[-2 * TREND_WINDOW:-TREND_WINDOW]
    earlier = sum(before) / len(before)
    change = sum(last) / len(last) - earlier
    if change >= TREND_STEP and scores[-1] > earlier:
        return "up"
    if change <= -TREND_STEP and scores[-1] < earlier:
        return "down"
    return "steady"
