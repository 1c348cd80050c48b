"""`levelvoice bench`: how fast the analysis is on this computer, next to a naive pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import click

LABELS = {
    "audio_s": "take length (s)",
    "acoustic_ms": "acoustic measures",
    "transcript_ms": "transcript with word times",
    "total_ms": "whole analysis, all after the take",
    "transcript_after_end_ms": "transcript ready after the take ends (phrases transcribed while speaking)",
    "total_after_end_ms": "whole result ready after the take ends (same)",
    "naive_acoustic_ms": "naive acoustic part (librosa.pyin + RMS)",
    "naive_ms": "naive pipeline (pyin, then transcription)",
    "praat_pitch_ms": "Praat pitch (when praat-parselmouth is installed)",
    "pitch_ms": "our pitch tracker alone",
    "swift_f0_pitch_ms": "SwiftF0 pitch alone (when swift-f0 is installed)",
    "voice_quality_ms": "voice quality alone (alpha ratio, Hammarberg, slopes, CPPS; part of acoustic)",
    "praat_cpps_ms": "Praat CPPS alone (when praat-parselmouth is installed)",
    "cold_first_ms": "first analysis in a fresh process (imports, model load)",
    "cold_acoustic_ms": "first acoustic pass in a fresh process",
    "after_warm_up_acoustic_ms": "first acoustic pass after warm_up()",
    "naive_cold_acoustic_ms": "first naive acoustic pass (numba compiles)",
    "acoustic_speedup": "acoustic speed-up over naive (x)",
    "total_speedup": "whole-analysis speed-up over naive (x)",
    "load_average_1m": "machine load average (1 min)",
}


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--speech", "speech_dir", type=click.Path(path_type=Path), default=None,
              help="Folder of speech recordings to build the take from (default: the source tree's tests/data/speech).")
@click.option("--runs", type=click.IntRange(1, 50), default=3, show_default=True, help="Runs per figure (medians).")
@click.option("--rate", type=click.IntRange(8000, 192000), default=48000, show_default=True,
              help="Sample rate of the take, as a microphone would record it.")
@click.option("--model", metavar="NAME_OR_PATH", default=None, help="Transcription model (default: bundled tiny.en).")
@click.option("--no-live", is_flag=True, help="Skip the real-time phrase-by-phrase takes (20 s each).")
def bench(as_json: bool, speech_dir: Path | None, runs: int, rate: int, model: str | None, no_live: bool) -> None:
    """Time the analysis of a 20 s take of real speech; medians in milliseconds.

    Timings depend on what else the computer is doing; the load average is printed too.
    """
    from trainer.analysis.benchmark import run

    def progress(message: str) -> None:
        click.echo(f"bench: {message} ...", err=True)

    result = run(speech_dir, runs=runs, rate=rate, model=model, live=not no_live, progress=progress)
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    for key, value in result.items():
        if key in ("rate_hz", "runs"):
            continue
        shown = "n/a" if value is None else value
        click.echo(f"{LABELS.get(key, key):<75} {shown}")
    click.echo(f"(medians of {runs} runs on a {result['audio_s']} s take at {rate} Hz)")
