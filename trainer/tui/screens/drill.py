"""The drill loop: hear the client, answer, see how level you stayed, rate, repeat.

States: ready → client (clip playing, recording already running) → answer (your turn)
→ analysing → result (acoustic first, the transcript when it arrives) → again.
"""

from __future__ import annotations

import threading

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Footer, Header, ProgressBar, Static

from trainer.tui.base import LevelVoiceScreen, guarded, report
from trainer.tui.messages import SessionEvent
from trainer.tui.screens.dialogs import ConfirmDialog
from trainer.tui.screens.review_keys import REVIEW_BINDINGS, ReviewKeys
from trainer.tui.widgets.level_meter import LevelMeter
from trainer.tui.widgets.result_view import ResultView
from trainer.tui.widgets.take_review import TakeReviewPanel
from trainer.tui.widgets.trend import score_trend

BUSY_STATES = ("client", "answer", "analysing")


class DrillScreen(ReviewKeys, LevelVoiceScreen):
    """One drill, repeated as often as wanted."""

    DEFAULT_CSS = """
    DrillScreen #drill-info, DrillScreen #drill-situation { padding: 0 1; height: auto; }
    DrillScreen #client-words { padding: 0 2; color: $text; text-style: italic; height: auto; }
    DrillScreen #live { height: auto; padding: 0 1; border-top: solid $primary 30%; }
    DrillScreen #status { height: auto; }
    DrillScreen #clip-progress { height: 1; }
    DrillScreen #clip-progress Bar { width: 1fr; }
    DrillScreen ResultView { padding: 0 1; border-top: solid $primary 30%; }
    DrillScreen #recent-row { height: auto; padding: 0 1; }
    DrillScreen.compact #drill-situation { display: none; }
    /* a result in a small terminal: the score, the summary and every measure first */
    DrillScreen.compact.short #client-words { display: none; }
    DrillScreen.compact.tiny #recent-row, DrillScreen.compact.tiny #drill-info { display: none; }
    DrillScreen.compact.tiny ResultView, DrillScreen.compact.tiny #live { border-top: none; }
    """
    SHORT_HEIGHT = 28  # below this many rows a result hides the client's words (c replays them)
    TINY_HEIGHT = 20  # below this, also the title and the take count

    BINDINGS = [
        Binding("space", "take", "Take/stop", tooltip="Hear the client and answer; again to end the take early"),
        Binding("r", "take", "Repeat", show=False, tooltip="Take the same clip again"),
    ] + [Binding(str(n), f"rate({n})", "Rate", key_display="0-9", show=n == 0,  # early: a narrow footer shows it
                 tooltip="Rate how activated you felt: 0 calm … 9 very") for n in range(10)] + [
        Binding("y", "hear_yourself", "Hear me", tooltip="Play back your last take"),
        Binding("c", "hear_client", "Client", tooltip="Hear the client clip again (nothing is recorded)"),
        Binding("n", "next_drill", "Next", tooltip="Next drill (same challenge one level up, or the next one)"),
        Binding("escape", "leave", "Back", tooltip="Back to Today (a take in progress is kept)"),
    ] + REVIEW_BINDINGS

    state: reactive[str] = reactive("ready")

    def __init__(self, drill_id: str) -> None:
        super().__init__()
        self.drill = None
        self._drill_id = drill_id
        self._stop = threading.Event()
        self._outcome = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static(id="drill-info")
            yield Static(id="drill-situation")
            yield Static(id="client-words")
            with Vertical(id="live"):
                yield Static(id="status")
                yield ProgressBar(total=1, show_eta=False, id="clip-progress")
                yield LevelMeter(id="meter")
            yield Static(id="recent-row")
            yield ResultView(id="result")
            yield TakeReviewPanel(id="review")
        yield Footer()

    # ---- set-up ----

    def on_mount(self) -> None:
        try:
            drill = self.practice.drill(self._drill_id)
            self.practice.begin_practice()
        except Exception as error:  # e.g. the drill was removed meanwhile: say so, go back
            report(self.app, error)
            self.app.pop_screen()
            return
        self.show_drill(drill)
        self._show_state(self.state)  # (the watcher does not run before the screen is mounted)

    @guarded
    def on_unmount(self) -> None:
        self._stop.set()
        self.practice.end_practice()

    def show_drill(self, drill) -> None:
        self.drill = drill
        self._outcome = None
        info = Text()
        info.append(drill.title, style="bold")
        info.append(f"   {self.practice.challenge_label(drill.challenge)} · {drill.difficulty}", style="dim")
        self.query_one("#drill-info", Static).update(info)
        situation = Text(drill.situation + "\n")
        situation.append(f"Focus: {drill.skill_focus}", style="cyan")
        self.query_one("#drill-situation", Static).update(situation)
        self.query_one("#client-words", Static).update(f"“{drill.transcript}”")
        self.query_one(ResultView).clear()
        self.query_one(TakeReviewPanel).clear()
        self.query_one(LevelMeter).reset()
        self._reset_clip_progress()
        self.state = "ready"
        self.refresh_recent()

    @guarded
    def refresh_recent(self) -> None:
        recent = self.practice.recent_takes(self.drill.id, limit=12)
        scores = [t.score for t in reversed(recent) if t.score is not None]
        count = self.practice.take_count(self.drill.id)
        text = Text(f"This drill: {count} take{'s' if count != 1 else ''}", style="dim")
        if scores:
            text.append("   recent scores ", style="dim")
            text.append_text(score_trend(scores))
            text.append(f"  {scores[0]} → {scores[-1]}" if len(scores) > 1 else f"  {scores[0]}", style="dim")
        self.query_one("#recent-row", Static).update(text)

    # ---- state display ----

    STATUS = {
        "ready": "Press Space to hear the client. Recording starts with the clip; answer when they finish.",
        "client": "The client is speaking…",
        "answer": "Your turn: answer in a level, engaged voice. Space ends the take.",
        "analysing": "Measuring your take…",
        "result": "",  # the result itself asks for the rating and says what Space does
    }

    def watch_state(self, state: str) -> None:
        if self.is_mounted:
            self._show_state(state)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Rating keys only with a result on screen (and only then in the footer)."""
        return self.state == "result" if action == "rate" else True

    def on_resize(self) -> None:
        self.set_class(self.size.height < self.SHORT_HEIGHT, "short")
        self.set_class(self.size.height < self.TINY_HEIGHT, "tiny")

    def _show_state(self, state: str) -> None:
        self.set_class(state in ("analysing", "result"), "compact")
        self.refresh_bindings()
        self._say(Text(self.STATUS[state], style="bold" if state == "answer" else ""))
        self.query_one("#clip-progress").display = state == "client"
        self.query_one(LevelMeter).display = state in ("client", "answer")

    def _reset_clip_progress(self) -> None:
        self.query_one("#clip-progress", ProgressBar).update(total=1, progress=0)

    # ---- the take ----

    def action_take(self) -> None:
        if self.state in ("client", "answer"):
            self._stop.set()  # a key press ends the take; what was said is kept
            return
        if self.state == "analysing":
            return
        self._stop = threading.Event()
        self.query_one(ResultView).clear()
        self.query_one(TakeReviewPanel).clear()
        self.query_one(LevelMeter).reset()
        self._reset_clip_progress()  # not the last take's 100 % until the new clip reports
        self.state = "client"
        self.run_take(self.drill, self._stop)

    @work(thread=True, exclusive=True, group="take", exit_on_error=False)
    def run_take(self, drill, stop: threading.Event) -> None:
        self.practice.run_take(drill, post=lambda event: self.post_message(SessionEvent(event)), stop=stop)

    @guarded
    def on_session_event(self, message: SessionEvent) -> None:
        event, kind = message.event, message.kind
        if kind == "PlaybackProgress":
            self.query_one("#clip-progress", ProgressBar).update(total=event.duration_s, progress=event.position_s)
        elif kind == "YourTurn":
            self.state = "answer"
        elif kind == "Live":
            live = event.level if hasattr(event, "level") else event
            self.query_one(LevelMeter).show(live.level_dbfs, live.pitch_hz, live.speaking)
        elif kind == "Stopped":
            self.state = "analysing"
        elif kind == "AnalysisWaiting":
            self._say(Text(f"Measuring your take… ({event.reason})"))
        elif kind in ("ResultReady", "ReviewReady", "TranscriptReady"):
            self._outcome = event.outcome
            self.query_one(ResultView).show(event.outcome)
            self.query_one(TakeReviewPanel).show(event.outcome, self.practice.tz)
            self.state = "result"
            self._say_why_it_stopped(event.outcome.trial)
            self.refresh_recent()
            self.app.refresh_clock()
        elif kind == "TakeFailed":
            self.state = "ready" if self._outcome is None else "result"
            self.notify(event.message, title="Take not measured", severity="warning", timeout=12)
            self.refresh_recent()

    def _say_why_it_stopped(self, trial) -> None:
        """A take that ended other than by itself or by Space: the real reason, in one line, on top."""
        from trainer.audio.trial import CUT_SHORT

        if trial.stopped_by in CUT_SHORT and trial.message:
            self._say(Text(f"Take stopped early. {trial.message}", style="bold yellow"))

    def _say(self, text: Text) -> None:
        """The status line; with nothing to say (a result on screen) it gives its row to the result."""
        self.query_one("#status", Static).update(text)
        self.query_one("#live").display = bool(text.plain) or self.state in ("client", "answer")

    def on_worker_state_changed(self, event) -> None:
        # (the base screen's handler runs too, by Textual's dispatch, and shows the notice)
        if event.worker.group == "take" and event.state.name in ("ERROR", "CANCELLED"):
            self.state = "ready" if self._outcome is None else "result"

    # ---- other keys ----

    def action_rate(self, rating: int) -> None:
        if self.state != "result":  # no result on screen: never rate a hidden earlier take
            return
        if self._outcome is None or self._outcome.take_id is None:
            self.notify("Make a take first, then rate how activated you felt (0 calm … 9 very).", timeout=4)
            return
        self.practice.rate_take(self._outcome.take_id, rating)
        self.query_one(ResultView).show_rating(rating)

    def action_hear_yourself(self) -> None:
        if self.state in BUSY_STATES:
            return
        if self._outcome is None:
            self.notify("No take yet: press Space first.", timeout=4)
            return
        self.play(self._outcome.take_path)

    def action_hear_client(self) -> None:
        if self.state not in BUSY_STATES:
            self.play(self.drill.clip_path)

    @work(thread=True, exclusive=True, group="playback", exit_on_error=False)
    def play(self, path, start_s: float = 0.0) -> None:
        self.practice.play_file(path, stop=self._stop, start_s=start_s)

    def action_next_drill(self) -> None:
        if self.state in BUSY_STATES:
            return
        self.show_drill(self.practice.next_drill(self.drill.id))

    def action_leave(self) -> None:
        if self.state in ("client", "answer"):
            def decided(stop: bool | None) -> None:
                if stop:
                    self._stop.set()
                    self.app.pop_screen()

            self.app.push_screen(ConfirmDialog("A take is in progress. Stop it (what you said is kept) and leave?"),
                                 decided)
            return
        self.app.pop_screen()
