"""The Textual app. Talks to the layers below only through the session layer."""

from __future__ import annotations

import os
import sys


def _keep_terminal_clean() -> None:
    """Give Textual its own handle on the terminal and send fd 2 to the log file.

    PortAudio and ALSA print diagnostics straight to file descriptor 2 from C code; in
    a full-screen app they would scribble over the screen. Textual writes through
    `sys.__stderr__`, so it gets a duplicate of the real terminal, and fd 2 itself goes
    to the log.
    """
    from trainer import paths

    if not os.isatty(2):
        return
    terminal = os.fdopen(os.dup(2), "w", buffering=1, encoding=sys.__stderr__.encoding or "utf-8",
                         errors="replace")
    log_path = paths.log_file()
    paths.ensure_private_dir(log_path.parent)
    log_fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(log_fd, 2)
    os.close(log_fd)
    sys.__stderr__ = terminal  # type: ignore[misc]
    sys.stderr = terminal


def launch() -> None:
    """Start the app (imports Textual only now, so other commands stay fast)."""
    import logging

    from trainer import paths

    _keep_terminal_clean()
    logging.basicConfig(
        filename=paths.log_file() if paths.log_file().parent.exists() else None,
        level=logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    from trainer.tui.app import make_app

    app = make_app()
    app.run()
    if app.return_code:
        raise SystemExit(app.return_code)
