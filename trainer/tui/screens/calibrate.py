"""Calibrate: a level check, three short calm answers that become the baseline, then one text read
softly, comfortably and projected (how the voice brightens with effort)."""

from __future__ import annotations

import threading

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Footer, Header, Static

from trainer.tui.base import LevelVoiceScreen, describe_error
from trainer.tui.messages import SessionEvent
from trainer.tui.widgets.level_meter import LevelMeter

INTRO = (
    "Your target is your own calm voice, not a norm. You will answer three everyday questions "
    "for about 20 seconds each, in the voice you use with a client on a good day, then read a short "
    "text three times. First, a short level check so the microphone is set right."
)


class CalibrateScreen(LevelVoiceScreen):
    DEFAULT_CSS = """
    CalibrateScreen VerticalScroll { padding: 1 2; }
    CalibrateScreen #cal-intro { margin-bottom: 1; }
    CalibrateScreen #cal-prompt { text-style: bold; margin-bottom: 1; height: auto; }
    CalibrateScreen #cal-status { height: auto; margin-top: 1; }
    """
    BINDINGS = [
        Binding("space", "step", "Start / stop"),
        Binding("s", "skip_readings", "Skip readings", show=False),
        Binding("escape", "leave", "Back"),
    ]

    # step: "check" → "checking" → ("answer", i) → ("recording", i) → ("effort", j) → ("reading", j)
    #       → "saving" → "done"
    step: reactive[str] = reactive("check")

    def __init__(self) -> None:
        super().__init__()
        self._stop = threading.Event()
        self._answers: list = []
        self._readings: list = []
        self._prompts: list[str] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static(INTRO, id="cal-intro")
            yield Static(id="cal-prompt")
            yield LevelMeter(id="meter")
            yield Static(id="cal-status")
        yield Footer()

    def on_mount(self) -> None:
        self._prompts = self.practice.calibration_prompts()
        self.show_step()

    def show_step(self) -> None:
        prompt = self.query_one("#cal-prompt", Static)
        status = self.query_one("#cal-status", Static)
        index = len(self._answers)
        if self.step == "check":
            prompt.update("Level check: press Space, then say a sentence or two in your normal voice.")
        elif self.step == "checking":
            prompt.update("Listening… say a sentence or two.")
        elif self.step == "answer":
            prompt.update(Text(f"Question {index + 1} of 3: {self._prompts[index]}\n", style="bold")
                          + Text("Press Space and answer for about 20 seconds. It stops by itself when you "
                                 "finish, or press Space.", style=""))
        elif self.step == "recording":
            prompt.update(f"Question {index + 1} of 3: {self._prompts[index]}  (recording: Space to finish)")
        elif self.step in ("effort", "reading"):
            prompt.update(self._effort_prompt())
        elif self.step == "saving":
            prompt.update("Measuring your answers…")
        elif self.step == "done":
            prompt.update("Baseline saved. Press Escape to go back and practise.")
        self.query_one(LevelMeter).display = self.step in ("checking", "recording", "reading")
        if self.step in ("checking", "recording", "reading"):
            status.update("")

    def _effort_prompt(self) -> Text:
        from trainer.session.calibration import EFFORT_HOW, EFFORT_TEXT, EFFORTS

        number = len(self._readings)
        effort = EFFORTS[number]
        text = Text(f"Reading {number + 1} of 3: read it {EFFORT_HOW[effort]}.\n", style="bold")
        text.append(f"\n  {EFFORT_TEXT}\n\n", style="italic")
        if self.step == "reading":
            return text + Text("(recording: Space to finish)")
        return text + Text("This shows how your voice brightens as it gets louder, so a sharp edge is judged "
                           "fairly. Press Space and read the text; it stops by itself when you finish. "
                           "Press s to skip the readings.", style="")

    def watch_step(self) -> None:
        if self.is_mounted:
            self.show_step()

    def action_step(self) -> None:
        if self.step in ("checking", "recording", "reading"):
            self._stop.set()
            return
        self._stop = threading.Event()
        if self.step == "check":
            self.step = "checking"
            self.level_check(self._stop)
        elif self.step == "answer":
            self.step = "recording"
            self.record_answer(len(self._answers), self._stop)
        elif self.step == "effort":
            from trainer.session.calibration import EFFORTS

            self.step = "reading"
            self.record_reading(EFFORTS[len(self._readings)], self._stop)

    def action_skip_readings(self) -> None:
        if self.step == "effort":
            self._readings.clear()
            self.query_one("#cal-status", Static).update(
                "Readings skipped: the edge uses a typical line until you calibrate with them.")
            self.step = "saving"
            self.save_baseline()

    def _post(self, event) -> None:
        self.post_message(SessionEvent(event))

    @work(thread=True, exclusive=True, group="calibrate", exit_on_error=False)
    def level_check(self, stop: threading.Event) -> None:
        from trainer.session.calibration import LevelCheck

        try:
            result = self.practice.level_check(post=self._post, stop=stop)
        except Exception as err:  # no microphone, a device that went away: say so, back to ready
            result = LevelCheck(False, None, f"{describe_error(err)} Then press Space to try again.")
        self.app.call_from_thread(self._checked, result)

    def _checked(self, result) -> None:
        self.query_one("#cal-status", Static).update(Text(result.message, style="green" if result.ok else "yellow"))
        self.step = "answer" if result.ok else "check"

    @work(thread=True, exclusive=True, group="calibrate", exit_on_error=False)
    def record_answer(self, index: int, stop: threading.Event) -> None:
        try:
            answer = self.practice.record_calibration_answer(index, post=self._post, stop=stop)
        except Exception as err:
            self.app.call_from_thread(self._answer_failed, describe_error(err))
            return
        self.app.call_from_thread(self._answered, answer)

    def _answer_failed(self, message: str) -> None:
        self.query_one("#cal-status", Static).update(Text(f"{message} Press Space to answer again.", style="yellow"))
        self.step = "answer"

    def _answered(self, answer) -> None:
        self._answers.append(answer)
        self.query_one("#cal-status", Static).update(answer.summary)
        if len(self._answers) < 3:
            self.step = "answer"
            return
        self.step = "effort"

    @work(thread=True, exclusive=True, group="calibrate", exit_on_error=False)
    def record_reading(self, effort: str, stop: threading.Event) -> None:
        try:
            reading = self.practice.record_effort_reading(effort, post=self._post, stop=stop)
        except Exception as err:
            self.app.call_from_thread(self._reading_failed, describe_error(err))
            return
        self.app.call_from_thread(self._read, reading)

    def _reading_failed(self, message: str) -> None:
        self.query_one("#cal-status", Static).update(Text(f"{message} Press Space to read it again.",
                                                          style="yellow"))
        self.step = "effort"

    def _read(self, reading) -> None:
        self._readings.append(reading)
        self.query_one("#cal-status", Static).update(reading.summary)
        if len(self._readings) < 3:
            self.step = "effort"
            return
        self.step = "saving"
        self.save_baseline()

    @work(thread=True, exclusive=True, group="calibrate", exit_on_error=False)
    def save_baseline(self) -> None:
        try:
            summary = self.practice.save_calibration(self._answers, self._readings)
        except Exception as err:
            self.app.call_from_thread(self._save_failed, describe_error(err))
            return
        self.app.call_from_thread(self._saved, summary)

    def _save_failed(self, message: str) -> None:
        self._answers.clear()
        self._readings.clear()
        self.query_one("#cal-status", Static).update(Text(f"{message} Let's record the answers again.", style="yellow"))
        self.step = "answer"

    def _saved(self, summary: str) -> None:
        description, _, warning = summary.partition("\n")  # a second line: what to fix in the readings
        self.query_one("#cal-status", Static).update(
            Text(description) + (Text("\n\n" + warning, style="yellow") if warning else Text()))
        self.step = "done"

    def on_session_event(self, message: SessionEvent) -> None:
        if message.kind == "Live":
            live = message.event.level if hasattr(message.event, "level") else message.event
            self.query_one(LevelMeter).show(live.level_dbfs, live.pitch_hz, live.speaking)

    def action_leave(self) -> None:
        self._stop.set()
        self.app.pop_screen()
