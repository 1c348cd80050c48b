"""The starter pack's client voices: who speaks each bundled drill.

Every voice is piper's en_US-joe-medium reader reshaped at render time with the WORLD
vocoder (`trainer.drills.vocoder`): its pitch moved by `pitch_st` semitones and its
formants stretched by `formant_scale` (a shorter vocal tract, as in women and teenagers,
raises all formants together; women's sit about 15-20 % above men's), with some breath
for older voices. A drill names its voice in drill.toml (`[render] voice = "woman-30"`).

Plain data, cheap to import: the Library shows `label` next to the challenge.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Voice:
    """One client voice, made from the bundled reader."""

    id: str
    label: str  # shown to the therapist, e.g. "woman, about 30"
    pitch_st: float  # semitones above (or below) the reader's own pitch
    formant_scale: float  # above 1: shorter vocal tract, higher formants
    breathiness: float = 0.0  # 0..1: noise mixed into the harmonics above about 1 kHz


SOURCE_VOICE = "en_US-joe-medium"

VOICES: dict[str, Voice] = {voice.id: voice for voice in (
    Voice("man-55", "man, about 55", pitch_st=-1.0, formant_scale=0.92, breathiness=0.15),
    Voice("man-35", "man, about 35", pitch_st=0.0, formant_scale=1.0),
    Voice("boy-16", "boy, about 16", pitch_st=4.0, formant_scale=1.08),
    Voice("woman-65", "woman, about 65", pitch_st=7.0, formant_scale=1.12, breathiness=0.25),
    Voice("woman-30", "woman, about 30", pitch_st=10.0, formant_scale=1.17),
    Voice("woman-22", "woman, about 22", pitch_st=12.5, formant_scale=1.22),
)}

DEFAULT_VOICE = "man-35"  # the reader as he is


def voice_label(voice_id: str | None) -> str:
    """The voice's label for the Library; empty for a drill without a rendered voice."""
    voice = VOICES.get(voice_id or "")
    return voice.label if voice else ""
