"""The adaptive bands: a staircase per drill and metric that keeps the target just beyond reach.

A band is the target plus or minus `width` (dB for loudness, semitones for pitch and
pitch range, a fraction of the target pace for pace). Every band starts wide; after
three takes in a row inside it, it narrows one step; after two misses in a row it widens
one step; it never leaves [narrowest, widest]. The pace band is never narrower than 10%,
the just-noticeable difference for tempo (narrower would train noise).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

NARROW_AFTER = 3  # takes in a row inside the band
WIDEN_AFTER = 2  # misses in a row


@dataclass(frozen=True)
class Staircase:
    """The limits of one metric's band (half-widths, in the metric's unit)."""

    start: float
    step: float
    narrowest: float
    widest: float
    unit: str


STAIRCASES: dict[str, Staircase] = {
    "loudness": Staircase(start=4.0, step=0.5, narrowest=1.5, widest=6.0, unit="dB"),
    "pitch": Staircase(start=2.0, step=0.25, narrowest=0.75, widest=3.0, unit="st"),
    "pitch_range": Staircase(start=3.0, step=0.5, narrowest=1.5, widest=5.0, unit="st"),
    "pace": Staircase(start=0.20, step=0.025, narrowest=0.10, widest=0.30, unit="fraction"),
}
ADAPTIVE_METRICS = tuple(STAIRCASES)


@dataclass(frozen=True)
class BandState:
    """Where one metric's staircase stands for one drill."""

    metric: str
    width: float  # half-width of the band
    streak_in: int = 0  # takes in a row inside the band since the last step
    streak_out: int = 0  # misses in a row since the last step


def staircase(metric: str) -> Staircase:
    try:
        return STAIRCASES[metric]
    except KeyError:
        raise ValueError(f"no adaptive band for metric {metric!r}; known: {', '.join(STAIRCASES)}") from None


def initial_band(metric: str) -> BandState:
    """The wide band every drill starts with."""
    return BandState(metric, staircase(metric).start)


def update_band(state: BandState, in_band: bool) -> BandState:
    """The band after one more measured take: narrow after 3 in a row, widen after 2 misses in a row."""
    stairs = staircase(state.metric)
    if in_band:
        streak = state.streak_in + 1
        if streak >= NARROW_AFTER:
            return BandState(state.metric, round(max(stairs.narrowest, state.width - stairs.step), 4))
        return replace(state, streak_in=streak, streak_out=0)
    streak = state.streak_out + 1
    if streak >= WIDEN_AFTER:
        return BandState(state.metric, round(min(stairs.widest, state.width + stairs.step), 4))
    return replace(state, streak_in=0, streak_out=streak)


def bands_for(states: dict[str, BandState] | None) -> dict[str, BandState]:
    """A full set of bands: the stored ones, and the starting band for any metric not yet stored."""
    states = states or {}
    return {metric: states.get(metric) or initial_band(metric) for metric in STAIRCASES}


def update_bands(states: dict[str, BandState], outcomes: dict[str, bool]) -> dict[str, BandState]:
    """Step every band that was measured in a take (`outcomes`: metric -> inside its band)."""
    return {metric: update_band(state, outcomes[metric]) if metric in outcomes else state
            for metric, state in states.items()}
