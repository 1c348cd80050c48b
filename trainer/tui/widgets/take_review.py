"""The review under a take's result: where in the answer the voice went, the take against your
best, and the therapist's note. Everything shown comes from the session's `TakeOutcome`."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from trainer.tui.widgets.best_compare import BestCompare
from trainer.tui.widgets.phrase_strip import PhraseStrip


class TakeReviewPanel(Vertical):
    """Hidden until a reviewed take is shown."""

    DEFAULT_CSS = """
    TakeReviewPanel { height: auto; padding: 0 1; border-top: solid $primary 30%; }
    TakeReviewPanel #take-note { height: auto; margin-top: 1; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._outcome = None
        self._note: str | None = None
        self._tz = None

    def compose(self) -> ComposeResult:
        yield PhraseStrip()
        yield BestCompare()
        yield Static(id="take-note")

    def on_mount(self) -> None:
        self.display = False

    def clear(self) -> None:
        self._outcome = None
        self._note = None
        self.query_one(PhraseStrip).show(None)
        self.query_one(BestCompare).show(None)
        self.query_one("#take-note", Static).update("")
        self.display = False

    def show(self, outcome, tz=None) -> None:
        """Show the take's review (ResultReady has none yet: the panel waits for ReviewReady)."""
        same = self._outcome is not None and self._outcome.take_id == outcome.take_id
        if not same:
            self._note = None
        self._outcome = outcome
        self._tz = tz
        if outcome.review is None:
            if not same:
                self.clear()
                self._outcome = outcome
            return
        self.query_one(PhraseStrip).show(outcome.review, keep_selection=same)
        self.query_one(BestCompare).show(outcome.best, tz)
        self._show_note()
        self.display = True

    def show_note(self, note: str | None) -> None:
        self._note = note
        self._show_note()

    def _show_note(self) -> None:
        text = Text("Note: ", style="bold") + Text(self._note, style="italic") if self._note else Text(
            "t: a short note on this take (it goes into your report)", style="dim")
        self.query_one("#take-note", Static).update(text)

    @property
    def note(self) -> str | None:
        return self._note

    def select(self, step: int) -> None:
        self.query_one(PhraseStrip).select(step)

    def play_from_s(self) -> float | None:
        """Where in the recording the chosen phrase starts; None without phrases."""
        strip = self.query_one(PhraseStrip)
        if strip.review is None or not strip.review.phrases:
            return None
        return strip.review.play_from_s(strip.selected)

    @property
    def best_audio_path(self):
        best = None if self._outcome is None else self._outcome.best
        return None if best is None else best.best_audio_path
