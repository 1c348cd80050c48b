"""Library: bundled and imported drills by challenge, client and difficulty; import your own clip."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from trainer.tui.base import LevelVoiceScreen, guarded
from trainer.tui.screens.dialogs import ConfirmDialog


class LibraryScreen(LevelVoiceScreen):
    DEFAULT_CSS = """
    LibraryScreen DataTable { height: 1fr; }
    LibraryScreen #hint { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("enter", "open_drill", "Practise"),
        Binding("i", "import_clip", "Import a clip"),
        Binding("d", "remove", "Remove imported"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Static("Enter: practise this drill · i: import a hard moment from your own sessions", id="hint")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Challenge", "Client", "Level", "Title", "Takes", "Last", "Own")
        self.refill()

    def on_screen_resume(self) -> None:
        self.refill()

    @guarded
    def refill(self) -> None:
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        for card in self.practice.library_cards():
            table.add_row(
                card.drill.challenge.capitalize(), card.drill.voice_label or "–", card.drill.difficulty,
                card.drill.title, str(card.takes),
                "–" if card.last_score is None else str(card.last_score),
                "✓" if card.drill.source == "imported" else "",
                key=card.drill.id,
            )
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))

    def _selected_id(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    @guarded
    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.app.open_screen("drill", drill_id=event.row_key.value)

    def action_open_drill(self) -> None:
        drill_id = self._selected_id()
        if drill_id:
            self.app.open_screen("drill", drill_id=drill_id)

    def action_import_clip(self) -> None:
        from trainer.tui.screens.import_clip import ImportClipDialog

        def imported(drill_id: str | None) -> None:
            if drill_id:
                self.refill()
                self.notify(f"Imported as drill '{drill_id}'. Its text came from the transcription; "
                            f"`levelvoice drills show {drill_id}` shows the file to correct it in.",
                            title="Clip imported")

        self.app.push_screen(ImportClipDialog(self.practice), imported)

    def action_remove(self) -> None:
        drill_id = self._selected_id()
        if not drill_id:
            return
        drill = self.practice.drill(drill_id)
        if drill.source != "imported":
            self.notify("Bundled drills stay; only your imported clips can be removed.", timeout=5)
            return

        def decided(yes: bool | None) -> None:
            if yes:
                self.remove_drill(drill_id)

        self.app.push_screen(ConfirmDialog(f"Remove '{drill.title}', its clip, and keep its past takes?"), decided)

    @work(thread=True, group="library", exit_on_error=False)
    def remove_drill(self, drill_id: str) -> None:
        self.practice.remove_drill(drill_id)
        self.app.call_from_thread(self.refill)
