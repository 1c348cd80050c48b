"""What every history command (`take`, `stats`, `export`, `report`, `purge`) does first and last.

First the takes folder is reconciled with the history (trainer.session.recovery): an
interrupted take or a recording the history does not know is stored now, so nothing a
command shows or exports misses it. Last, every line of what could not be done (a
recording kept for the next start, a row left out because it cannot be read) is printed
on stderr, one line each.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click


def say(message: str) -> None:
    click.echo(f"levelvoice: {message}", err=True)


def report_recovery(practice, recovered: list) -> None:
    """One line per take stored by reconciling, then one per thing it could not do."""
    for recording in recovered:
        what = "an interrupted take" if recording.interrupted else "a take that was not in your history"
        say(f"recovered {what} ({recording.duration_s:.1f} s) and stored it: {recording.path}")
    for note in practice.recovery_notes:
        say(note)


def report_skipped(practice) -> None:
    for line in practice.store.skipped:
        say(line)


@contextmanager
def history() -> Iterator:
    """A `Practice` (without transcription) on a reconciled history; closed, and what was skipped said, at the end."""
    from trainer.session import Practice

    practice = Practice.open(transcribe=False)
    try:
        report_recovery(practice, practice.recover_interrupted())
        yield practice
    finally:
        practice.close()
        report_skipped(practice)
