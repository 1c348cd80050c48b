"""A short note on a take, typed on the result screen (kept in the history, shown in the report)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

NOTE_MAX_CHARS = 500  # the history keeps at most this much


class NoteDialog(ModalScreen[str | None]):
    """Dismisses with the note (possibly "" to remove it), or None when cancelled."""

    DEFAULT_CSS = """
    NoteDialog { align: center middle; }
    NoteDialog > Vertical { width: 76; height: auto; border: thick $primary; background: $surface; padding: 1 2; }
    NoteDialog Input { margin-top: 1; }
    NoteDialog #note-help { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, note: str | None = None) -> None:
        super().__init__()
        self._note = note or ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("A note on this take: what you noticed, for you and your supervisor.")
            yield Input(value=self._note, max_length=NOTE_MAX_CHARS, placeholder="e.g. got loud on 'I hear you'",
                        id="note-input")
            yield Static("Enter saves · Escape leaves it as it was · an empty note removes it", id="note-help")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
