"""Settings: devices (with a live test of each), daily goal, model, cue sound, theme."""

from __future__ import annotations

import threading

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static

from trainer.tui.base import LevelVoiceScreen, describe_error
from trainer.tui.messages import SessionEvent
from trainer.tui.widgets.level_meter import LevelMeter
from trainer.tui.widgets.tick_box import TickBox

DEFAULT = ""
THEME_CHOICES = [("Dark", "dark"), ("Light", "light")]


def _device_options(current: str) -> list[tuple[str, str]]:
    """Before the device list arrives: the system default and the device the settings name."""
    return [("System default", DEFAULT)] + ([(current, current)] if current else [])


class SettingsScreen(LevelVoiceScreen):
    """A form: nothing changes until it is saved, and leaving with changes asks first."""

    AUTO_FOCUS = "#input_device"
    DEFAULT_CSS = """
    SettingsScreen VerticalScroll { padding: 1 2; }
    SettingsScreen Grid { grid-size: 3; grid-columns: 13 1fr 18; grid-rows: 1; grid-gutter: 1 1; height: auto; }
    SettingsScreen #settings-status { height: auto; margin-top: 1; }
    SettingsScreen #buttons { height: auto; margin-top: 1; }
    SettingsScreen LevelMeter { margin-top: 1; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "leave", "Back", tooltip="Back to Today; with unsaved changes, asks to save or discard"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._saved: dict = {}  # the form's values as last loaded or saved

    def compose(self) -> ComposeResult:
        settings = self.practice.settings
        yield Header()
        with VerticalScroll():
            with Grid():
                yield Label("Microphone")
                yield Select(_device_options(settings.input_device), value=settings.input_device,
                             allow_blank=False, id="input_device", compact=True)
                yield Button("Test mic", id="test-input", compact=True)
                yield Label("Speaker")
                yield Select(_device_options(settings.output_device), value=settings.output_device,
                             allow_blank=False, id="output_device", compact=True)
                yield Button("Test speaker", id="test-output", compact=True)
                yield Label("Daily goal")
                yield Input(str(settings.daily_goal_minutes), id="daily_goal_minutes", type="integer", compact=True)
                yield Static("minutes", classes="muted")
                yield Label("Model")
                yield Input(settings.transcription_model, id="transcription_model", compact=True)
                yield Static("tiny.en = bundled", classes="muted")
                yield Label("Sound")
                yield TickBox("Soft cue when it is your turn", settings.cue_sound, id="cue_sound", compact=True)
                yield Static("")
                yield Label("Theme")
                yield Select(THEME_CHOICES, value=settings.theme, allow_blank=False, id="theme", compact=True)
                yield Static("")
            yield LevelMeter(id="meter")
            yield Static("", id="settings-status")
            with Horizontal(id="buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(LevelMeter).display = False
        self._saved = self._form()
        self.load_devices()

    @work(thread=True, group="devices", exit_on_error=False)
    def load_devices(self) -> None:
        devices = self.practice.devices()
        self.app.call_from_thread(self._fill_devices, devices)

    def _fill_devices(self, devices) -> None:
        settings = self.practice.settings
        for kind, select_id, current in (("input", "#input_device", settings.input_device),
                                         ("output", "#output_device", settings.output_device)):
            found = [d for d in devices if (d.is_input if kind == "input" else d.is_output)]
            options = [("System default", DEFAULT)] + [(f"{d.name} ({d.default_samplerate:.0f} Hz)", d.name)
                                                       for d in found]
            if current and current not in {value for _, value in options}:  # kept: it may be plugged in later
                named = any(current.lower() in d.name.lower() or current == str(d.index) for d in found)
                options.append((f"{current} ({'as saved' if named else 'not connected'})", current))
            select = self.query_one(select_id, Select)
            chosen = select.value  # the setting, or what the person picked while the list was loading
            select.set_options(options)
            select.value = chosen if chosen in {value for _, value in options} else current

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        elif event.button.id == "test-input":
            self.query_one(LevelMeter).display = True
            self.query_one("#settings-status", Static).update("Say something: the bar should move for 3 seconds.")
            self.test_input(self.query_one("#input_device", Select).value)
        elif event.button.id == "test-output":
            self.query_one("#settings-status", Static).update("Playing a short sound on the speaker…")
            self.test_output(self.query_one("#output_device", Select).value)

    @work(thread=True, exclusive=True, group="device-test", exit_on_error=False)
    def test_input(self, device: str) -> None:
        message = self.practice.test_microphone(device, post=lambda e: self.post_message(SessionEvent(e)),
                                                stop=threading.Event())
        self.app.call_from_thread(self.query_one("#settings-status", Static).update, message)

    @work(thread=True, exclusive=True, group="device-test", exit_on_error=False)
    def test_output(self, device: str) -> None:
        message = self.practice.test_speaker(device)
        self.app.call_from_thread(self.query_one("#settings-status", Static).update, message)

    def on_session_event(self, message: SessionEvent) -> None:
        if message.kind == "Live":
            live = message.event.level if hasattr(message.event, "level") else message.event
            self.query_one(LevelMeter).show(live.level_dbfs, live.pitch_hz, live.speaking)

    def _form(self) -> dict:
        """What the form holds now, as settings."""
        goal = self.query_one("#daily_goal_minutes", Input).value.strip()
        return {
            "input_device": self.query_one("#input_device", Select).value,
            "output_device": self.query_one("#output_device", Select).value,
            "daily_goal_minutes": int(goal) if goal.lstrip("-").isdigit() else goal,
            "transcription_model": self.query_one("#transcription_model", Input).value.strip(),
            "cue_sound": self.query_one("#cue_sound", TickBox).value,
            "theme": self.query_one("#theme", Select).value,
        }

    @property
    def unsaved(self) -> bool:
        return self._form() != self._saved

    def action_save(self) -> bool:
        """Save the form; True when it was saved."""
        changes = self._form()
        try:
            self.practice.save_settings(**changes)
        except Exception as err:
            self.query_one("#settings-status", Static).update(f"[b]Not saved:[/b] {describe_error(err)}")
            return False
        self._saved = changes
        self.app.theme = "textual-light" if changes["theme"] == "light" else "textual-dark"
        self.app.refresh_clock()
        self.query_one("#settings-status", Static).update("Saved.")
        self.notify("Settings saved.", timeout=3)
        return True

    def action_leave(self) -> None:
        """Back; with unsaved changes, ask whether to save them, discard them or stay."""
        if not self.unsaved:
            self.app.pop_screen()
            return
        from trainer.tui.screens.dialogs import UnsavedChangesDialog

        def decided(choice: str | None) -> None:
            if choice == "discard" or (choice == "save" and self.action_save()):
                self.app.pop_screen()

        self.app.push_screen(UnsavedChangesDialog(), decided)
