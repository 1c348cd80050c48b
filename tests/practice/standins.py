"""Plain stand-ins for the analysis engine's TakeFeatures and a drill's offsets (unit tests only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from trainer.practice.baseline import Baseline


@dataclass(frozen=True)
class Features:
    loudness_dbfs: float | None = -24.0
    pitch_median_st: float | None = 8.0
    pitch_range_st: float | None = 6.0
    wpm: float | None = 140.0
    articulation_rate: float | None = 4.5
    speech_s: float | None = 15.0
    alpha_ratio_db: float | None = -12.0


@dataclass(frozen=True)
class Offsets:
    loudness_db: float = 0.0
    pitch_st: float = 0.0
    pace_ratio: float = 1.0


def calm_baseline(**changes) -> Baseline:
    values = dict(id=1, created_at=datetime(2025, 1, 6, 9, 0, tzinfo=timezone.utc), device="USB mic",
                  loudness_dbfs=-24.0, pitch_median_st=8.0, pitch_range_st=6.0, wpm=140.0, articulation_rate=4.5,
                  sources=("Answer 1", "Answer 2", "Answer 3"), alpha_ratio_db=-12.0)
    values.update(changes)
    return Baseline(**values)
