"""Today: streak, minutes against the goal, the drill to continue with, a daily question."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, ProgressBar, Static

from trainer.tui.base import LevelVoiceScreen, guarded, in_background
from trainer.tui.messages import BackgroundDone, SessionEvent


class TodayScreen(LevelVoiceScreen):
    """Home: where am I, and what do I practise now."""

    DEFAULT_CSS = """
    TodayScreen VerticalScroll { padding: 1 2; }
    TodayScreen #streak { height: auto; }
    TodayScreen #minutes-row { height: 1; margin: 1 0; }
    TodayScreen #minutes-row Static { width: auto; }
    TodayScreen #minutes-label { width: 8; }
    TodayScreen ProgressBar { width: auto; margin: 0 1; }
    TodayScreen #continue { margin-bottom: 1; }
    TodayScreen #question { color: $text-muted; text-style: italic; margin-bottom: 1; }
    TodayScreen #notice { color: $warning; }
    TodayScreen #device-banner { color: $error; text-style: bold; height: auto; display: none; }
    """

    BINDINGS = [
        Binding("enter,space", "practise", "Practise"),
        Binding("l", "app.open('library')", "Library"),
        Binding("p", "app.open('progress')", "Progress"),
        Binding("c", "app.open('calibrate')", "Calibrate"),
        Binding("s", "app.open('settings')", "Settings"),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="device-banner")
        with VerticalScroll():
            yield Static(id="streak")
            with Horizontal(id="minutes-row"):
                yield Static("Today", id="minutes-label")
                yield ProgressBar(total=15, show_eta=False, show_percentage=False, id="minutes")
                yield Static(id="minutes-text")
            yield Static(id="continue")
            yield Static(id="question")
            yield Static(id="notice")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_today()
        self.check_devices()

    def on_screen_resume(self) -> None:
        self.refresh_today()
        self.check_devices()  # a device may have been plugged in, or chosen in the settings

    def check_devices(self) -> None:
        """Probe microphone and speaker after the screen is drawn (like the warm-up), in the background."""
        if self.app.check_devices:
            self.call_after_refresh(in_background, self, self.practice.device_problem, name="device-check")

    def on_background_done(self, message: BackgroundDone) -> None:
        if message.name != "device-check":
            return
        problem = message.result if message.error is None else str(message.error)
        banner = self.query_one("#device-banner", Static)
        banner.update(f" ⚠ {problem} Press s for settings; `levelvoice doctor` checks everything." if problem else "")
        banner.display = bool(problem)

    @guarded
    def refresh_today(self) -> None:
        today = self.practice.today()
        self._today = today
        stats = today.stats
        streak = Text()
        streak.append(f"Streak {stats.current_streak} day{'s' if stats.current_streak != 1 else ''}", style="bold")
        streak.append(f"   best {stats.best_streak}   ")
        streak.append(f"❄ {stats.freezes} freeze{'s' if stats.freezes != 1 else ''} held", style="cyan")
        streak.append(f"   {stats.days_this_month} practice days this month", style="dim")
        self.query_one("#streak", Static).update(streak)
        bar = self.query_one("#minutes", ProgressBar)
        bar.update(total=stats.daily_goal_minutes, progress=min(stats.today_minutes, stats.daily_goal_minutes))
        goal_met = "  ✓ goal met" if stats.goal_met_today else ""
        self.query_one("#minutes-text", Static).update(
            f"{stats.today_minutes:.0f} of {stats.daily_goal_minutes} minutes{goal_met}")
        self.query_one("#continue", Static).update(self._continue_text(today))
        self.query_one("#question", Static).update(f"Today's question: {today.question}")
        self._show_notices()

    def _continue_text(self, today) -> Text:
        drill = today.continue_drill
        text = Text()
        if drill is None:
            text.append("No drills found. Check the drill library with `levelvoice drills check`.", style="yellow")
            return text
        text.append(f"{today.continue_reason}: ", style="dim")
        text.append(drill.title, style="bold")
        text.append(f"  ({today.challenge_label} · {drill.difficulty})\n")
        text.append(f"Focus: {drill.skill_focus}\n", style="italic")
        if today.suggestion:
            text.append(f"{today.suggestion}\n", style="cyan")
        text.append("Press Enter to practise.", style="bold green")
        return text

    def _show_notices(self) -> None:
        today = self._today
        lines = []
        if not today.has_baseline:
            lines.append("No calm-voice baseline yet: press c to record one (three short answers, about a "
                         "minute). Until then takes are measured but not judged.")
        if today.baseline_warning:
            lines.append(today.baseline_warning)
        if today.recovered_takes:
            lines.append(f"{today.recovered_takes} interrupted take(s) from last time were recovered and kept.")
        self.query_one("#notice", Static).update("\n".join(lines))

    def on_session_event(self, message: SessionEvent) -> None:
        if message.kind == "WarmUpDone":
            self.refresh_today()

    def action_practise(self) -> None:
        drill = self._today.continue_drill
        if drill is not None:
            self.app.open_screen("drill", drill_id=drill.id)
