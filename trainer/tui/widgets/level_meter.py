"""A quiet live microphone meter: one level bar and a short pitch line.

Live feedback only shows that the microphone works; teaching feedback comes after
the take, so this stays deliberately plain.
"""

from __future__ import annotations

from collections import deque

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Sparkline, Static

FLOOR_DB = -60.0
BAR_WIDTH = 30


def level_bar(level_dbfs: float | None, width: int = BAR_WIDTH) -> Text:
    """A bar from -60 to 0 dBFS."""
    if level_dbfs is None:
        return Text("░" * width, style="dim")
    filled = round(width * min(max((level_dbfs - FLOOR_DB) / -FLOOR_DB, 0.0), 1.0))
    style = "bold red" if level_dbfs > -3 else "green"
    return Text("█" * filled, style=style) + Text("░" * (width - filled), style="dim")


class LevelMeter(Widget):
    """Mic level bar plus the last few seconds of voiced pitch."""

    DEFAULT_CSS = """
    LevelMeter { height: 2; }
    LevelMeter Horizontal { height: 1; }
    LevelMeter #meter-label { width: 6; color: $text-muted; }
    LevelMeter #meter-bar { width: auto; }
    LevelMeter #meter-db { width: 10; padding-left: 1; color: $text-muted; }
    LevelMeter Sparkline { height: 1; width: 1fr; margin-left: 6; }
    """

    level_dbfs: reactive[float | None] = reactive(None)
    speaking: reactive[bool] = reactive(False)

    def __init__(self, *, history: int = 45, **kwargs) -> None:
        super().__init__(**kwargs)
        self._pitch: deque[float] = deque(maxlen=history)

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Static("Mic", id="meter-label")
            yield Static(level_bar(None), id="meter-bar")
            yield Static("", id="meter-db")
        yield Sparkline([], id="meter-pitch")

    def show(self, level_dbfs: float | None, pitch_hz: float | None, speaking: bool) -> None:
        """Update with one live reading (about 15 per second)."""
        self.level_dbfs = level_dbfs
        self.speaking = speaking
        if pitch_hz:
            self._pitch.append(pitch_hz)
            self.query_one(Sparkline).data = list(self._pitch)

    def reset(self) -> None:
        self._pitch.clear()
        self.query_one(Sparkline).data = []
        self.level_dbfs = None

    def watch_level_dbfs(self, level: float | None) -> None:
        if not self.is_mounted:
            return
        self.query_one("#meter-bar", Static).update(level_bar(level))
        self.query_one("#meter-db", Static).update("" if level is None else f"{level:5.0f} dB")
