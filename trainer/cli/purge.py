"""`levelvoice purge`: delete a drill's takes and their recordings."""

from __future__ import annotations

from pathlib import Path

import click


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@click.command()
@click.argument("drill_id")
@click.option("--yes", is_flag=True, help="Delete without asking.")
@click.pass_context
def purge(ctx: click.Context, drill_id: str, yes: bool) -> None:
    """Delete every take of DRILL_ID, its recordings and its adapted bands (cannot be undone)."""
    from trainer import paths
    from trainer.cli.history import history
    from trainer.errors import TrainerError

    outcome: dict = {}

    def remove(files: list[Path]) -> None:  # inside the history's transaction, before the takes go
        outcome["removed"], outcome["problems"] = delete_recordings(files, paths.takes_dir())
        stuck = [p for p in outcome["problems"] if p.startswith("Could not delete")]
        if stuck:  # a recording left without its take would be stored again at the next start
            raise TrainerError(f"{stuck[0]} The takes of '{drill_id}' stay in your history; fix that and purge "
                               "again.")

    with history() as practice:
        store = practice.store
        count = store.count_takes(drill_id)
        kept = store.count_takes(drill_id, kept=True)
        if not kept and not store.band_states(drill_id):
            known = store.drills_with_takes()
            hint = f" Drills with takes: {', '.join(known)}." if known else " There are no takes yet."
            raise TrainerError(f"No practice history for drill '{drill_id}'.{hint}")
        extra = kept - count
        also = f" (and {_plural(extra, 'take')} that did not count)" if extra else ""
        if not yes and not click.confirm(f"Delete {_plural(count, 'take')} of '{drill_id}'{also} and their "
                                         "recordings? This cannot be undone.", default=False):
            click.echo("Nothing deleted.")
            return
        store.purge_drill(drill_id, remove_files=remove)
    removed, problems = outcome["removed"], outcome["problems"]
    click.echo(f"Deleted {_plural(count, 'take')} of '{drill_id}'{also} and {_plural(removed, 'recording')}.")
    for problem in problems:
        click.echo(f"levelvoice: {problem}", err=True)
    ctx.exit(1 if problems else 0)


def delete_recordings(files: list[Path], takes_dir: Path) -> tuple[int, list[str]]:
    """Delete take recordings (and day folders left empty); returns how many, and what could not be deleted.

    Only files inside the takes folder are deleted: anything else is not a recording Level
    Voice made, so it is reported instead.
    """
    removed, problems = 0, []
    root = takes_dir.resolve()
    for path in files:
        target = path.resolve()
        if not target.is_relative_to(root):
            problems.append(f"Kept {path}: it is not in the takes folder {root}; delete it yourself if you wish.")
            continue
        try:
            if target.exists():
                target.unlink()
                removed += 1
            if target.parent != root and target.parent.exists() and not any(target.parent.iterdir()):
                target.parent.rmdir()
        except OSError as err:
            problems.append(f"Could not delete {path}: {err.strerror or err}.")
    return removed, problems
