"""`levelvoice doctor`: checks that everything needed for practice works, with fixes."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass

import click

from trainer.errors import TrainerError


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str  # what was found, or what is wrong and how to fix it


def _run(name: str, probe: Callable[[], str]) -> Check:
    try:
        return Check(name, True, probe())
    except TrainerError as err:
        return Check(name, False, str(err))
    except Exception as err:  # doctor must report, never crash
        return Check(name, False, f"{type(err).__name__}: {err}. Run `levelvoice --debug doctor` for details.")


def _settings():
    from trainer import config

    return config.load()


def _check_settings() -> str:
    from trainer import paths

    _settings()
    return f"{paths.config_file()} (defaults where absent)"


def _check_portaudio() -> str:
    from trainer.audio.portaudio import version

    return version()


def _check_input() -> str:
    from trainer.audio.devices import probe_input

    result = probe_input(_settings().input_device)
    return f"{result.device.name} ({result.samplerate:.0f} Hz)"


def _check_output() -> str:
    from trainer.audio.devices import probe_output

    result = probe_output(_settings().output_device)
    return f"{result.device.name} ({result.samplerate:.0f} Hz)"


def _check_watch() -> str:
    from trainer.audio.pulse_watch import sound_server

    server = sound_server()
    if server:
        return f"{server} answers, so an unplugged microphone is noticed at once"
    return "no PulseAudio or PipeWire here; PortAudio reports an unplugged microphone"


def _check_model() -> str:
    from trainer.analysis import model

    name = _settings().transcription_model
    model.load(name)
    return f"{model.resolve(name).name}, loaded offline"


def _check_data_folder() -> str:
    import shutil

    from trainer import paths
    from trainer.errors import DataFolderError

    folder = paths.ensure_data_dir()
    probe = folder / ".doctor-write-test"
    try:
        with paths.private_open(probe) as handle:
            handle.write(b"ok")
        probe.unlink()
    except OSError as err:
        raise DataFolderError(f"Cannot write in the data folder {folder}: {err.strerror or err}. Free some space or fix its permissions.") from err
    problems = paths.check_private(folder)
    if problems:
        raise DataFolderError(
            f"The data folder is not private: {problems[0]}. Fix it with: chmod -R go-rwx {folder}"
        )
    free_mb = shutil.disk_usage(folder).free // 2**20
    return f"{folder} (private, writable; {free_mb} MB free)"


CHECKS: list[tuple[str, Callable[[], str]]] = [
    ("Settings", _check_settings),
    ("PortAudio", _check_portaudio),
    ("Microphone", _check_input),
    ("Speaker", _check_output),
    ("Unplug detection", _check_watch),
    ("Transcription model", _check_model),
    ("Data folder", _check_data_folder),
]


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.pass_context
def doctor(ctx: click.Context, as_json: bool) -> None:
    """Check sound devices, the offline model and the data folder; exit 1 if any check fails."""
    results = [_run(name, probe) for name, probe in CHECKS]
    if as_json:
        click.echo(json.dumps([asdict(r) for r in results], indent=2))
    else:
        for r in results:
            click.echo(f"{'ok  ' if r.ok else 'FAIL'}  {r.name:<20} {r.detail}")
        failed = sum(not r.ok for r in results)
        click.echo("All checks passed." if not failed else f"{failed} check(s) failed; follow the advice above.")
    ctx.exit(0 if all(r.ok for r in results) else 1)
