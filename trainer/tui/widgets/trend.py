"""A one-line trend of recent scores (0-100) in block characters."""

from __future__ import annotations

import math

from rich.text import Text

BLOCKS = "▁▂▃▄▅▆▇█"


def score_trend(scores: list[int]) -> Text:
    """Each score as a block from ▁ (0) to █ (100), oldest first; green at 70 or more."""
    text = Text()
    for score in scores:
        level = min(max(score, 0), 100) * (len(BLOCKS) - 1) // 100
        text.append(BLOCKS[level], style="green" if score >= 70 else "yellow")
    return text


def chart_axis(values: list[float], *, fixed: tuple[float, float] | None = None
               ) -> tuple[float, float, list[float], list[str]]:
    """A chart's value axis, low end first: limits, tick values and their labels, never upside down.

    The limits take in every value with a margin and land on round ticks (steps of 1, 2,
    2.5 or 5 times a power of ten). A single value or an all-equal series (where a plotting
    library pads by a multiple of the value, inverting the axis for negative values) gets a
    margin of 5 % of its size, at least 0.1. `fixed` gives the limits instead (a score: 0, 100).
    """
    if fixed is not None:
        low, high = fixed
    elif not values:
        low, high = 0.0, 1.0
    else:
        low, high = min(values), max(values)
        margin = max((high - low) * 0.1, max(abs(low), abs(high)) * 0.05, 0.1)
        low, high = low - margin, high + margin
    step = _round_step((high - low) / 5)
    if fixed is None:
        low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    step_text = f"{step:.6f}".rstrip("0").rstrip(".")
    decimals = len(step_text.split(".")[1]) if "." in step_text else 0
    ticks = [round(low + i * step, decimals + 3) for i in range(int(round((high - low) / step)) + 1)]
    return ticks[0], ticks[-1], ticks, [f"{t:.{decimals}f}" for t in ticks]


def _round_step(raw: float) -> float:
    """The round step (1, 2, 2.5 or 5 times a power of ten) nearest above `raw`."""
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= raw * 0.999:
            return factor * power
    return 10 * power
