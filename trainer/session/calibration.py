"""Calibration: the therapist's own calm voice becomes the target.

A level check first (is the microphone too quiet, too loud, or silent?), then three
spontaneous answers of about 20 s to neutral prompts, then one short text read at three
efforts (soft, comfortable, projected), measured and combined into a `Baseline`
(trainer.practice.baseline; the readings set the voice's edge line, trainer.practice.edge).
Recordings stay in the private data folder.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from trainer import paths
from trainer.errors import CalibrationError
from trainer.practice.edge import EFFORTS  # the order of the readings (the screens use it from here)

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

# read at each effort; written for this project (about 12 s, mostly voiced sounds)
EFFORT_TEXT = ("When the sun comes out after the rain, the light passes through the falling drops, and a bright "
               "arc of colour appears across the sky. People stop, point it out to one another, and for a moment "
               "the whole street slows down.")
EFFORT_HOW = {
    "soft": "softly, as if to someone sitting right beside you (not a whisper)",
    "comfortable": "in your comfortable voice, as if to someone across a table",
    "projected": "projected, as if to the back of a room (strong, not shouting)",
}
READING_HANGOVER_S = 2.0
READING_MAX_S = 30.0


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


@dataclass(frozen=True)
class EffortAnswer:
    """One reading of `EFFORT_TEXT` at one effort, measured."""

    effort: str
    path: Path
    features: Any  # TakeFeatures
    reading: Any  # trainer.practice.edge.EffortReading

    @property
    def summary(self) -> str:
        r = self.reading
        return (f"{self.effort.capitalize()} reading measured: {self.features.speech_s:.0f} s of speech, "
                f"{r.loudness_dbfs:.0f} dBFS, brightness (alpha ratio) {r.alpha_ratio_db:.1f} dB.")


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


def _record_alone(practice, name: str, *, hangover_s: float, max_s: float, what: str, post: Post,
                  stop: threading.Event) -> Path:
    """Record into the calibration folder (nothing played) until the speaker stops; the recording's path.

    Raises `CalibrationError` when nothing was heard or a sound device went away (the real
    reason, not "too little speech"); the recording is kept either way.
    """
    from trainer.audio.events import PhraseFinished
    from trainer.audio.trial import run_trial

    moment = practice.now().astimezone(practice.tz)
    folder = paths.ensure_private_dir(paths.data_dir() / "calibration")
    path = folder / f"{moment.strftime('%Y-%m-%d-%H%M%S')}-{name}.flac"
    settings = practice.settings
    trial = run_trial(
        _silence(), path, input_device=settings.input_device, output_device=settings.output_device, cue=False,
        hangover_s=hangover_s, max_s=max_s, no_response_s=10.0, stop=stop, samplerate=settings.sample_rate,
        on_event=lambda event: None if isinstance(event, PhraseFinished) else post(event),
    )
    if trial.no_response:
        raise CalibrationError(trial.message or f"No {what} heard: check the microphone.")
    if trial.stopped_by == "device_lost":
        raise CalibrationError(trial.message or f"A sound device went away during the {what}.")
    return Path(trial.take_path)


def record_answer(practice, index: int, *, post: Post, stop: threading.Event) -> CalibrationAnswer:
    """Record one calm answer until the person stops speaking, and measure it.

    Raises `CalibrationError` when nothing was heard, or too little speech to measure, so
    that this one question can be asked again (the recording is kept either way).
    """
    from trainer.analysis import analyze
    from trainer.media import read_audio
    from trainer.practice.baseline import MIN_SPEECH_S

    path = _record_alone(practice, f"answer{index + 1}", hangover_s=ANSWER_HANGOVER_S, max_s=ANSWER_MAX_S,
                         what="answer", post=post, stop=stop)
    audio = read_audio(path, mono=True)
    features = analyze(audio.samples, audio.rate, transcriber=practice.transcriber())
    if features.speech_s < MIN_SPEECH_S or features.loudness_dbfs is None:
        raise CalibrationError(f"I heard only {features.speech_s:.1f} s of speech in that answer; at least "
                               f"{MIN_SPEECH_S:.0f} s are needed, so speak for about 20 seconds.")
    return CalibrationAnswer(path, features)


def record_effort(practice, effort: str, *, post: Post, stop: threading.Event) -> EffortAnswer:
    """Record `EFFORT_TEXT` read at one effort until the reading ends, and measure it.

    Raises `CalibrationError` when nothing was heard or too little voice to measure, so that
    this one reading can be done again (the recording is kept either way).
    """
    from trainer.analysis import acoustic_features
    from trainer.media import read_audio
    from trainer.practice.edge import effort_reading

    path = _record_alone(practice, effort, hangover_s=READING_HANGOVER_S, max_s=READING_MAX_S, what="reading",
                         post=post, stop=stop)
    audio = read_audio(path, mono=True)
    features = acoustic_features(audio.samples, audio.rate)
    return EffortAnswer(effort, path, features, effort_reading(effort, features, path))


def save_baseline(practice, answers: Sequence[CalibrationAnswer], efforts: Sequence[EffortAnswer] = ()):
    """Combine the answers (and the effort readings) into a baseline and store it (every baseline is
    kept; the newest is used)."""
    from trainer.practice.baseline import build_baseline

    baseline = build_baseline([a.features for a in answers], device=practice.input_device_name,
                              created_at=practice.now(), sources=[str(a.path) for a in answers],
                              effort=[e.reading for e in efforts])
    return practice.store.add_baseline(baseline)


def baseline_from_files(practice, files: Sequence[Path | str], efforts: Mapping[str, Path | str] | None = None):
    """A baseline from existing recordings of the therapist's calm voice, and (optionally) of the
    effort text read softly, comfortably and projected (`efforts`: effort -> file)."""
    from trainer.analysis import acoustic_features, analyze
    from trainer.media import read_audio
    from trainer.practice.edge import effort_reading

    answers = []
    for file in files:
        audio = read_audio(file, mono=True)
        features = analyze(audio.samples, audio.rate, transcriber=practice.transcriber())
        if features.clipping:  # its loudness would be too low a target: never a baseline
            raise CalibrationError(f"{file} hits full scale (it clips), so it cannot show your calm voice; use a "
                                   "recording made a little further from the microphone.")
        answers.append(CalibrationAnswer(Path(file), features))
    readings = []
    for effort in EFFORTS if efforts else ():
        audio = read_audio(efforts[effort], mono=True)
        features = acoustic_features(audio.samples, audio.rate)
        try:
            reading = effort_reading(effort, features, efforts[effort])
        except CalibrationError as err:
            raise CalibrationError(f"{efforts[effort]}: {err}") from err
        readings.append(EffortAnswer(effort, Path(efforts[effort]), features, reading))
    return save_baseline(practice, answers, readings)


def calm_tilt(baseline) -> tuple[float | None, float | None]:
    """The calm answers' alpha ratio and spread for a baseline saved before voice quality was
    measured, from its recordings when they are still there; (None, None) otherwise."""
    from trainer.analysis import acoustic_features
    from trainer.errors import TrainerError
    from trainer.media import read_audio
    from trainer.practice.edge import TYPICAL_SLOPE, calm_point

    measured = []
    for source in baseline.sources:
        try:
            audio = read_audio(source, mono=True)
        except (TrainerError, OSError):
            continue
        measured.append(acoustic_features(audio.samples, audio.rate))
    alpha, spread = calm_point(measured, baseline.effort_slope or TYPICAL_SLOPE)
    return (None if alpha is None else round(alpha, 2)), spread


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
    if baseline.alpha_ratio_db is not None:
        from trainer.practice.edge import TYPICAL_SLOPE

        slope = baseline.effort_slope
        how = (f"rising {slope:.2f} dB per dB of loudness as your readings show" if slope is not None else
               f"rising a typical {TYPICAL_SLOPE:.1f} dB per dB of loudness")
        parts.append(f"brightness (alpha ratio) {baseline.alpha_ratio_db:.1f} dB, {how}")
    return f"Your calm baseline: {', '.join(parts)} (microphone: {baseline.device})."


def calibration_report(baseline) -> str:
    """The baseline in one sentence, then what to fix in the effort readings, if anything."""
    from trainer.practice.edge import effort_warning

    warning = effort_warning(baseline)
    return describe_baseline(baseline) + ("" if warning is None else f"\n{warning}")
