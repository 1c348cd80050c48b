"""The therapist's calm-voice baseline: the centre of every target.

A baseline combines about three spontaneous calm answers (~20 s each) by taking the
median of each measure, so one odd answer cannot drag it. Levels are only comparable on
the device the baseline was recorded with (see `device_warning`).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from trainer.errors import CalibrationError
from trainer.practice.measures import Measures
from trainer.practice.pace import PACE_METHOD

MIN_SPEECH_S = 3.0  # an answer with less speech than this cannot be measured reliably


@dataclass(frozen=True)
class Baseline:
    """Calm-voice reference values. `id` is None until the store has saved it."""

    id: int | None
    created_at: datetime
    device: str
    loudness_dbfs: float
    pitch_median_st: float | None
    pitch_range_st: float | None
    wpm: float | None
    articulation_rate: float | None
    sources: tuple[str, ...]
    syllable_rate: float | None = None  # the transcript's syllables per second (None without a transcript)
    pace_method: int = PACE_METHOD  # how its pace was measured; an older method's pace is not comparable

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "created_at": self.created_at.isoformat(),
            "device": self.device,
            "loudness_dbfs": self.loudness_dbfs,
            "pitch_median_st": self.pitch_median_st,
            "pitch_range_st": self.pitch_range_st,
            "wpm": self.wpm,
            "articulation_rate": self.articulation_rate,
            "sources": list(self.sources),
            "syllable_rate": self.syllable_rate,
            "pace_method": self.pace_method,
        }


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return float(statistics.median(present)) if present else None


def build_baseline(
    features_list: Sequence[Measures],
    *,
    device: str,
    created_at: datetime,
    sources: Sequence[str] | None = None,
) -> Baseline:
    """Combine calm answers into a baseline (median of each measure).

    `sources` names the answers (e.g. file names); by default they are
    numbered ("Answer 1", ...). Raises `CalibrationError` when there is no answer, or when an answer has
    too little speech or no measurable loudness: such an answer should be recorded again.
    """
    names = tuple(sources) if sources is not None else tuple(f"Answer {i + 1}" for i in range(len(features_list)))
    if len(names) != len(features_list):
        raise ValueError("sources must name each answer once")
    if not features_list:
        raise CalibrationError("A baseline needs at least one calm answer; record or give one.")
    levels: list[float] = []
    for name, features in zip(names, features_list):
        speech = features.speech_s or 0.0
        level = features.loudness_dbfs
        if speech < MIN_SPEECH_S or level is None:
            raise CalibrationError(
                f"{name} has no usable speech ({speech:.1f} s found, at least {MIN_SPEECH_S:.0f} s needed). "
                "Record it again, speaking calmly for about 20 seconds."
            )
        levels.append(level)
    return Baseline(
        id=None,
        created_at=created_at,
        device=device,
        loudness_dbfs=float(statistics.median(levels)),
        pitch_median_st=_median([f.pitch_median_st for f in features_list]),
        pitch_range_st=_median([f.pitch_range_st for f in features_list]),
        wpm=_median([f.wpm for f in features_list]),
        articulation_rate=_median([f.articulation_rate for f in features_list]),
        sources=names,
        syllable_rate=_median([getattr(f, "syllable_rate", None) for f in features_list]),
    )


def device_warning(baseline: Baseline, device: str) -> str | None:
    """A warning when takes are recorded on another input device than the baseline."""
    if baseline.device.strip().casefold() == device.strip().casefold():
        return None
    return (
        f"Your baseline was recorded with '{baseline.device}', but this take uses '{device}': "
        "loudness is not comparable between microphones. Run `levelvoice calibrate` on this device."
    )


def pace_warning(baseline: Baseline) -> str | None:
    """A warning when the baseline's pace was measured by an earlier method than takes are now."""
    if baseline.pace_method == PACE_METHOD:
        return None
    return ("Your baseline was recorded before pace was measured the way it is now, so pace is not judged. "
            "Run `levelvoice calibrate` again to have it judged.")
