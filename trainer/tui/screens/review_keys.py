"""The keys of the take review on the drill screen: choose a phrase and play from it, hear your
best take, write a note. Mixed into `DrillScreen` (which has `state`, `_outcome` and `play`)."""

from __future__ import annotations

from textual.binding import Binding

from trainer.tui.base import report
from trainer.tui.screens.note import NoteDialog
from trainer.tui.widgets.take_review import TakeReviewPanel

REVIEW_BINDINGS = [
    Binding("left_square_bracket", "phrase(-1)", "Phrase before", key_display="[", show=False,
            tooltip="Choose the phrase before (the strip under the result)"),
    Binding("right_square_bracket", "phrase(1)", "Next phrase", key_display="]", show=False,
            tooltip="Choose the next phrase (the strip under the result)"),
    Binding("f", "play_phrase", "From phrase", show=False, tooltip="Play your take from the chosen phrase"),
    Binding("b", "hear_best", "Best take", show=False, tooltip="Hear your best take of this drill"),
    Binding("t", "note", "Note", show=False, tooltip="Write a short note on this take (it goes into your report)"),
]


class ReviewKeys:
    """Actions for REVIEW_BINDINGS; they act only while a result is on screen."""

    def _panel(self) -> TakeReviewPanel:
        return self.query_one(TakeReviewPanel)

    def action_phrase(self, step: int) -> None:
        if self.state == "result":
            self._panel().select(step)

    def action_play_phrase(self) -> None:
        if self.state != "result" or self._outcome is None:
            return
        start_s = self._panel().play_from_s()
        if start_s is None:
            self.notify("No phrases in this take to play from.", timeout=4)
            return
        self.play(self._outcome.take_path, start_s)

    def action_hear_best(self) -> None:
        if self.state != "result":
            return
        path = self._panel().best_audio_path
        if path is None:
            self.notify("No best take of this drill yet: it appears after your first judged take.", timeout=4)
            return
        self.play(path)

    def action_note(self) -> None:
        if self.state != "result" or self._outcome is None or self._outcome.take_id is None:
            return
        take_id = self._outcome.take_id

        def save(note: str | None) -> None:
            if note is None:
                return
            try:
                self._panel().show_note(self.practice.note_take(take_id, note))
            except Exception as error:  # a notice, never a crash: the take itself is stored
                report(self, error)

        self.app.push_screen(NoteDialog(self._panel().note), save)
