"""`levelvoice report`: one private HTML file of a period's practice, to hand a supervisor."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import click


@click.command()
@click.option("--days", type=int, default=None, help="The last N days, today included (default: 7).")
@click.option("--from", "first", metavar="DATE", help="First day of the report (YYYY-MM-DD).")
@click.option("--to", "last", metavar="DATE", help="Last day of the report (YYYY-MM-DD; default: today).")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="The file to write, or a folder for it (default: the current folder).")
@click.option("--with-audio", is_flag=True,
              help="Embed the recordings of the first, best and last take of each drill and of noted takes. "
                   "Takes can contain what a client said: share such a file only as you would session material.")
def report(days: int | None, first: str | None, last: str | None, out: Path | None, with_audio: bool) -> None:
    """Write a practice report (one self-contained HTML file that prints well to PDF)."""
    from trainer import config
    from trainer.cli.history import history
    from trainer.practice.clock import zone
    from trainer.report import make_report, period_from

    tz = zone(config.load().timezone)
    now = datetime.now(timezone.utc)
    period = period_from(today=now.astimezone(tz).date(), tz=tz, days=days, first=first, last=last)
    with history() as practice:  # an interrupted take is stored first, so the report has it
        result = make_report(practice.store, period, out, now=now,
                             goal_minutes=practice.settings.daily_goal_minutes, with_audio=with_audio)
    left_out = f" ({result.not_counted} more did not count)" if result.not_counted else ""
    click.echo(f"Wrote the report of {period.describe()}: {result.takes} take{'s' if result.takes != 1 else ''}"
               f"{left_out} on {result.drills} drill{'s' if result.drills != 1 else ''}, "
               f"{result.size_bytes / 1024:.0f} KB, to {result.path.resolve()}")
    if with_audio:
        click.echo(f"It holds {result.recordings} recording{'s' if result.recordings != 1 else ''}: takes can contain "
                   "what a client said. Share it only as you would share session material.")
    else:
        click.echo("The file is private (readable only by you): it holds measures of your voice and your notes.")
