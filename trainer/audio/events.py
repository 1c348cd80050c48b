"""What a running trial reports, as small frozen values (the TUI and the session consume them)."""

from __future__ import annotations

from dataclasses import dataclass
import numpy as np


@dataclass(frozen=True)
class LiveLevel:
    """The microphone right now: level, pitch (None when unvoiced) and whether speech is going on."""

    t_s: float  # position in the take
    level_dbfs: float
    pitch_hz: float | None
    speaking: bool


@dataclass(frozen=True)
class PlaybackProgress:
    position_s: float
    duration_s: float


@dataclass(frozen=True)
class YourTurn:
    """The client clip has ended (the cue, when on, plays now)."""


@dataclass(frozen=True)
class Live:
    level: LiveLevel


@dataclass(frozen=True)
class SpeechStarted:
    t_s: float  # take time of the first speech


@dataclass(frozen=True, eq=False)
class PhraseFinished:
    """A phrase of the response, ended by a pause of at least 0.3 s; `samples` cover start_s..end_s."""

    start_s: float
    end_s: float
    samples: np.ndarray  # mono float32
    rate: int


@dataclass(frozen=True)
class Stopped:
    reason: str  # "silence" | "key" | "max_length" | "no_response" | "device_lost"


TrialEvent = PlaybackProgress | YourTurn | Live | SpeechStarted | PhraseFinished | Stopped
