"""What every screen shares: a handle on the session and failures shown as notices."""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import Any

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


log = logging.getLogger("levelvoice.tui")


def report(node, error: BaseException) -> None:
    """Show a failure as a notice (and keep the details in the log): the app keeps running."""
    log.error("handled failure", exc_info=error)
    node.notify(describe_error(error), title="Problem", severity="error", timeout=12)


def guarded(method):
    """For event handlers and refreshes that call the layers below: a failure becomes a notice.

    (Key actions are already guarded by `LevelVoiceApp.run_action`.)
    """

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except Exception as error:  # a notice, never a crash: takes are already safe on disk
            report(self, error)
            return None

    return wrapper


def in_background(node, work: Callable[[], Any], *, name: str) -> threading.Thread:
    """Run `work()` in a daemon thread and post `BackgroundDone(name, ...)` to `node` when it ends.

    For jobs a person never waits for (loading the model, probing the devices): quitting does
    not wait for them, unlike Textual's thread workers, whose executor is joined at exit.
    """
    from trainer.tui.messages import BackgroundDone

    def body() -> None:
        try:
            result = work()
        except Exception as error:  # shown by the receiver, never a crash
            log.error("background job %s failed", name, exc_info=error)
            node.post_message(BackgroundDone(name, error=error))
        else:
            node.post_message(BackgroundDone(name, result))

    thread = threading.Thread(target=body, name=name, daemon=True)
    thread.start()
    return thread


class LevelVoiceScreen(Screen):
    """Base screen: `self.practice` and one handler that turns worker failures into notices."""

    @property
    def practice(self):
        return self.app.practice

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            report(self, event.worker.error)
