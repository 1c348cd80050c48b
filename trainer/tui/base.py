"""What every screen shares: a handle on the session and failures shown as notices."""

from __future__ import annotations

from textual.screen import Screen
from textual.worker import Worker, WorkerState

from trainer.errors import TrainerError


def describe_error(error: BaseException | None) -> str:
    """A one-line, readable description of a failure from the layers below."""
    if isinstance(error, TrainerError):
        return str(error)
    if error is None:
        return "Something went wrong."
    return (
        f"Unexpected problem: {type(error).__name__}: {error}. Your takes are safe; "
        "details are in the log (levelvoice --debug doctor helps too)."
    )


class LevelVoiceScreen(Screen):
    """Base screen: `self.practice` and one handler that turns worker failures into notices."""

    @property
    def practice(self):
        return self.app.practice

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.app.log_error(event.worker.error)
            self.notify(describe_error(event.worker.error), title="Problem", severity="error", timeout=12)
