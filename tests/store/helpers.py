"""Realistic take records for store tests (features shaped like TakeFeatures.to_dict())."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tests.practice.standins import calm_baseline
from trainer.practice.verdict import judge
from trainer.store import TakeRecord


@dataclass(frozen=True)
class Measured:
    loudness_dbfs: float | None
    pitch_median_st: float | None
    pitch_range_st: float | None
    wpm: float | None
    articulation_rate: float | None
    speech_s: float | None
    alpha_ratio_db: float | None = None


def features_dict(loudness: float = -24.0, transcript: str = "I can hear how angry you are.") -> dict:
    return {
        "duration_s": 12.5, "onset_s": 0.42, "offset_s": 11.9, "speech_s": 10.1, "pause_ratio": 0.19,
        "segments": [[0.42, 4.1], [4.6, 11.9]], "loudness_dbfs": loudness, "loudness_lufs": loudness + 1.3,
        "loudness_sd_db": 2.4, "peak_dbfs": -3.1, "clipping": False, "pitch_median_hz": 160.3,
        "pitch_median_st": 8.17, "pitch_range_st": 6.2, "pitch_sd_st": 1.9, "voiced_ratio": 0.61, "wpm": 138.0,
        "articulation_rate": 4.4, "words": 23, "transcript": transcript, "fillers": 1, "warnings": [],
        "alpha_ratio_db": -12.0 + 0.5 * (loudness + 24.0) + 0.5, "hammarberg_db": 24.1,
        "slope_0_500_db_per_khz": 9.2, "slope_500_1500_db_per_khz": -11.4, "cpps_db": 9.8,
    }


def take_record(drill_id: str, at: datetime, *, loudness: float = -24.0, judged: bool = True,
                audio: Path | None = None, **fields) -> TakeRecord:
    features = features_dict(loudness)
    verdict = None
    if judged:
        m = Measured(features["loudness_dbfs"], features["pitch_median_st"], features["pitch_range_st"],
                     features["wpm"], features["articulation_rate"], features["speech_s"], features["alpha_ratio_db"])
        verdict = judge(m, calm_baseline(), latency_s=fields.get("latency_s", 0.8),
                        overlap_s=fields.get("overlap_s", 0.0)).to_dict()
    return TakeRecord(drill_id=drill_id, at=at, features=features, verdict=verdict, audio_path=audio,
                      device="USB mic", **fields)
