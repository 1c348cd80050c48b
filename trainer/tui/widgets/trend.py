"""A one-line trend of recent scores (0-100) in block characters."""

from __future__ import annotations

from rich.text import Text

BLOCKS = "▁▂▃▄▅▆▇█"


def score_trend(scores: list[int]) -> Text:
    """Each score as a block from ▁ (0) to █ (100), oldest first; green at 70 or more."""
    text = Text()
    for score in scores:
        level = min(max(score, 0), 100) * (len(BLOCKS) - 1) // 100
        text.append(BLOCKS[level], style="green" if score >= 70 else "yellow")
    return text
