"""The Level Voice app: screens, key bindings, the practice clock in the header.

`make_app()` builds it with its collaborators, the same way for the CLI and the tests.
The app only shows what the session computes; long work runs in worker threads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header

from trainer.tui.base import guarded, in_background, report
from trainer.tui.messages import BackgroundDone, SessionEvent

THEMES = {"dark": "textual-dark", "light": "textual-light"}


class LevelVoiceApp(App):
    """Daily drill loop for a level, engaged voice."""

    TITLE = "Level Voice"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("ctrl+t", "toggle_theme", "Light/dark", show=False),
    ]
    CSS = """
    Screen { background: $background; }
    .muted { color: $text-muted; }
    .title { text-style: bold; }
    .panel { border: round $primary 40%; padding: 0 1; height: auto; }
    """

    def __init__(self, practice_factory: Callable[[], Any], *, warm_up: bool = True,
                 check_devices: bool = True) -> None:
        super().__init__()
        self._practice_factory = practice_factory
        self._warm_up = warm_up
        self.check_devices = check_devices
        self.practice: Any = None
        self.analysis_ready = False
        self.analysis_problem: str | None = None
        self._goal_noticed = False

    # ---- start-up ----

    def on_mount(self) -> None:
        from trainer.tui.screens.today import TodayScreen

        self.practice = self._practice_factory()
        self.theme = THEMES.get(getattr(self.practice.settings, "theme", "dark"), "textual-dark")
        self.push_screen(TodayScreen())
        self.refresh_clock()
        self.set_interval(20, self.refresh_clock)
        if self._warm_up:
            # after the first screen is drawn: the warm-up's imports would hold the GIL and delay it;
            # in a daemon thread, so that quitting never waits for the model to load
            self.call_after_refresh(in_background, self, self._warm_up_in_background, name="warm-up")

    def _warm_up_in_background(self) -> None:
        self.practice.warm_up(post=lambda event: self.post_message(SessionEvent(event)))

    def on_background_done(self, message: BackgroundDone) -> None:
        if message.error is not None:
            report(self, message.error)

    def on_session_event(self, message: SessionEvent) -> None:
        """The warm-up's result: remember it, tell the person if transcription is off."""
        if message.kind != "WarmUpDone":
            return
        self.analysis_ready = True
        self.analysis_problem = message.event.problem
        if message.event.problem:
            self.notify(message.event.problem, title="Transcription off", severity="warning", timeout=10)
        self.screen.post_message(SessionEvent(message.event))

    # ---- the practice clock in the header ----

    @guarded
    def refresh_clock(self) -> None:
        if self.practice is None:
            return
        minutes = self.practice.minutes_today()
        goal = self.practice.settings.daily_goal_minutes
        self.sub_title = f"Today {minutes:.0f} of {goal} min"
        if minutes >= goal and not self._goal_noticed and self.practice.practising:
            self._goal_noticed = True
            self.notify(f"You reached today's {goal} minutes. Keep going if you like.", title="Daily goal met")

    # ---- actions available everywhere ----

    def action_help(self) -> None:
        from trainer.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        """Quit at once, unless a take is being recorded: then ask first."""
        if self.practice is not None and self.practice.take_in_progress:
            from trainer.tui.screens.dialogs import ConfirmDialog

            def decided(yes: bool | None) -> None:
                if yes:
                    self.practice.stop_everything()
                    self.exit()

            self.push_screen(ConfirmDialog("A take is being recorded. Stop it (what you said is kept) and quit?"),
                             decided)
            return
        self.exit()

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def get_system_commands(self, screen: Screen):
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help", "Every key binding", self.action_help)
        yield SystemCommand("Library", "All drills by challenge and difficulty", lambda: self.open_screen("library"))
        yield SystemCommand("Progress", "Calendar and trends", lambda: self.open_screen("progress"))
        yield SystemCommand("Settings", "Devices, daily goal, model, cue sound",
                            lambda: self.open_screen("settings"))
        yield SystemCommand("Calibrate", "Record your calm-voice baseline", lambda: self.open_screen("calibrate"))

    def action_open(self, name: str) -> None:
        """Key bindings: open a main screen by name."""
        self.open_screen(name)

    def open_screen(self, name: str, **kwargs) -> None:
        """Push one of the main screens by name."""
        from trainer.tui import screens

        self.push_screen(screens.make(name, **kwargs))

    async def run_action(self, action, default_namespace=None) -> bool:
        """Every key action: a failure in the layers below becomes a notice, never a crash."""
        try:
            return await super().run_action(action, default_namespace)
        except Exception as error:
            from trainer.tui.base import report

            report(self, error)
            return True


def make_app(*, practice_factory: Callable[[], Any] | None = None, warm_up: bool = True,
             check_devices: bool = True) -> LevelVoiceApp:
    """The app with its collaborators; the CLI and the tests both build it here.

    `warm_up` loads the analysis engine and model in the background at start;
    `check_devices` probes the microphone for the Today screen (off for fixed-data snapshots).
    """
    if practice_factory is None:
        from trainer.session import Practice

        practice_factory = Practice.open
    return LevelVoiceApp(practice_factory, warm_up=warm_up, check_devices=check_devices)


__all__ = ["LevelVoiceApp", "make_app", "Footer", "Header"]
