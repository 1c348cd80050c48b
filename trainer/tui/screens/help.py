"""Help: every key binding, read from the screens themselves so it never goes stale."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

INTRO = (
    "Level Voice trains one skill: keeping your voice level and engaged while a client is angry, "
    "dismissive, withdrawn, despairing, challenging or anxious. Hear the client, answer aloud, look "
    "at the result, do it again. Ctrl+P opens the command palette."
)


def _key(binding: Binding) -> str:
    return binding.key_display or binding.key.replace("question_mark", "?").replace(",", " / ")


def bindings_table() -> Table:
    from trainer.tui.app import LevelVoiceApp
    from trainer.tui.screens.calibrate import CalibrateScreen
    from trainer.tui.screens.drill import DrillScreen
    from trainer.tui.screens.library import LibraryScreen
    from trainer.tui.screens.progress import ProgressScreen
    from trainer.tui.screens.settings import SettingsScreen
    from trainer.tui.screens.today import TodayScreen

    table = Table(box=None, show_header=True, header_style="bold", padding=(0, 2, 0, 0))
    table.add_column("Screen")
    table.add_column("Key")
    table.add_column("Does")
    sections = [("Everywhere", LevelVoiceApp), ("Today", TodayScreen), ("Drill", DrillScreen),
                ("Library", LibraryScreen), ("Progress", ProgressScreen), ("Calibrate", CalibrateScreen),
                ("Settings", SettingsScreen)]
    for title, owner in sections:
        seen: set[str] = set()
        first = True
        for binding in owner.BINDINGS:
            if not isinstance(binding, Binding):
                binding = Binding(*binding)
            key = _key(binding)
            if key in seen:
                continue
            seen.add(key)
            table.add_row(title if first else "", key, binding.tooltip or binding.description)
            first = False
    table.add_row("", "ctrl+p", "Command palette")
    table.add_row("", "ctrl+q", "Quit")
    return table


class HelpScreen(Screen):
    DEFAULT_CSS = """
    HelpScreen VerticalScroll { padding: 1 2; }
    HelpScreen #intro { margin-bottom: 1; }
    """
    BINDINGS = [Binding("escape,q", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static(INTRO, id="intro")
            yield Static(bindings_table(), id="bindings")
        yield Footer()
