"""Calibration: the therapist's own calm voice becomes the target.

A level check first (is the microphone too quiet, too loud, or silent?), then three
spontaneous answers of about 20 s to neutral prompts, measured and combined into a
`Baseline` (trainer.practice.baseline). Recordings stay in the private data folder.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from trainer import paths
from trainer.errors import CalibrationError

Post = Callable[[Any], None]

PROMPTS = (
    "Describe your morning so far, from waking up until now.",
    "Tell me about a place where you like to walk or sit, and what it looks like.",
    "Describe how you make a meal you often cook.",
    "What did you do last weekend?",
    "Describe the room you are sitting in right now.",
    "Tell me about a book, film or series you enjoyed recently.",
    "How would you explain your route to work to someone new in town?",
)
ANSWERS = 3
LEVEL_CHECK_S = 4.0
TOO_QUIET_DBFS = -42.0
TOO_LOUD_PEAK_DBFS = -1.0
ANSWER_HANGOVER_S = 3.0  # a calm answer has thinking pauses: wait longer before ending it
ANSWER_MAX_S = 35.0


def prompts_for(day: dt.date) -> list[str]:
    """Three different prompts, changing from day to day."""
    start = day.toordinal() % len(PROMPTS)
    return [PROMPTS[(start + i * 2) % len(PROMPTS)] for i in range(ANSWERS)]


@dataclass(frozen=True)
class LevelCheck:
    ok: bool
    level_dbfs: float | None
    message: str


@dataclass(frozen=True)
class CalibrationAnswer:
    path: Path
    features: Any  # TakeFeatures

    @property
    def summary(self) -> str:
        f = self.features
        parts = [f"{f.speech_s:.0f} s of speech", f"{f.loudness_dbfs:.0f} dBFS"]
        if f.pitch_median_hz:
            parts.append(f"pitch {f.pitch_median_hz:.0f} Hz")
        if f.wpm:
            parts.append(f"{f.wpm:.0f} words/min")
        return "Answer measured: " + ", ".join(parts) + "."


def judge_level(features) -> LevelCheck:
    """Is this a usable microphone level? One sentence either way."""
    if features.speech_s < 0.5 or features.loudness_dbfs is None:
        return LevelCheck(False, None, "I didn't hear you. Check that the microphone is on and is the one chosen "
                                       "in the settings, then try again.")
    level = features.loudness_dbfs
    if features.clipping or (features.peak_dbfs is not None and features.peak_dbfs > TOO_LOUD_PEAK_DBFS):
        return LevelCheck(False, level, "Too loud: the sound clips. Move the microphone a little further away or "
                                        "lower its input level, then try again.")
    if level < TOO_QUIET_DBFS:
        return LevelCheck(False, level, f"Too quiet ({level:.0f} dBFS while speaking). Move closer to the microphone "
                                        "or raise its input level, then try again.")
    return LevelCheck(True, level, f"The level is good ({level:.0f} dBFS while speaking).")


def level_check(practice, *, post: Post, stop: threading.Event, seconds: float = LEVEL_CHECK_S,
                device: str | None = None) -> LevelCheck:
    """Record a few seconds of normal speech and judge the microphone level (`device`: the chosen one)."""
    from trainer.analysis import acoustic_features
    from trainer.audio.events import Live
    from trainer.audio.recorder import Recorder
    from trainer.media import read_audio

    path = paths.ensure_private_dir(paths.cache_dir()) / "level-check.flac"
    device = practice.settings.input_device if device is None else device
    recorder = Recorder(path, device=device, samplerate=practice.settings.sample_rate,
                        on_live=lambda level: post(Live(level)))
    recorder.start()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not stop.is_set() and not recorder.ended:
        time.sleep(0.05)
    recording = recorder.stop()
    try:
        audio = read_audio(recording.path, mono=True)
        return judge_level(acoustic_features(audio.samples, audio.rate))
    finally:
        recording.path.unlink(missing_ok=True)


def _silence(rate: int = 16000, seconds: float = 0.05):
    from trainer.media import Audio

    return Audio(np.zeros(int(rate * seconds), dtype=np.float32), rate)


def record_answer(practice, index: int, *, post: Post, stop: threading.Event) -> CalibrationAnswer:
    """Record one calm answer until the person stops speaking, and measure it.

    Raises `CalibrationError` when nothing was heard, or too little speech to measure, so
    that this one question can be asked again (the recording is kept either way).
    """
    from trainer.analysis import analyze
    from trainer.audio.events import PhraseFinished
    from trainer.audio.trial import run_trial
    from trainer.media import read_audio
    from trainer.practice.baseline import MIN_SPEECH_S

    moment = practice.now().astimezone(practice.tz)
    folder = paths.ensure_private_dir(paths.data_dir() / "calibration")
    path = folder / f"{moment.strftime('%Y-%m-%d-%H%M%S')}-answer{index + 1}.flac"
    settings = practice.settings
    trial = run_trial(
        _silence(), path, input_device=settings.input_device, output_device=settings.output_device, cue=False,
        hangover_s=ANSWER_HANGOVER_S, max_s=ANSWER_MAX_S, no_response_s=10.0, stop=stop,
        samplerate=settings.sample_rate,
        on_event=lambda event: None if isinstance(event, PhraseFinished) else post(event),
    )
    if trial.no_response:
        raise CalibrationError(trial.message or "No answer heard: check the microphone.")
    if trial.stopped_by == "device_lost":  # the real reason, not "too little speech"
        raise CalibrationError(trial.message or "A sound device went away during the answer.")
    audio = read_audio(trial.take_path, mono=True)
    features = analyze(audio.samples, audio.rate, transcriber=practice.transcriber())
    if features.speech_s < MIN_SPEECH_S or features.loudness_dbfs is None:
        raise CalibrationError(f"I heard only {features.speech_s:.1f} s of speech in that answer; at least "
                               f"{MIN_SPEECH_S:.0f} s are needed, so speak for about 20 seconds.")
    return CalibrationAnswer(Path(trial.take_path), features)


def save_baseline(practice, answers: Sequence[CalibrationAnswer]):
    """Combine the answers into a baseline and store it (every baseline is kept; the newest is used)."""
    from trainer.practice.baseline import build_baseline

    baseline = build_baseline([a.features for a in answers], device=practice.input_device_name,
                              created_at=practice.now(), sources=[str(a.path) for a in answers])
    return practice.store.add_baseline(baseline)


def baseline_from_files(practice, files: Sequence[Path | str]):
    """A baseline from existing recordings of the therapist's calm voice."""
    from trainer.analysis import analyze
    from trainer.media import read_audio

    answers = []
    for file in files:
        audio = read_audio(file, mono=True)
        answers.append(CalibrationAnswer(Path(file), analyze(audio.samples, audio.rate,
                                                             transcriber=practice.transcriber())))
    return save_baseline(practice, answers)


def describe_baseline(baseline) -> str:
    """The baseline in one plain sentence."""
    parts = [f"loudness {baseline.loudness_dbfs:.1f} dBFS"]
    if baseline.pitch_median_st is not None:
        hz = 100 * 2 ** (baseline.pitch_median_st / 12)
        parts.append(f"pitch {hz:.0f} Hz ({baseline.pitch_median_st:+.1f} st re 100 Hz)")
    if baseline.pitch_range_st is not None:
        parts.append(f"range {baseline.pitch_range_st:.1f} st")
    pace = baseline.syllable_rate or baseline.articulation_rate
    if pace is not None:
        parts.append(f"pace {pace:.1f} syllables/s")
    if baseline.wpm is not None:
        parts.append(f"{baseline.wpm:.0f} words/min")
    return f"Your calm baseline: {', '.join(parts)} (microphone: {baseline.device})."
