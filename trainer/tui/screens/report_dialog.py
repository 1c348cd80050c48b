"""Make a practice report from the Progress screen: the period, the folder, and whether to embed takes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Static


@dataclass(frozen=True)
class ReportRequest:
    days: int
    folder: Path
    with_audio: bool


class ReportDialog(ModalScreen[ReportRequest | None]):
    """Dismisses with a `ReportRequest`, or None when cancelled."""

    DEFAULT_CSS = """
    ReportDialog { align: center middle; }
    ReportDialog > Vertical { width: 80; height: auto; border: thick $primary; background: $surface; padding: 1 2; }
    ReportDialog Input { margin-bottom: 1; }
    ReportDialog #report-error { color: $error; height: auto; }
    ReportDialog .hint { color: $text-muted; }
    ReportDialog Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    ReportDialog Button { margin-left: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, folder: Path, days: int = 7) -> None:
        super().__init__()
        self._folder = folder
        self._days = days

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("A practice report for your supervisor: one HTML file (it prints well to PDF).")
            yield Static("Days, up to today", classes="hint")
            yield Input(str(self._days), type="integer", id="report-days")
            yield Static("Folder to write it in", classes="hint")
            yield Input(str(self._folder), id="report-folder")
            yield Checkbox("Include recordings (takes can contain what a client said)", id="report-audio")
            yield Static("", id="report-error")
            with Horizontal():
                yield Button("Write the report", id="write", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#report-days", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "write":
            self._submit()
        else:
            self.dismiss(None)

    def _submit(self) -> None:
        days_text = self.query_one("#report-days", Input).value.strip()
        folder = Path(self.query_one("#report-folder", Input).value.strip() or ".").expanduser()
        if not days_text.isdigit() or not 1 <= int(days_text) <= 3660:
            self.query_one("#report-error", Static).update("The days are a whole number from 1 to 3660.")
            return
        if not folder.is_dir():
            self.query_one("#report-error", Static).update(f"The folder {folder} does not exist.")
            return
        self.dismiss(ReportRequest(int(days_text), folder, self.query_one("#report-audio", Checkbox).value))

    def action_cancel(self) -> None:
        self.dismiss(None)
