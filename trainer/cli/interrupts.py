"""Ctrl+C and SIGTERM while a command records: end the take, keep it, report it, exit 130/143.

A terminal sends SIGINT to the whole foreground process group at any moment: during the
client's clip, mid-answer, during the analysis, while a prompt waits. Raising
KeyboardInterrupt at an arbitrary point would leave PortAudio and the model running in
other threads while the interpreter shuts down (aborts, hangs). So while a take runs,
the signal only asks the take to stop (`Stop.request("interrupt")`); the take ends, is
measured and stored as usual, the result is printed, and the command then exits with
the signal's status. Outside a take (at a prompt, before recording starts) the signal
raises `Interrupted`, which the CLI turns into "stopped." and the same status.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
EXIT_STATUS = {signal.SIGINT: 130, signal.SIGTERM: 143}


class Interrupted(KeyboardInterrupt):
    """Ctrl+C or SIGTERM outside a take; `exit_code` is 130 or 143."""

    def __init__(self, signum: int) -> None:
        super().__init__()
        self.exit_code = EXIT_STATUS.get(signum, 130)


class Interrupts:
    """Installs the handlers for its `with` block; `run(target, stop)` runs one take."""

    def __init__(self) -> None:
        self.received: int | None = None  # the first signal that arrived during a take
        self._stop = None
        self._saved: dict[int, object] = {}

    @property
    def exit_code(self) -> int | None:
        return None if self.received is None else EXIT_STATUS[self.received]

    def __enter__(self) -> Interrupts:
        if threading.current_thread() is threading.main_thread():
            for signum in EXIT_STATUS:
                self._saved[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._saved.items():
            signal.signal(signum, handler)
        self._saved.clear()

    def _handle(self, signum: int, _frame) -> None:
        stop = self._stop
        if stop is None:
            raise Interrupted(signum)
        if self.received is None:
            self.received = signum
        stop.request("interrupt")

    def run(self, target: Callable[[], T], stop) -> T:
        """Run `target` (a take that watches `stop`) in a thread; a signal meanwhile stops the take."""
        outcome: dict = {}

        def body() -> None:
            try:
                outcome["result"] = target()
            except BaseException as err:  # handed back to the main thread
                outcome["error"] = err

        self._stop = stop
        worker = threading.Thread(target=body, name="take")
        try:
            if self.received is not None:  # a signal came before the take began: do not start it
                raise Interrupted(self.received)
            worker.start()
            while worker.is_alive():
                worker.join(0.1)  # wakes up for the signal handler
        finally:
            self._stop = None
        if "error" in outcome:
            raise outcome["error"]
        return outcome["result"]
