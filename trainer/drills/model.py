"""What a drill is: a short, difficult client clip and what to practise with it.

Plain frozen dataclasses and the fixed vocabularies (challenge types, difficulty
levels). No file access here; `loader` reads and validates `drill.toml` files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

# challenge id -> label shown to the therapist; the order is the library's order
CHALLENGES: dict[str, str] = {
    "anger": "Hostile anger at you",
    "contempt": "Contempt or dismissal",
    "withdrawal": "Withdrawal and long silences",
    "despair": "Despair and hopelessness",
    "competence": "Your competence questioned",
    "anxious": "An anxious, rapid client",
    "other": "Another difficult moment",
}

DIFFICULTIES = ("beginner", "intermediate", "advanced")

Source = Literal["bundled", "imported"]


@dataclass(frozen=True)
class TargetOffsets:
    """How this drill shifts the therapist's target from their calm baseline.

    The practice engine adds these to the baseline: `loudness_db` in dB, `pitch_st` in
    semitones, `pace_ratio` multiplies the baseline pace (0.9 = a little slower).
    """

    loudness_db: float = 0.0
    pitch_st: float = 0.0
    pace_ratio: float = 1.0


@dataclass(frozen=True)
class Delivery:
    """How `levelvoice drills render` speaks a bundled drill's transcript.

    `voice` names the client's voice (`trainer.drills.voices`). `length_scale` is piper's
    phoneme length (below 1 is faster), `sentence_pause_s` the silence between sentences,
    `phrase_pause_s` silence added to each pause inside a sentence (at commas), `level_dbfs`
    the RMS level of the speech (silences excluded), `pitch_st` a pitch shift in semitones,
    `pitch_range` scales the pitch contour around its mean (1.5 = half as wide again),
    `tilt_db` raises (tense) or lowers (lax) the high frequencies, `breathiness` mixes in
    breath noise (0..1), `noise_scale` is piper's random variation (0: every render the
    same), `lead_in_s` the silence before the first word. The defaults are a neutral reading.
    """

    voice: str | None = None  # None: the reader as he is
    length_scale: float = 1.0
    sentence_pause_s: float = 0.4
    phrase_pause_s: float = 0.0
    level_dbfs: float = -22.0
    pitch_st: float = 0.0
    pitch_range: float = 1.0
    tilt_db: float = 0.0
    breathiness: float = 0.0
    noise_scale: float = 0.0  # 0: piper's mean reading, the same every time
    lead_in_s: float = 0.3


@dataclass(frozen=True)
class Drill:
    """One drill: the client's clip, what it is about and what to practise."""

    id: str
    title: str
    transcript: str
    situation: str  # one line: who the client is, what just happened
    challenge: str  # a key of CHALLENGES
    difficulty: str  # one of DIFFICULTIES
    skill_focus: str
    offsets: TargetOffsets
    clip_path: Path
    duration_s: float | None
    credits: str
    licence: str
    source: Source
    voice: str | None = None  # the bundled client's voice (`[render] voice`); None for imported clips

    @property
    def challenge_label(self) -> str:
        return CHALLENGES[self.challenge]

    @property
    def voice_label(self) -> str:
        """Who the client sounds like, e.g. "woman, about 30"; empty when unknown (imported clips)."""
        from trainer.drills.voices import voice_label

        return voice_label(self.voice)

    @property
    def folder(self) -> Path:
        return self.clip_path.parent

    @property
    def toml_path(self) -> Path:
        return self.clip_path.parent / "drill.toml"
