"""`levelvoice devices`: the microphones and speakers PortAudio can see."""

from __future__ import annotations

import json

import click


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def devices(as_json: bool) -> None:
    """List input and output devices; * marks the default."""
    from trainer.audio.devices import list_devices

    found = list_devices()
    if as_json:
        click.echo(json.dumps([d.to_dict() for d in found], indent=2))
        return
    for title, kind in (("Microphones (input)", "input"), ("Speakers (output)", "output")):
        click.echo(title)
        rows = [d for d in found if (d.is_input if kind == "input" else d.is_output)]
        if not rows:
            click.echo("    none found")
        for d in rows:
            mark = "*" if (d.is_default_input if kind == "input" else d.is_default_output) else " "
            channels = d.max_input_channels if kind == "input" else d.max_output_channels
            click.echo(f"  {mark} {d.index:>3}  {d.name:<40} {d.hostapi:<6} {channels:>3} ch  {d.default_samplerate:>7.0f} Hz")
    click.echo("* = default. Pick another with: levelvoice config set input_device NAME_OR_NUMBER")
