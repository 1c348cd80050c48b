"""`levelvoice take`: one headless trial from the command line (scripts, SSH, tests)."""

from __future__ import annotations

import json
import sys
import threading
from datetime import datetime
from pathlib import Path

import click

from trainer.errors import TrainerError


def _default_take_path() -> Path:
    from trainer import paths

    now = datetime.now()
    paths.ensure_private_dir(paths.takes_dir())
    folder = paths.ensure_private_dir(paths.takes_dir() / now.strftime("%Y-%m-%d"))
    return folder / f"take-{now.strftime('%H%M%S')}-{now.microsecond // 1000:03d}.flac"


def _recover_interrupted() -> None:
    """Close takes a crash left behind, before recording a new one (they are kept, never dropped)."""
    from trainer import paths
    from trainer.audio.recovery import find_interrupted, recover

    for partial in find_interrupted(paths.takes_dir()):
        try:
            recording = recover(partial)
            click.echo(f"levelvoice: recovered an interrupted take ({recording.duration_s:.1f} s): "
                       f"{recording.path}", err=True)
        except TrainerError as err:
            click.echo(f"levelvoice: {err}", err=True)


def _progress_printer(enabled: bool):
    from trainer.audio.events import SpeechStarted, Stopped, YourTurn

    def on_event(event) -> None:
        if not enabled:
            return
        if isinstance(event, YourTurn):
            click.echo("Your turn: answer now.", err=True)
        elif isinstance(event, SpeechStarted):
            click.echo("Listening...", err=True)
        elif isinstance(event, Stopped):
            click.echo(f"Stopped ({event.reason}).", err=True)

    return on_event


def _run_with_ctrl_c(target, stop: threading.Event):
    """Run the trial in a thread so Ctrl+C stops the take cleanly (like a key) instead of killing it."""
    outcome: dict = {}

    def body() -> None:
        try:
            outcome["result"] = target()
        except BaseException as err:  # handed back to the main thread
            outcome["error"] = err

    worker = threading.Thread(target=body, name="trial")
    worker.start()
    while worker.is_alive():
        try:
            worker.join(0.1)
        except KeyboardInterrupt:
            stop.set()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


@click.command()
@click.option("--drill", "drill_id", metavar="ID", help="Practise this drill from the library.")
@click.option("--clip", "clip_file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Play this audio or video file as the client clip.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--save", "save_path", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Save the take (FLAC) here instead of the private takes folder.")
def take(drill_id: str | None, clip_file: Path | None, as_json: bool, save_path: Path | None) -> None:
    """Play a client clip, record your answer until you stop speaking, and print the result.

    Ctrl+C ends the take early (it is kept). Exit status 1 when no answer was heard.
    """
    _recover_interrupted()
    if (drill_id is None) == (clip_file is None):
        raise click.UsageError("Give either --drill ID or --clip FILE.")
    from trainer import config
    from trainer.audio.trial import run_trial
    from trainer.media import read_audio

    settings = config.load()
    if drill_id is not None:
        from trainer.drills import get_drill

        clip = read_audio(get_drill(drill_id).clip_path)
    else:
        clip = read_audio(clip_file)
    take_path = save_path.expanduser().resolve() if save_path else _default_take_path()
    stop = threading.Event()
    result = _run_with_ctrl_c(lambda: run_trial(
        clip, take_path, input_device=settings.input_device, output_device=settings.output_device,
        samplerate=settings.sample_rate, cue=settings.cue_sound, hangover_s=settings.silence_hangover_s,
        max_s=settings.max_take_s,
        on_event=_progress_printer(not as_json and sys.stderr.isatty()), stop=stop,
    ), stop)
    values = {"drill": drill_id, "clip": str(clip_file) if clip_file else None, **result.to_dict()}
    # TODO(lead, after merging `analysis`): add the analysis of the answer here, e.g.
    #   audio = read_audio(result.take_path, start_s=result.clip_end_s, mono=True)
    #   values["analysis"] = analyze(audio.samples, audio.rate, transcriber=Transcriber()).to_dict()
    # and print it below; skip it when result.no_response is true.
    values["analysis"] = None
    if as_json:
        click.echo(json.dumps(values, indent=2))
    else:
        for key in ("take_path", "latency_s", "overlap_s", "interrupted", "overflows", "stopped_by",
                    "speech_onset_s", "speech_end_s", "clip_duration_s", "leak_detected"):
            value = values[key]
            click.echo(f"{key}: {round(value, 3) if isinstance(value, float) else value}")
    if result.no_response or result.message:
        click.echo(f"levelvoice: {result.message}", err=True)
    if result.no_response or result.stopped_by == "device_lost":
        raise click.exceptions.Exit(1)
