"""What one spoken take measures as: frozen dataclasses with a JSON round trip.

`TakeFeatures.to_dict()` has exactly the key names of the public contract (issue 3), so
the practice engine can store it as JSON and `from_dict` can read it back unchanged.
A value that cannot be measured (no speech, no transcript) is None.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

# The first words of each warning, stable so that callers can recognise them.
NO_SPEECH = "No speech detected"
TOO_SHORT = "Too short"
CLIPPING = "Clipping"
LOW_LEVEL = "Very low level"
NO_TRANSCRIPT = "No transcript"


@dataclass(frozen=True)
class Segment:
    """A stretch of speech, in seconds from the start of the take."""

    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


# fields that takes stored by earlier versions lack (they read as None)
ADDED_LATER = ("sounding_s", "syllables", "syllable_rate")


@dataclass(frozen=True)
class TakeFeatures:
    """Loudness, pitch and pace of one take. Units are in the names; None = not measurable."""

    duration_s: float
    onset_s: float | None  # first speech
    offset_s: float | None  # end of the last speech
    speech_s: float  # total speech time (pauses of 250 ms or more excluded)
    pause_ratio: float | None  # silent share of onset..offset
    segments: tuple[Segment, ...]
    loudness_dbfs: float | None  # RMS over speech only
    loudness_lufs: float | None  # ITU-R BS.1770 integrated loudness of the whole take
    loudness_sd_db: float | None  # spread (SD) of 400 ms block loudness across speech
    peak_dbfs: float | None  # sample peak of the whole take
    clipping: bool
    pitch_median_hz: float | None
    pitch_median_st: float | None  # semitones re 100 Hz
    pitch_range_st: float | None  # 10th to 90th percentile span
    pitch_sd_st: float | None
    voiced_ratio: float | None  # voiced share of speech frames
    wpm: float | None  # words per minute of sounding speech (needs a transcript)
    articulation_rate: float | None  # syllable nuclei per second of sounding speech (acoustic)
    words: int | None
    transcript: str | None
    fillers: int | None  # filled pauses (um, uh): acoustic, and from the transcript when present
    warnings: tuple[str, ...] = ()
    sounding_s: float | None = None  # pace's time base: speech frames, every silence left out
    syllables: int | None = None  # syllables of the transcript's words (fillers left out)
    syllable_rate: float | None = None  # syllables / sounding_s (needs a transcript)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with exactly the public key names."""
        out: dict[str, Any] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if field.name == "segments":
                value = [[s.start_s, s.end_s] for s in value]
            elif field.name == "warnings":
                value = list(value)
            elif isinstance(value, float) and not math.isfinite(value):
                value = None
            out[field.name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TakeFeatures:
        """The inverse of `to_dict` (also accepts segments as {"start_s", "end_s"} objects)."""
        names = {field.name for field in fields(cls)}
        missing = names - set(data) - set(ADDED_LATER)
        if missing:
            raise ValueError(f"take features lack {', '.join(sorted(missing))}")
        values = {name: data[name] for name in names if name in data}
        values["segments"] = tuple(_segment(item) for item in data["segments"])
        values["warnings"] = tuple(str(w) for w in data["warnings"])
        values["clipping"] = bool(data["clipping"])
        return cls(**values)


def _segment(item: Any) -> Segment:
    if isinstance(item, dict):
        return Segment(float(item["start_s"]), float(item["end_s"]))
    start, end = item
    return Segment(float(start), float(end))


@dataclass(frozen=True)
class Comparison:
    """A take relative to a reference (the calm baseline): None where either side lacks the value."""

    loudness_db: float | None  # take minus reference, speech-only RMS level
    pitch_st: float | None  # take minus reference, median pitch
    pitch_range_st: float | None  # take minus reference, 10-90 % pitch span
    pace_ratio: float | None  # take / reference, by the practice rule (trainer.practice.pace)
    pace_basis: str | None = None  # what the ratio was counted from: "transcript+acoustic", "acoustic", ...
    pace_text: str = "pace not measured"  # the one phrase for pace: "pace ×1.31 (syllables/s, baseline 4.1)"

    def to_dict(self) -> dict[str, float | str | None]:
        return {field.name: getattr(self, field.name) for field in fields(self)}
