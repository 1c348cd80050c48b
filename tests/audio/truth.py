"""Ground truth for audio tests, measured on the rig's room capture (speaker and mic in one timeline)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from tests.rig import RATE, Room, active_span, locate, resample

ONSET_DB = -45.0  # speech starts/ends where 10 ms frames cross -45 dBFS
FRAME_S = 0.01


def load48(path: Path | str) -> np.ndarray:
    audio, rate = sf.read(path, dtype="float32", always_2d=True)
    return resample(audio.mean(axis=1), rate, RATE)


def excerpt(source: Path, seconds: float, folder: Path) -> Path:
    """The first `seconds` of a speech file, as a WAV to feed."""
    audio, rate = sf.read(source, dtype="float32")
    path = folder / f"{source.stem}-{seconds:g}s.wav"
    sf.write(path, audio[: int(seconds * rate)], rate, subtype="FLOAT")
    return path


@dataclass(frozen=True)
class Truth:
    clip_start_s: float  # take time
    clip_end_s: float
    speech_start_s: float | None  # take time
    speech_end_s: float | None

    @property
    def latency_s(self) -> float:
        return self.speech_start_s - self.clip_end_s


def measure(room: Room, take: np.ndarray, take_rate: int, clip: np.ndarray, clip_rate: int,
            fed: Path | None) -> Truth:
    """Where clip and fed speech really were, in the take's timeline (sample-exact alignment)."""
    take48 = resample(take, take_rate, RATE)
    take_at = locate(take48, room.mic) / RATE  # room time of the take's first sample
    clip48 = resample(clip, clip_rate, RATE)
    clip_at = locate(clip48, room.speaker) / RATE - take_at
    clip_len = len(clip) / clip_rate
    start = end = None
    if fed is not None:
        # find the fed file, then read its start and end off the microphone itself (a feed that
        # stuttered still counts as what the microphone heard)
        speech = load48(fed)
        fed_at = locate(speech, room.mic)
        s0, _ = active_span(speech, RATE, threshold_db=ONSET_DB, frame_s=FRAME_S)
        search = max(0, fed_at + int((s0 - 0.3) * RATE))
        m0, m1 = active_span(room.mic[search:], RATE, threshold_db=ONSET_DB, frame_s=FRAME_S)
        start, end = search / RATE + m0 - take_at, search / RATE + m1 - take_at
    return Truth(clip_at, clip_at + clip_len, start, end)
