"""`levelvoice bench-audio`: does recording stay clean while the previous take is analysed?

Records from the chosen microphone for a few minutes while another thread analyses a
previous take over and over (the heaviest thing the app does during a take), then prints
the input overflows (must be 0), the audio callback's worst-case duration, the rate of
live-meter updates and what the live thread's work (speech detector with its pitch, meter)
costs: its share of one core and its worst block. The recording goes to a temporary
private file, deleted after.
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from pathlib import Path

import click
import numpy as np


def _previous_take() -> tuple[np.ndarray, int, str]:
    """The newest saved take, or 20 s of a voice-like test signal when there is none."""
    from trainer import paths
    from trainer.media import read_audio

    folder = paths.takes_dir()
    takes = sorted(folder.rglob("*.flac"), key=lambda p: p.stat().st_mtime) if folder.is_dir() else []
    if takes:
        audio = read_audio(takes[-1], mono=True)
        return audio.samples, audio.rate, str(takes[-1])
    rate = 16000
    t = np.arange(20 * rate) / rate
    f0 = 140 + 20 * np.sin(2 * np.pi * 0.3 * t)
    phase = 2 * np.pi * np.cumsum(f0) / rate
    voice = sum(np.sin(k * phase) / k for k in range(1, 12)) * (0.5 + 0.5 * np.sin(2 * np.pi * 2.5 * t) ** 2)
    noise = np.random.default_rng(0).normal(0, 0.01, len(t))
    return (0.1 * voice + noise).astype(np.float32), rate, "a generated voice-like signal"


def _analysis_pass():
    """One full analysis of a take, with transcription: the heaviest thing the app does during a take."""
    from trainer.analysis import Transcriber, analyze

    transcriber = Transcriber()
    return "trainer.analysis.analyze (with transcription)", lambda samples, rate: analyze(
        samples, rate, transcriber=transcriber)


@click.command("bench-audio")
@click.option("--minutes", type=click.FloatRange(0.05, 60), default=5.0, show_default=True,
              help="How long to record.")
@click.option("--no-load", is_flag=True, help="Record without analysing anything at the same time.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def bench_audio(minutes: float, no_load: bool, as_json: bool) -> None:
    """Record for a while under analysis load; print overflows, callback time and live-meter rate."""
    from trainer import config, paths
    from trainer.audio.recorder import Recorder

    settings = config.load()
    stop = threading.Event()
    passes = 0
    load_name = "none"
    load_error: list[str] = []

    def analyse_forever(run, samples, rate) -> None:
        nonlocal passes
        while not stop.is_set():
            try:
                run(samples, rate)
            except Exception as err:  # report, do not crash the benchmark
                load_error.append(f"{type(err).__name__}: {err}")
                return
            passes += 1

    live_times: list[float] = []
    folder = paths.ensure_private_dir(paths.cache_dir())
    with tempfile.TemporaryDirectory(dir=folder) as scratch:
        recorder = Recorder(Path(scratch) / "bench.flac", device=settings.input_device,
                            samplerate=settings.sample_rate, on_live=lambda _level: live_times.append(time.monotonic()))
        worker = None
        if not no_load:
            samples, rate, source = _previous_take()
            load_name, run = _analysis_pass()
            load_name = f"{load_name} of {source}"
            worker = threading.Thread(target=analyse_forever, args=(run, samples, rate), daemon=True)
        recorder.start()
        started = time.monotonic()
        if worker is not None:
            worker.start()
        try:
            while time.monotonic() - started < minutes * 60 and not recorder.ended:
                time.sleep(0.2)
        finally:
            stop.set()
            recording = recorder.stop()
            if worker is not None:
                worker.join()
    wall = time.monotonic() - started
    gaps = np.diff(live_times) if len(live_times) > 1 else np.zeros(1)
    figures = {
        "recorded_s": round(recording.duration_s, 2),
        "rate_hz": recording.rate,
        "overflows": recording.overflows,
        "callback_worst_ms": round(recorder.max_callback_s * 1000, 3),
        "live_updates_per_s": round(len(live_times) / wall, 2),
        "live_longest_gap_ms": round(float(gaps.max()) * 1000, 1),
        "live_work_percent": round(100 * recorder.live_work_s / wall, 2),
        "live_work_worst_ms": round(recorder.max_live_work_s * 1000, 2),
        "analysis": load_name,
        "analysis_passes": passes,
        "problems": [m for m in [recording.message, *load_error] if m],
    }
    if as_json:
        click.echo(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            click.echo(f"{key}: {value}")
    if recording.overflows or figures["problems"]:
        raise click.exceptions.Exit(1)
