"""The Textual app. Talks to the layers below only through the session layer."""

from __future__ import annotations

import os
import sys


def launch() -> None:
    """Start the app (imports Textual only now, so other commands stay fast)."""
    import logging

    from trainer import paths
    from trainer.terminal import send_c_chatter_to_log

    send_c_chatter_to_log()
    logging.basicConfig(
        filename=paths.log_file() if paths.log_file().parent.exists() else None,
        level=logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    from trainer.tui.app import make_app

    app = make_app()
    app.run()
    _exit_now(app.return_code or 0)


def _exit_now(status: int) -> None:
    """Leave at once once the app has closed (the terminal is restored, the history committed).

    A model still loading in the background would otherwise keep the process alive for
    seconds, and tearing its native threads down at interpreter exit is what aborts. Every
    write to the history is a committed transaction, so nothing is lost by not waiting.
    """
    import logging

    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)
