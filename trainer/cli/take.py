"""`levelvoice take`: one headless trial from the command line (scripts, SSH, tests).

It goes through the same session layer as the app: the take is measured, judged
against the baseline, and stored in the history.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

TRIAL_KEYS = ("take_path", "latency_s", "overlap_s", "interrupted", "overflows", "stopped_by", "speech_onset_s",
              "speech_end_s", "clip_duration_s", "leak_detected")


STOP_WORDS = {
    "silence": "you finished speaking",
    "key": "ended early",
    "interrupt": "Ctrl+C",
    "max_length": "the maximum length was reached",
    "no_response": "no answer heard",
    "device_lost": "a sound device went away",
}


def _progress_printer(failures: list):
    """What is happening, on stderr, as it happens (stdout holds only the result, or its JSON)."""
    from trainer.audio.events import PlaybackProgress, SpeechStarted, Stopped, YourTurn
    from trainer.session import AnalysisWaiting, TakeFailed

    started: list[bool] = []

    def on_event(event) -> None:
        if isinstance(event, TakeFailed):
            failures.append(event)
        if isinstance(event, PlaybackProgress) and not started:  # the first one: the devices work
            started.append(True)
            click.echo("The client is speaking... (Ctrl+C ends the take; what you said is kept)", err=True)
        elif isinstance(event, YourTurn):
            click.echo("Your turn: answer now.", err=True)
        elif isinstance(event, SpeechStarted):
            click.echo("Listening...", err=True)
        elif isinstance(event, Stopped):
            click.echo(f"Stopped ({STOP_WORDS.get(event.reason, event.reason)}). Measuring...", err=True)
        elif isinstance(event, AnalysisWaiting):
            click.echo(f"Measuring... ({event.reason})", err=True)

    return on_event


def _number(value):
    return round(value, 3) if isinstance(value, float) else value


def _print_text(values: dict, outcome) -> None:
    for key in TRIAL_KEYS:
        click.echo(f"{key}: {_number(values[key])}")
    if outcome is None:
        return
    f = outcome.features
    click.echo(f"speech: {f.speech_s:.1f} s, loudness {_number(f.loudness_dbfs)} dBFS, "
               f"pitch {_number(f.pitch_median_hz)} Hz, range {_number(f.pitch_range_st)} st, "
               f"{_number(f.wpm)} words/min while speaking, fillers {f.fillers}")
    if f.transcript:
        click.echo(f"transcript: {f.transcript}")
    if outcome.verdict is not None:
        for line in outcome.verdict.report():
            click.echo(line)
    for warning in outcome.warnings:
        click.echo(f"warning: {warning}")


@click.command()
@click.option("--drill", "drill_id", metavar="ID", help="Practise this drill from the library.")
@click.option("--clip", "clip_file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Play this audio or video file as the client clip.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--save", "save_path", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Save the take (FLAC) here instead of the private takes folder.")
def take(drill_id: str | None, clip_file: Path | None, as_json: bool, save_path: Path | None) -> None:
    """Play a client clip, record your answer until you stop speaking, measure, judge and store it.

    Ctrl+C (or SIGTERM) ends the take early: it is kept, stored and printed, and the exit
    status is 130 (143). Exit status 1 when no answer was heard or a sound device went away.
    """
    from trainer.cli.interrupts import Interrupts
    from trainer.terminal import c_chatter_to_log

    with Interrupts() as interrupts, c_chatter_to_log():
        _take(interrupts, drill_id, clip_file, as_json, save_path)
    if interrupts.exit_code is not None:
        raise click.exceptions.Exit(interrupts.exit_code)


def _take(interrupts, drill_id: str | None, clip_file: Path | None, as_json: bool, save_path: Path | None) -> None:
    from trainer.audio.trial import Stop
    from trainer.session import Practice
    from trainer.session.takes import ClipDrill

    practice = Practice.open()
    for recording in practice.recover_interrupted():
        click.echo(f"levelvoice: recovered an interrupted take ({recording.duration_s:.1f} s) and stored it: "
                   f"{recording.path}", err=True)
    if (drill_id is None) == (clip_file is None):
        raise click.UsageError("Give either --drill ID or --clip FILE.")
    if drill_id is not None:
        drill = practice.drill(drill_id)
    else:
        from trainer.media import probe_duration

        probe_duration(clip_file)  # a missing or broken file fails here, with its one-line error
        drill = ClipDrill.from_file(clip_file.expanduser().resolve())
    if save_path is not None:
        from trainer import paths

        save_path = save_path.expanduser().resolve()
        paths.ensure_private_dir(save_path.parent)
    stop = Stop()
    failures: list = []
    practice.begin_practice()  # the take's own time counts as practice
    post = _progress_printer(failures)
    try:
        outcome = interrupts.run(lambda: practice.run_take(drill, post=post, stop=stop, take_path=save_path), stop)
    finally:
        practice.close()
    if outcome is not None:
        values = {"drill": drill_id, "clip": str(clip_file) if clip_file else None, **outcome.to_dict()}
        trial = outcome.trial
    else:
        trial = failures[-1].trial
        values = {"drill": drill_id, "clip": str(clip_file) if clip_file else None, "take_id": None,
                  **trial.to_dict(), "analysis": None, "verdict": None, "warnings": []}
    if as_json:
        click.echo(json.dumps(values, indent=2))
    else:
        _print_text(values, outcome)
    if trial.no_response or trial.message:
        click.echo(f"levelvoice: {trial.message}", err=True)
    if interrupts.exit_code is None and (trial.no_response or trial.stopped_by == "device_lost"):
        raise click.exceptions.Exit(1)
