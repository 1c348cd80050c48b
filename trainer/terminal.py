"""Keeping C libraries' chatter off the terminal, without hiding Level Voice's own messages.

PortAudio prints diagnostics straight to file descriptor 2 from C code, also while a
stream runs ("Expression ... failed in pa_linux_alsa.c" after an underrun, which bursty
sound servers cause). In a full-screen app they would scribble over the screen, and in
`levelvoice take` they would bury the progress lines. So fd 2 goes to the log file, and
Python's `sys.stderr` (what Level Voice, click and Textual write to) keeps a duplicate of
the real terminal: our messages and errors still show, the C chatter is kept in the log.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


def send_c_chatter_to_log() -> None:
    """For the rest of the process (the app): fd 2 to the log, `sys.stderr` keeps the terminal."""
    _swap()


@contextlib.contextmanager
def c_chatter_to_log() -> Iterator[None]:
    """While recording from the command line; prompts afterwards need fd 2 back (Python writes
    an `input()` prompt there when readline is not loaded)."""
    restore = _swap()
    try:
        yield
    finally:
        if restore is not None:
            restore()


def _swap():
    """Point fd 2 at the log; returns how to undo it (None when fd 2 is not a terminal)."""
    from trainer import paths

    if not _is_terminal(2):
        return None
    saved_fd = os.dup(2)
    saved_streams = (sys.stderr, sys.__stderr__)
    terminal = os.fdopen(os.dup(2), "w", buffering=1, encoding=sys.__stderr__.encoding or "utf-8",
                         errors="replace")
    log_path = paths.log_file()
    paths.ensure_private_dir(log_path.parent)
    log_fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(log_fd, 2)
    os.close(log_fd)
    sys.__stderr__ = terminal  # type: ignore[misc]
    sys.stderr = terminal

    def restore() -> None:
        terminal.flush()
        os.dup2(saved_fd, 2)
        os.close(saved_fd)
        sys.stderr, sys.__stderr__ = saved_streams  # type: ignore[misc]
        terminal.close()

    return restore


def _is_terminal(fd: int) -> bool:
    try:
        return os.isatty(fd)
    except OSError:
        return False
