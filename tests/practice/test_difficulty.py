"""Difficulty suggestions: up when level and calm, down when ratings stay high."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from trainer.practice.difficulty import suggest_difficulty
from trainer.practice.trend import trend_word


@dataclass(frozen=True)
class Take:
    score: int | None
    rating: int | None


def takes(*pairs) -> list[Take]:
    return [Take(score, rating) for score, rating in pairs]


LEVEL_AND_CALM = takes((85, 2), (90, None), (70, 3), (88, 1), (95, 2))


def test_up_when_mostly_level_and_rated_calm():
    suggestion = suggest_difficulty(LEVEL_AND_CALM, "beginner")
    assert (suggestion.move, suggestion.level) == ("up", "intermediate")
    assert "4 of your last 5" in suggestion.reason


def test_only_the_last_five_takes_count():
    old_bad = takes((10, 9), (20, 8), (15, 8))
    assert suggest_difficulty(old_bad + LEVEL_AND_CALM, "intermediate").move == "up"


def test_stay_when_too_few_takes_are_level():
    recent = takes((85, 1), (60, 1), (70, 2), (88, 1), (95, 2))
    suggestion = suggest_difficulty(recent, "beginner")
    assert suggestion.move == "stay" and "3 of your last 5" in suggestion.reason


def test_stay_when_level_but_not_calm():
    recent = takes((85, 5), (90, 4), (88, 6), (92, 3), (95, 4))
    suggestion = suggest_difficulty(recent, "beginner")
    assert suggestion.move == "stay" and "felt activated" in suggestion.reason


def test_one_high_rating_blocks_moving_up():
    recent = takes((85, 1), (90, 1), (88, 6), (92, 1), (95, 1))  # mean 2, but one 6
    assert suggest_difficulty(recent, "beginner").move == "stay"


def test_stay_without_enough_ratings():
    recent = takes((85, None), (90, None), (88, 2), (92, None), (95, 1))
    suggestion = suggest_difficulty(recent, "beginner")
    assert suggestion.move == "stay" and "rate how you felt" in suggestion.reason


def test_stay_with_fewer_than_five_takes():
    suggestion = suggest_difficulty(LEVEL_AND_CALM[:3], "beginner")
    assert suggestion.move == "stay" and "2 more take" in suggestion.reason


def test_down_when_the_last_three_ratings_are_high():
    recent = takes((90, 2), (85, 7), (80, None), (88, 8), (92, 9))  # level voice, but activated
    suggestion = suggest_difficulty(recent, "advanced")
    assert (suggestion.move, suggestion.level) == ("down", "intermediate")


def test_a_calm_rating_in_between_keeps_the_level():
    recent = takes((50, 8), (50, 3), (50, 9), (50, 8))
    assert suggest_difficulty(recent, "intermediate").move == "stay"


def test_no_way_past_the_ends():
    assert suggest_difficulty(LEVEL_AND_CALM, "advanced").move == "stay"
    high = takes((50, 9), (50, 8), (50, 10))
    suggestion = suggest_difficulty(high, "beginner")
    assert suggestion.move == "stay" and suggestion.level == "beginner" and "break" in suggestion.reason


def test_unknown_level_is_a_programming_error():
    with pytest.raises(ValueError):
        suggest_difficulty([], "expert")


@pytest.mark.parametrize("scores, word", [
    ([80] * 5, "new"),
    ([60] * 5 + [70] * 5, "up"),
    ([70] * 5 + [66] * 5, "steady"),
    ([90, 90, 90, 80, 80, 80, 80, 80], "down"),  # 3 earlier scores (mean 90) against the last 5
    # the last score is 100: never "down", though the last 5 average 80 against 100 before
    ([100] * 5 + [60, 70, 80, 90, 100], "steady"),
    ([90] * 5 + [60, 65, 70, 75, 100], "steady"),
    ([90] * 5 + [60, 65, 70, 75, 85], "down"),  # still below where it was: down
    ([60] * 5 + [90, 90, 90, 90, 55], "steady"),  # the mean rose, but the latest fell below it: not "up"
    ([60] * 5 + [90, 90, 90, 90, 70], "up"),
])
def test_trend_word(scores, word):
    assert trend_word(scores) == word
