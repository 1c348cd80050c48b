"""`levelvoice calibrate`: record (or give) calm answers that become the level-voice target."""

from __future__ import annotations

from pathlib import Path

import click


class _Stopped(Exception):
    """Ctrl+C or SIGTERM during a recording: what was recorded is kept; calibration ends."""


def _record(practice, interrupts, index: int, prompt: str):
    """Ask, record one answer (ends by itself when you stop speaking; Ctrl+C ends calibration)."""
    from trainer.audio.trial import Stop
    from trainer.errors import CalibrationError

    while True:
        click.echo(f"\nQuestion {index + 1} of 3: {prompt}")
        click.prompt("Press Enter, then answer for about 20 seconds", default="", show_default=False)
        click.echo("Recording... (it stops when you have finished)")
        stop = Stop()
        try:
            answer = interrupts.run(
                lambda: practice.record_calibration_answer(index, post=lambda _event: None, stop=stop), stop)
        except CalibrationError as err:
            if interrupts.exit_code is not None:
                raise _Stopped() from err
            click.echo(f"{err} Let's try that question again.")
            continue
        click.echo(answer.summary)
        if interrupts.exit_code is not None:
            raise _Stopped()
        return answer


def _level_check(practice, interrupts) -> None:
    from trainer.audio.trial import Stop

    while True:
        click.prompt("\nLevel check: press Enter, then say a sentence or two in your normal voice",
                     default="", show_default=False)
        stop = Stop()
        result = interrupts.run(lambda: practice.level_check(post=lambda _event: None, stop=stop), stop)
        if interrupts.exit_code is not None:
            raise _Stopped()
        click.echo(result.message)
        if result.ok:
            return


@click.command()
@click.option("--from", "from_files", is_flag=True,
              help="Build the baseline from the FILES given: existing recordings of your calm voice.")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path), metavar="[FILE...]")
def calibrate(from_files: bool, files: tuple[Path, ...]) -> None:
    """Record your calm-voice baseline: a level check, then three short answers to everyday questions.

    With --from FILE..., build it from existing recordings of your calm voice instead.
    Every baseline is kept; the newest is the target. Calibrate again when you change microphone.
    """
    if from_files and not files:
        raise click.UsageError("--from needs at least one recording, e.g. levelvoice calibrate --from calm.wav")
    if files and not from_files:
        raise click.UsageError("to build the baseline from recordings, put --from before them: "
                               "levelvoice calibrate --from " + " ".join(str(f) for f in files))
    from trainer.session import Practice
    from trainer.session.calibration import baseline_from_files, describe_baseline

    practice = Practice.open()
    if files:
        baseline = baseline_from_files(practice, files)
        click.echo(describe_baseline(baseline))
        return
    click.echo("Your target is your own calm voice. Answer three everyday questions for about 20 seconds each,\n"
               "in the voice you use with a client on a good day.")
    from trainer import paths
    from trainer.cli.interrupts import Interrupts

    with Interrupts() as interrupts:
        try:
            _level_check(practice, interrupts)
            answers = [_record(practice, interrupts, i, prompt)
                       for i, prompt in enumerate(practice.calibration_prompts())]
        except _Stopped:
            kept = paths.data_dir() / "calibration"
            previous = "your previous baseline is still the target" if practice.store.latest_baseline() \
                else "no baseline was saved"
            click.echo(f"\nStopped: calibration not finished; {previous}. Your recorded answers are kept in {kept}.",
                       err=True)
            raise click.exceptions.Exit(interrupts.exit_code) from None
    click.echo("\n" + practice.save_calibration(answers))
