"""`levelvoice analyze FILE...`: loudness, pitch and pace of recorded takes."""

from __future__ import annotations

import json
from pathlib import Path

import click

from trainer.errors import AudioFileError


def _say(message: str) -> None:
    click.echo(f"levelvoice: {message}", err=True)


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.0f} %"


def _num(value: float | int | None, fmt: str, unit: str = "") -> str:
    return "n/a" if value is None else f"{value:{fmt}}{unit}"


def _pace_text(features) -> str:
    """The take's own pace: syllables per second of speech, and what counted them."""
    from trainer.practice.pace import own_pace

    pace = own_pace(features)
    return "pace not measured" if pace is None else f"pace {pace[0]:.1f} syllables/s of speech ({pace[1]})"


def report(name: str, features, comparison=None) -> str:
    """A short human-readable report of one take."""
    f = features
    lines = [f"{name}  ({f.duration_s:.1f} s)"]
    if f.speech_s > 0:
        lines.append(f"  Speech      {f.speech_s:.1f} s, from {f.onset_s:.2f} s to {f.offset_s:.2f} s; "
                     f"pauses {_percent(f.pause_ratio)} of that span")
        lines.append(f"  Loudness    {_num(f.loudness_dbfs, '.1f', ' dBFS')} while speaking "
                     f"({_num(f.loudness_lufs, '.1f', ' LUFS')} integrated), varies by "
                     f"{_num(f.loudness_sd_db, '.1f', ' dB')} (SD); peak {_num(f.peak_dbfs, '.1f', ' dBFS')}")
        lines.append(f"  Pitch       median {_num(f.pitch_median_hz, '.0f', ' Hz')} "
                     f"({_num(f.pitch_median_st, '+.1f', ' st')} re 100 Hz), range {_num(f.pitch_range_st, '.1f', ' st')} "
                     f"(10-90 %), SD {_num(f.pitch_sd_st, '.1f', ' st')}, voiced {_percent(f.voiced_ratio)}")
        lines.append(f"  Pace        {_pace_text(f)}; {_num(f.wpm, '.0f', ' words/min')} while speaking, "
                     f"{_num(f.words, 'd', ' words')}, {_num(f.fillers, 'd', ' fillers')} (um, uh)")
        if f.transcript is not None:
            lines.append(f"  Transcript  {f.transcript or '(no words recognised)'}")
    else:
        lines.append(f"  Loudness    {_num(f.loudness_lufs, '.1f', ' LUFS')} integrated; "
                     f"peak {_num(f.peak_dbfs, '.1f', ' dBFS')}")
    if comparison is not None:
        c = comparison
        lines.append(f"  vs baseline loudness {_num(c.loudness_db, '+.1f', ' dB')}, pitch {_num(c.pitch_st, '+.1f', ' st')}, "
                     f"range {_num(c.pitch_range_st, '+.1f', ' st')}, {c.pace_text}")
    for warning in f.warnings:
        lines.append(f"  Warning     {warning}")
    return "\n".join(lines)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=True))
@click.option("--json", "as_json", is_flag=True, help="Print JSON: one object per file (a list for several).")
@click.option("--model", metavar="NAME_OR_PATH", default=None,
              help="Transcription model: tiny.en (bundled), another faster-whisper model on this computer, "
                   "or a model folder. Default: the transcription_model setting.")
@click.option("--baseline", metavar="FILE", type=click.Path(path_type=Path), default=None,
              help="A calm reference take: also print each file's difference from it.")
@click.option("--no-transcript", is_flag=True, help="Skip the transcript (acoustic measures only, faster).")
@click.pass_context
def analyze(ctx: click.Context, files: tuple[Path, ...], as_json: bool, model: str | None,
            baseline: Path | None, no_transcript: bool) -> None:
    """Measure loudness, pitch and pace of recorded takes (WAV, FLAC, OGG, MP3, M4A or a video's sound).

    A file that cannot be read gets one line on stderr; the others are still analysed,
    and the exit status is 2.
    """
    from trainer.analysis import acoustic_features, analyze as analyze_take, compare
    from trainer.analysis.transcribe import Transcriber
    from trainer.media import read_audio

    if model is None and not no_transcript:
        from trainer import config

        model = config.load().transcription_model
    transcriber = None if no_transcript else Transcriber(model)

    def measure(path: Path):
        audio = read_audio(path)
        if transcriber is None:
            return acoustic_features(audio.samples, audio.rate)
        return analyze_take(audio.samples, audio.rate, transcriber=transcriber)

    reference = measure(baseline) if baseline is not None else None  # a bad baseline stops here (exit 2)
    status = 0
    results = []
    for path in files:
        try:
            features = measure(path)
        except AudioFileError as err:
            _say(str(err))
            status = 2
            continue
        comparison = compare(features, reference) if reference is not None else None
        if as_json:
            from trainer.practice.pace import own_pace

            pace = own_pace(features)
            item = {"file": str(path), **features.to_dict(),
                    "pace": None if pace is None else {"syllables_per_s": pace[0], "counted": pace[1]}}
            if comparison is not None:
                item["baseline"] = {"file": str(baseline), **comparison.to_dict()}
            results.append(item)
        else:
            if results:
                click.echo()
            click.echo(report(str(path), features, comparison))
            results.append(features)
    if as_json and results:
        click.echo(json.dumps(results[0] if len(files) == 1 else results, indent=2))
    ctx.exit(status)
