"""`levelvoice config`: show and change settings."""

from __future__ import annotations

import dataclasses
import tomllib

import click


@click.group()
def config() -> None:
    """Show or change settings (stored in config.toml)."""


@config.command("show")
def show() -> None:
    """Print every setting with its current value."""
    from trainer import config as settings_file
    from trainer import paths

    click.echo(f"# {paths.config_file()}")
    click.echo(settings_file.dumps(settings_file.load()), nl=False)


@config.command("path")
def path() -> None:
    """Print where the settings file is."""
    from trainer import paths

    click.echo(str(paths.config_file()))


@config.command("set")
@click.argument("key")
@click.argument("value")
def set_value(key: str, value: str) -> None:
    """Set KEY to VALUE, e.g. `levelvoice config set daily_goal_minutes 20`."""
    from trainer import config as settings_file
    from trainer.errors import ConfigError

    current = settings_file.load()
    if key not in {f.name for f in dataclasses.fields(current)}:
        settings_file.validate({key: value})  # raises the standard unknown-key error
    default = getattr(settings_file.Settings(), key)
    if isinstance(default, str):
        parsed = value
    else:
        try:
            parsed = tomllib.loads(f"v = {value}")["v"]
        except tomllib.TOMLDecodeError:
            kind = {bool: "true or false", int: "a whole number", float: "a number"}[type(default)]
            raise ConfigError(f"Setting '{key}' needs {kind}, not {value!r}.") from None
    updated = settings_file.update(current, **{key: parsed})
    where = settings_file.save(updated)
    click.echo(f"{key} = {settings_file.toml_value(getattr(updated, key))}  (saved in {where})")
    if key in DEVICE_KINDS and str(parsed).strip():
        warning = _device_warning(str(parsed), DEVICE_KINDS[key])
        if warning:
            click.echo(warning, err=True)


DEVICE_KINDS = {"input_device": "input", "output_device": "output"}


def _device_warning(spec: str, kind: str) -> str | None:
    """None when a connected device matches `spec`; else a warning that lists the ones there are.

    The setting is saved all the same: the device may be plugged in later.
    """
    from trainer.audio.devices import list_devices, resolve
    from trainer.errors import AudioDeviceError

    noun = "microphone" if kind == "input" else "speaker"
    try:
        resolve(spec, kind=kind)
        return None
    except AudioDeviceError:
        pass
    try:
        found = [d for d in list_devices() if (d.is_input if kind == "input" else d.is_output)]
    except AudioDeviceError as err:
        return f"levelvoice: warning: could not check the {noun}s ({err})"
    names = "\n".join(f"  {d.index:>3}  {d.name}" for d in found) or "  (none)"
    return (f"levelvoice: warning: no {noun} called '{spec}' is connected now; saved anyway (it is used once it is "
            f"plugged in). The {noun}s there are now:\n{names}")


@config.command("reset")
@click.option("--yes", is_flag=True, help="Reset without asking.")
def reset(yes: bool) -> None:
    """Go back to the default settings; the old file is kept as a backup beside it."""
    from trainer import config as settings_file
    from trainer import paths

    where = paths.config_file()
    if where.exists() and not yes and not click.confirm(
            f"Reset every setting to its default? {where} is kept as a backup.", default=True):
        click.echo("Nothing changed.")
        return
    backup = settings_file.reset()
    kept = f"; your old file is kept as {backup}" if backup else ""
    click.echo(f"Settings are back to their defaults in {where}{kept}.")
