"""Placeholder home screen until the practice app lands."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class LevelVoiceApp(App):
    TITLE = "Level Voice"
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Level Voice: the practice loop is coming. Try `levelvoice doctor` meanwhile.", id="welcome")
        yield Footer()


def run() -> None:
    LevelVoiceApp().run()
