"""Settings: devices (with a live test of each), daily goal, model, cue sound, theme."""

from __future__ import annotations

import threading

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Footer, Header, Input, Label, Select, Static

from trainer.tui.base import LevelVoiceScreen, describe_error
from trainer.tui.messages import SessionEvent
from trainer.tui.widgets.level_meter import LevelMeter

DEFAULT = ""


class SettingsScreen(LevelVoiceScreen):
    DEFAULT_CSS = """
    SettingsScreen VerticalScroll { padding: 1 2; }
    SettingsScreen Grid { grid-size: 3; grid-columns: 13 1fr 18; grid-rows: 1; grid-gutter: 1 1; height: auto; }
    SettingsScreen #settings-status { height: auto; margin-top: 1; }
    SettingsScreen #buttons { height: auto; margin-top: 1; }
    SettingsScreen LevelMeter { margin-top: 1; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        settings = self.practice.settings
        yield Header()
        with VerticalScroll():
            with Grid():
                yield Label("Microphone")
                yield Select([("System default", DEFAULT)], value=DEFAULT, allow_blank=False, id="input_device",
                             compact=True)
                yield Button("Test mic", id="test-input", compact=True)
                yield Label("Speaker")
                yield Select([("System default", DEFAULT)], value=DEFAULT, allow_blank=False, id="output_device",
                             compact=True)
                yield Button("Test speaker", id="test-output", compact=True)
                yield Label("Daily goal")
                yield Input(str(settings.daily_goal_minutes), id="daily_goal_minutes", type="integer", compact=True)
                yield Static("minutes", classes="muted")
                yield Label("Model")
                yield Input(settings.transcription_model, id="transcription_model", compact=True)
                yield Static("tiny.en = bundled", classes="muted")
                yield Label("Sound")
                yield Checkbox("Soft cue when it is your turn", settings.cue_sound, id="cue_sound", compact=True)
                yield Static("")
                yield Label("Theme")
                yield Checkbox("Light", settings.theme == "light", id="theme", compact=True)
                yield Static("")
            yield LevelMeter(id="meter")
            yield Static("", id="settings-status")
            with Horizontal(id="buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(LevelMeter).display = False
        self.load_devices()

    @work(thread=True, group="devices", exit_on_error=False)
    def load_devices(self) -> None:
        devices = self.practice.devices()
        self.app.call_from_thread(self._fill_devices, devices)

    def _fill_devices(self, devices) -> None:
        settings = self.practice.settings
        for kind, select_id, current in (("input", "#input_device", settings.input_device),
                                         ("output", "#output_device", settings.output_device)):
            options = [("System default", DEFAULT)] + [
                (f"{d.name} ({d.default_samplerate:.0f} Hz)", d.name)
                for d in devices if (d.is_input if kind == "input" else d.is_output)
            ]
            select = self.query_one(select_id, Select)
            select.set_options(options)
            known = {value for _, value in options}
            select.value = current if current in known else DEFAULT

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

    def action_save(self) -> None:
        goal = self.query_one("#daily_goal_minutes", Input).value.strip()
        changes = {
            "input_device": self.query_one("#input_device", Select).value,
            "output_device": self.query_one("#output_device", Select).value,
            "daily_goal_minutes": int(goal) if goal.lstrip("-").isdigit() else goal,
            "transcription_model": self.query_one("#transcription_model", Input).value.strip(),
            "cue_sound": self.query_one("#cue_sound", Checkbox).value,
            "theme": "light" if self.query_one("#theme", Checkbox).value else "dark",
        }
        try:
            self.practice.save_settings(**changes)
        except Exception as err:
            self.query_one("#settings-status", Static).update(f"[b]Not saved:[/b] {describe_error(err)}")
            return
        self.app.theme = "textual-light" if changes["theme"] == "light" else "textual-dark"
        self.app.refresh_clock()
        self.query_one("#settings-status", Static).update("Saved.")
        self.notify("Settings saved.", timeout=3)
