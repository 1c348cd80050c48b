"""Textual messages that carry the session's events to the screens."""

from __future__ import annotations

from typing import Any

from textual.message import Message


class SessionEvent(Message, bubble=False):
    """One event from the headless session (audio progress, live level, results).

    Live readings and playback progress replace an older unhandled one of the same
    kind, so the screen never works through a queue of stale levels.
    """

    REPLACEABLE = ("Live", "PlaybackProgress")

    def __init__(self, event: Any) -> None:
        super().__init__()
        self.event = event

    @property
    def kind(self) -> str:
        return type(self.event).__name__

    def can_replace(self, message: Message) -> bool:
        return (
            isinstance(message, SessionEvent)
            and self.kind in self.REPLACEABLE
            and message.kind == self.kind
        )


class BackgroundDone(Message, bubble=False):
    """A job run by `trainer.tui.base.in_background` finished: its `result`, or the `error` it raised."""

    def __init__(self, name: str, result: Any = None, error: BaseException | None = None) -> None:
        super().__init__()
        self.name = name
        self.result = result
        self.error = error
