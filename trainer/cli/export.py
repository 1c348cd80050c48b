"""`levelvoice export`: every take with all its measures, as CSV or JSON."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click


@click.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), required=True,
              help="csv: one row per take for spreadsheets; json: everything, including baselines.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default="the current folder", help="Folder to write the export file into.")
def export(fmt: str, out_dir: Path) -> None:
    """Export your practice history (takes, measures, verdicts, ratings) to a file."""
    from trainer.cli.history import history
    from trainer.store.export import export_takes

    with history() as practice:
        path, count = export_takes(practice.store, out_dir, fmt, now=datetime.now().astimezone())
        counted = practice.store.count_takes()
    click.echo(f"Exported {count} take{'s' if count != 1 else ''} to {path.resolve()}")
    if count > counted:
        click.echo(f"{counted} of them count; {count - counted} were kept but do not count (less than 3 s of speech: "
                   "column `counted` is false).")
    click.echo("The file holds transcripts of your answers: keep it private (it is readable only by you).")
