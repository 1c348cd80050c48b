"""A form to import a difficult moment from the therapist's own recording."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from trainer.tui.base import describe_error


class ImportClipDialog(ModalScreen[str | None]):
    """Dismisses with the new drill's id, or None when cancelled."""

    DEFAULT_CSS = """
    ImportClipDialog { align: center middle; }
    ImportClipDialog > VerticalScroll { width: 76; max-width: 100%; height: auto; max-height: 100%;
                                        border: thick $primary; background: $surface; padding: 1 2; }
    ImportClipDialog Grid { grid-size: 2; grid-columns: 12 1fr; grid-rows: 1; grid-gutter: 1 0; height: auto; margin: 1 0; }
    ImportClipDialog Horizontal { height: auto; align-horizontal: right; }
    ImportClipDialog #import-status { height: auto; color: $text-muted; }
    """
    AUTO_FOCUS = "#path"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, practice) -> None:
        super().__init__()
        self.practice = practice
        self._busy = False  # an import is running (the button stays focusable: disabling it moved the focus)

    def compose(self) -> ComposeResult:
        with VerticalScroll():  # (scrolls in a small terminal)
            yield Static("Import a clip (audio or video). It stays in your private data folder.")
            with Grid():
                yield Label("File")
                yield Input(placeholder="/path/to/session.mp4", id="path", compact=True)
                yield Label("Start")
                yield Input(placeholder="e.g. 12:03.5 (empty: beginning)", id="start", compact=True)
                yield Label("End")
                yield Input(placeholder="e.g. 12:21 (empty: end)", id="end", compact=True)
                yield Label("Title")
                yield Input(placeholder="optional", id="title", compact=True)
                yield Label("Challenge")
                yield Select(self.practice.challenge_options(), id="challenge", allow_blank=False, compact=True)
                yield Label("Difficulty")
                yield Select([(d, d) for d in self.practice.difficulties()], id="difficulty", allow_blank=False,
                             compact=True)
            yield Static("", id="import-status")
            with Horizontal():
                yield Button("Import", id="import", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
        else:
            self.start_import()

    def on_input_submitted(self) -> None:
        self.start_import()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def start_import(self) -> None:
        if self._busy:
            return
        values = {name: self.query_one(f"#{name}", Input).value.strip() for name in ("path", "start", "end", "title")}
        if not values["path"]:
            self.query_one("#import-status", Static).update("Give the path of an audio or video file.")
            self.query_one("#path", Input).focus()
            return
        self._busy = True
        self.query_one("#import", Button).label = "Importing…"
        self.query_one("#import-status", Static).update("Importing and transcribing…")
        self.do_import(values, self.query_one("#challenge", Select).value, self.query_one("#difficulty", Select).value)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def do_import(self, values: dict, challenge: str, difficulty: str) -> None:
        try:
            drill = self.practice.import_clip(
                values["path"], start=values["start"] or None, end=values["end"] or None,
                title=values["title"] or None, challenge=challenge, difficulty=difficulty,
            )
        except Exception as err:  # shown in the form, the dialog stays open to fix the input
            self.app.call_from_thread(self._failed, describe_error(err))
            return
        self.app.call_from_thread(self._done, drill.id)

    def _done(self, drill_id: str) -> None:
        if self.is_attached:  # (not cancelled meanwhile)
            self.dismiss(drill_id)

    def _failed(self, message: str) -> None:
        if not self.is_attached:
            return
        self._busy = False
        self.query_one("#import-status", Static).update(Text.assemble(("Not imported: ", "bold"), message))
        self.query_one("#import", Button).label = "Import"
        # back to the field to fix: the times when they were the problem, else the file
        field = "#start" if "time" in message or "segment" in message else "#path"
        self.query_one(field, Input).focus()
