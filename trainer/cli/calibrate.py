"""`levelvoice calibrate`: record (or give) calm answers that become the level-voice target, and a
short text read at three efforts that shows how the voice's brightness follows its loudness."""

from __future__ import annotations

from pathlib import Path

import click

from trainer.terminal import c_chatter_to_log


class _Stopped(Exception):
    """Ctrl+C or SIGTERM during a recording: what was recorded is kept; calibration ends."""


def _recorded(interrupts, ask, record, again: str):
    """Ask (`ask()`: False skips, giving None), then one recording measured by `record(stop)`, until
    it gives a result; a `CalibrationError` says why and asks again. Ctrl+C ends calibration (what
    was recorded is kept)."""
    from trainer.audio.trial import Stop
    from trainer.errors import CalibrationError

    while True:
        if not ask():
            return None
        click.echo("Recording... (it stops when you have finished)")
        stop = Stop()
        try:
            with c_chatter_to_log():
                result = interrupts.run(lambda: record(stop), stop)
        except CalibrationError as err:
            if interrupts.exit_code is not None:
                raise _Stopped() from err
            click.echo(f"{err} {again}")
            continue
        click.echo(result.summary)
        if interrupts.exit_code is not None:
            raise _Stopped()
        return result


def _record(practice, interrupts, index: int, prompt: str):
    """Ask, record one answer (ends by itself when you stop speaking; Ctrl+C ends calibration)."""
    def ask() -> bool:
        click.echo(f"\nQuestion {index + 1} of 3: {prompt}")
        click.prompt("Press Enter, then answer for about 20 seconds", default="", show_default=False)
        return True

    return _recorded(interrupts, ask, lambda stop: practice.record_calibration_answer(
        index, post=lambda _event: None, stop=stop), "Let's try that question again.")


def _read(practice, interrupts, effort: str, number: int):
    """Ask for one reading of the effort text; None when the person skips the readings ("s")."""
    from trainer.session.calibration import EFFORT_HOW

    def ask() -> bool:
        click.echo(f"\nReading {number} of 3: read it {EFFORT_HOW[effort]}.")
        return click.prompt("Press Enter, then read the text (or type s and Enter to skip the readings)",
                            default="", show_default=False).strip().lower() != "s"

    return _recorded(interrupts, ask, lambda stop: practice.record_effort_reading(
        effort, post=lambda _event: None, stop=stop), "Let's do that reading again.")


def _readings(practice, interrupts) -> list:
    """The effort text read softly, comfortably and projected (none when skipped)."""
    from trainer.practice.edge import EFFORTS
    from trainer.session.calibration import EFFORT_TEXT

    click.echo("\nLast, read this short text three times: softly, comfortably, then projected. It shows how your\n"
               f"voice brightens as it gets louder, so the edge is judged fairly:\n\n  {EFFORT_TEXT}")
    readings = []
    for number, effort in enumerate(EFFORTS, start=1):
        reading = _read(practice, interrupts, effort, number)
        if reading is None:
            click.echo("Readings skipped: the edge uses a typical line until you calibrate with them.")
            return []
        readings.append(reading)
    return readings


def _level_check(practice, interrupts) -> None:
    from trainer.audio.trial import Stop

    while True:
        click.prompt("\nLevel check: press Enter, then say a sentence or two in your normal voice",
                     default="", show_default=False)
        stop = Stop()
        with c_chatter_to_log():
            result = interrupts.run(lambda: practice.level_check(post=lambda _event: None, stop=stop), stop)
        if interrupts.exit_code is not None:
            raise _Stopped()
        click.echo(result.message)
        if result.ok:
            return


_EFFORT_FILE = click.Path(dir_okay=False, path_type=Path)


@click.command()
@click.option("--from", "from_files", is_flag=True,
              help="Build the baseline from the FILES given: existing recordings of your calm voice.")
@click.option("--soft", type=_EFFORT_FILE, metavar="FILE", help="With --from: the effort text read softly.")
@click.option("--comfortable", type=_EFFORT_FILE, metavar="FILE",
              help="With --from: the effort text read in your comfortable voice.")
@click.option("--projected", type=_EFFORT_FILE, metavar="FILE",
              help="With --from: the effort text read projected, as if to the back of a room.")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path), metavar="[FILE...]")
def calibrate(from_files: bool, soft: Path | None, comfortable: Path | None, projected: Path | None,
              files: tuple[Path, ...]) -> None:
    """Record your calm-voice baseline: a level check, three short answers to everyday questions, then
    a short text read softly, comfortably and projected.

    With --from FILE..., build it from existing recordings of your calm voice instead (and, with
    --soft, --comfortable and --projected, of the text read at those efforts).
    Every baseline is kept; the newest is the target. Calibrate again when you change microphone.
    """
    efforts = {name: path for name, path in (("soft", soft), ("comfortable", comfortable),
                                             ("projected", projected)) if path is not None}
    if from_files and not files:
        raise click.UsageError("--from needs at least one recording, e.g. levelvoice calibrate --from calm.wav")
    if files and not from_files:
        raise click.UsageError("to build the baseline from recordings, put --from before them: "
                               "levelvoice calibrate --from " + " ".join(str(f) for f in files))
    if efforts and not from_files:
        raise click.UsageError("--soft, --comfortable and --projected go with --from, e.g. levelvoice calibrate "
                               "--from calm.wav --soft soft.wav --comfortable usual.wav --projected loud.wav")
    if efforts and len(efforts) < 3:
        missing = [name for name in ("soft", "comfortable", "projected") if name not in efforts]
        raise click.UsageError(f"the effort readings come as three: add --{' and --'.join(missing)}")
    from trainer.session import Practice
    from trainer.session.calibration import baseline_from_files, calibration_report

    practice = Practice.open()
    if files:
        baseline = baseline_from_files(practice, files, efforts or None)
        click.echo(calibration_report(baseline))
        return
    click.echo("Your target is your own calm voice. Answer three everyday questions for about 20 seconds each,\n"
               "in the voice you use with a client on a good day; then read a short text three times.")
    from trainer import paths
    from trainer.cli.interrupts import Interrupts

    with Interrupts() as interrupts:
        try:
            _level_check(practice, interrupts)
            answers = [_record(practice, interrupts, i, prompt)
                       for i, prompt in enumerate(practice.calibration_prompts())]
            readings = _readings(practice, interrupts)
        except _Stopped:
            kept = paths.data_dir() / "calibration"
            previous = "your previous baseline is still the target" if practice.store.latest_baseline() \
                else "no baseline was saved"
            click.echo(f"\nStopped: calibration not finished; {previous}. Your recorded answers are kept in {kept}.",
                       err=True)
            raise click.exceptions.Exit(interrupts.exit_code) from None
    click.echo("\n" + practice.save_calibration(answers, readings))
