"""The staircase: narrow after 3 in a row in band, widen after 2 misses in a row, within limits."""

from __future__ import annotations

import pytest

from trainer.practice.bands import STAIRCASES, BandState, bands_for, initial_band, update_band, update_bands


def run(state: BandState, outcomes: str) -> BandState:
    for outcome in outcomes:
        state = update_band(state, outcome == "+")
    return state


def test_initial_bands_are_wide():
    assert initial_band("loudness").width == 4.0
    assert initial_band("pitch").width == 2.0
    assert initial_band("pace").width == pytest.approx(0.20)
    assert initial_band("pitch_range") == BandState("pitch_range", 3.0, 0, 0)


def test_unknown_metric_is_a_programming_error():
    with pytest.raises(ValueError, match="no adaptive band"):
        initial_band("volume")


def test_three_in_a_row_narrow_one_step_and_restart_the_count():
    state = run(initial_band("loudness"), "++")
    assert state.width == 4.0 and state.streak_in == 2
    state = update_band(state, True)
    assert state == BandState("loudness", 3.5, 0, 0)
    assert run(state, "+++").width == 3.0


def test_a_miss_breaks_the_run_of_hits():
    state = run(initial_band("pitch"), "++-++")
    assert state.width == 2.0 and state.streak_in == 2 and state.streak_out == 0


def test_two_misses_in_a_row_widen_one_step():
    state = run(initial_band("loudness"), "+++")  # 3.5
    state = run(state, "-")
    assert state.width == 3.5 and state.streak_out == 1
    state = run(state, "-")
    assert state == BandState("loudness", 4.0, 0, 0)


def test_alternating_hits_and_misses_hold_the_band():
    assert run(initial_band("loudness"), "+-+-+-+-").width == 4.0


@pytest.mark.parametrize("metric", sorted(STAIRCASES))
def test_bands_stay_within_their_limits(metric):
    stairs = STAIRCASES[metric]
    narrowest = run(initial_band(metric), "+" * 300)
    assert narrowest.width == pytest.approx(stairs.narrowest)
    widest = run(initial_band(metric), "-" * 300)
    assert widest.width == pytest.approx(stairs.widest)


def test_pace_band_never_narrower_than_the_tempo_jnd():
    assert run(initial_band("pace"), "+" * 100).width >= 0.10
    assert STAIRCASES["pace"].narrowest >= 0.10


def test_widths_do_not_drift_with_floating_point_steps():
    state = run(initial_band("pace"), "+++" * 4)  # four steps of 0.025 from 0.20
    assert state.width == 0.1


def test_update_bands_steps_only_measured_metrics():
    states = bands_for(None)
    for _ in range(3):
        states = update_bands(states, {"loudness": True, "pitch": False})
    assert states["loudness"].width == 3.5
    assert states["pitch"].width == 2.25
    assert states["pace"] == initial_band("pace")


def test_bands_for_fills_in_missing_metrics():
    stored = {"pitch": BandState("pitch", 1.0, 1, 0)}
    full = bands_for(stored)
    assert full["pitch"] == stored["pitch"] and full["loudness"] == initial_band("loudness")
    assert set(full) == set(STAIRCASES)
