"""The app's screens, by name."""

from __future__ import annotations

from textual.screen import Screen


def make(name: str, **kwargs) -> Screen:
    """Build a main screen by name (keeps imports lazy and the app free of screen details)."""
    if name == "today":
        from trainer.tui.screens.today import TodayScreen as screen
    elif name == "drill":
        from trainer.tui.screens.drill import DrillScreen as screen
    elif name == "library":
        from trainer.tui.screens.library import LibraryScreen as screen
    elif name == "progress":
        from trainer.tui.screens.progress import ProgressScreen as screen
    elif name == "settings":
        from trainer.tui.screens.settings import SettingsScreen as screen
    elif name == "calibrate":
        from trainer.tui.screens.calibrate import CalibrateScreen as screen
    elif name == "help":
        from trainer.tui.screens.help import HelpScreen as screen
    else:
        raise ValueError(f"no screen called {name!r}")
    return screen(**kwargs)
