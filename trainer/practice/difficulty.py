"""When to suggest a harder or an easier difficulty level.

The rule (also in docs/practice.md), over the most recent takes at the current level:

- down, when the self-ratings stay high: the last 3 rated takes were all rated 7 or more
  (0 = calm, 10 = very activated). This wins over "up".
- up, when the last 5 takes were mostly level and calm: at least 4 of them scored 80 or
  more (the score is 80 or more only when every measure was in band, see verdict.py), at
  least 3 of them were rated, the rated ones average 3 or less and none is above 5.
- otherwise stay (also at the ends: nothing above "advanced", nothing below "beginner").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

LEVELS = ("beginner", "intermediate", "advanced")
WINDOW = 5  # takes looked at for "up"
LEVEL_SCORE = 80  # a take at or above this score had every measure in band (trainer.practice.verdict)
MIN_LEVEL_TAKES = 4  # of the window
MIN_RATED = 3  # ratings needed to call the window calm
CALM_MEAN = 3.0
CALM_MAX = 5
HIGH_RATING = 7
HIGH_RUN = 3  # rated takes in a row at HIGH_RATING or more

Move = Literal["up", "down", "stay"]


class RatedTake(Protocol):
    """A past take as the rule sees it: its overall score (None: not judged) and self-rating."""

    @property
    def score(self) -> int | None: ...

    @property
    def rating(self) -> int | None: ...


@dataclass(frozen=True)
class Suggestion:
    move: Move
    level: str  # the suggested difficulty (the current one for "stay")
    reason: str


def suggest_difficulty(recent_takes: Sequence[RatedTake], current: str) -> Suggestion:
    """Suggest a difficulty from the takes at level `current`, oldest first."""
    if current not in LEVELS:
        raise ValueError(f"unknown difficulty {current!r}; one of {', '.join(LEVELS)}")
    index = LEVELS.index(current)
    ratings = [t.rating for t in recent_takes if t.rating is not None]
    last_rated = ratings[-HIGH_RUN:]
    if len(last_rated) == HIGH_RUN and min(last_rated) >= HIGH_RATING:
        if index == 0:
            return Suggestion("stay", current, f"Your last {HIGH_RUN} ratings were {HIGH_RATING} or more, and this is "
                              "already the gentlest level: take a break, or stay with the easier clips.")
        return Suggestion("down", LEVELS[index - 1], f"Your last {HIGH_RUN} ratings were {HIGH_RATING} or more: "
                          f"practise at {LEVELS[index - 1]} until these clips feel calmer.")
    window = list(recent_takes)[-WINDOW:]
    level_takes = sum(1 for t in window if t.score is not None and t.score >= LEVEL_SCORE)
    window_ratings = [t.rating for t in window if t.rating is not None]
    if len(window) < WINDOW:
        return Suggestion("stay", current, f"Make {WINDOW - len(window)} more take(s) at this level for a suggestion.")
    if level_takes < MIN_LEVEL_TAKES:
        return Suggestion("stay", current, f"{level_takes} of your last {WINDOW} takes scored {LEVEL_SCORE} or more "
                          f"(every measure in band); {MIN_LEVEL_TAKES} are needed to move up.")
    if len(window_ratings) < MIN_RATED:
        return Suggestion("stay", current, f"Your voice stayed level; rate how you felt after each take "
                          f"(at least {MIN_RATED} of the last {WINDOW}) to see whether you are ready to move up.")
    mean = sum(window_ratings) / len(window_ratings)
    if mean > CALM_MEAN or max(window_ratings) > CALM_MAX:
        return Suggestion("stay", current, f"Your voice stayed level, but you felt activated (ratings average "
                          f"{mean:.1f}); stay here until it feels calm too.")
    if index == len(LEVELS) - 1:
        return Suggestion("stay", current, "Level and calm at the hardest level: keep it up.")
    return Suggestion("up", LEVELS[index + 1], f"{level_takes} of your last {WINDOW} takes were level and you felt calm "
                      f"(ratings average {mean:.1f}): try {LEVELS[index + 1]}.")
