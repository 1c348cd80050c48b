"""Correcting the client's words of an imported drill (the transcription model may miss some)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static, TextArea

from trainer.tui.base import describe_error


class TranscriptDialog(ModalScreen[bool]):
    """Shows an imported drill's transcript to correct; dismisses with True when saved."""

    DEFAULT_CSS = """
    TranscriptDialog { align: center middle; }
    TranscriptDialog > VerticalScroll { width: 76; max-width: 100%; height: auto; max-height: 100%;
                                  border: thick $primary; background: $surface; padding: 1 2; }
    TranscriptDialog TextArea { height: 6; margin: 1 0; }
    TranscriptDialog #transcript-status { height: auto; color: $text-muted; }
    TranscriptDialog Horizontal { height: auto; align-horizontal: right; }
    TranscriptDialog Button { margin-left: 2; }
    """
    AUTO_FOCUS = "#transcript"
    BINDINGS = [Binding("ctrl+s", "save", "Save"), Binding("escape", "keep", "Keep as it is")]

    def __init__(self, practice, drill, *, heading: str = "") -> None:
        super().__init__()
        self.practice = practice
        self.drill = drill
        self.heading = heading

    def compose(self) -> ComposeResult:
        with VerticalScroll():  # (scrolls in a small terminal)
            intro = Text(f"{self.heading}\n" if self.heading else "", style="bold")
            intro.append(f"The client's words in '{self.drill.title}', as the transcription model heard them. "
                         "Correct them if needed; they are shown on the drill screen.", style="not bold")
            yield Static(intro)
            yield TextArea(self.drill.transcript, id="transcript", soft_wrap=True, show_line_numbers=False)
            yield Static("ctrl+s saves · esc keeps them as they are", id="transcript-status")
            with Horizontal():
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Keep (esc)", id="keep")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_keep()

    def action_save(self) -> None:
        words = self.query_one(TextArea).text
        try:
            self.practice.set_transcript(self.drill.id, words)
        except Exception as err:  # shown in the dialog; the text stays to try again
            self.query_one("#transcript-status", Static).update(
                Text.assemble(("Not saved: ", "bold"), describe_error(err)))
            return
        self.dismiss(True)

    def action_keep(self) -> None:
        self.dismiss(False)
