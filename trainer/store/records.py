"""What the store keeps and returns: plain frozen dataclasses, JSON-ready."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class TakeRecord:
    """One recorded answer to a drill, as stored.

    `features` is `TakeFeatures.to_dict()` and `verdict` is `Verdict.to_dict()` (None when
    there was no baseline to judge against). `at` must be timezone-aware. `id` is None
    until stored.
    """

    drill_id: str
    at: datetime
    features: dict[str, Any]
    verdict: dict[str, Any] | None = None
    audio_path: Path | None = None
    rating: int | None = None  # self-rated activation, 0 calm .. 10 very activated
    device: str = ""
    overflows: int = 0
    interrupted: bool = False
    latency_s: float | None = None
    overlap_s: float | None = None
    session_id: int | None = None
    baseline_id: int | None = None
    difficulty: str | None = None
    stopped_by: str | None = None  # why the take ended: "silence", "key", "max_length", "device_lost", ...
    counted: bool = True  # counts as a take (trainer.practice.counting); kept in the history either way
    note: str | None = None  # the therapist's own short note on the take
    id: int | None = None

    @property
    def score(self) -> int | None:
        return None if self.verdict is None else int(self.verdict["score"])

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "drill_id": self.drill_id,
            "at": iso(self.at),
            "audio_path": None if self.audio_path is None else str(self.audio_path),
            "rating": self.rating,
            "score": self.score,
            "device": self.device,
            "overflows": self.overflows,
            "interrupted": self.interrupted,
            "latency_s": self.latency_s,
            "overlap_s": self.overlap_s,
            "session_id": self.session_id,
            "baseline_id": self.baseline_id,
            "difficulty": self.difficulty,
            "stopped_by": self.stopped_by,
            "counted": self.counted,
            "note": self.note,
            "features": self.features,
            "verdict": self.verdict,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TakeRecord:
        return cls(
            id=data["id"],
            drill_id=data["drill_id"],
            at=parse_time(data["at"]),
            audio_path=None if data["audio_path"] is None else Path(data["audio_path"]),
            rating=data["rating"],
            device=data["device"],
            overflows=data["overflows"],
            interrupted=bool(data["interrupted"]),
            latency_s=data["latency_s"],
            overlap_s=data["overlap_s"],
            session_id=data["session_id"],
            baseline_id=data["baseline_id"],
            difficulty=data["difficulty"],
            stopped_by=data.get("stopped_by"),  # exports made before these columns existed
            counted=bool(data.get("counted", True)),
            note=data.get("note"),
            features=data["features"],
            verdict=data.get("verdict"),  # a CSV export without any judged take has no verdict columns
        )


@dataclass(frozen=True)
class TrendPoint:
    """One take in a metric's history: its value and the band it was judged against."""

    take_id: int
    at: datetime
    value: float | None
    low: float | None = None
    high: float | None = None
    status: str | None = None


@dataclass(frozen=True)
class DrillStats:
    """A drill's history at a glance."""

    id: str
    takes: int
    last_at: datetime
    last_score: int | None
    recent_scores: tuple[int, ...]  # up to the last 10, oldest first
    trend: str  # "up", "down", "steady" or "new" (fewer than 6 scored takes)
    last_pace: float | None = None  # the last judged take's pace, a ratio to the calm pace
    last_pace_detail: str = ""  # what that pace counts, e.g. "syllables/s, your calm 4.1"

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "takes": self.takes, "last_at": iso(self.last_at), "last_score": self.last_score,
                "recent_scores": list(self.recent_scores), "trend": self.trend,
                "last_pace": None if self.last_pace is None else round(self.last_pace, 3),
                "last_pace_detail": self.last_pace_detail}


@dataclass(frozen=True)
class Stats:
    """Today's practice, streaks and every drill's history (what `levelvoice stats` shows)."""

    today: date
    today_minutes: float
    daily_goal_minutes: int
    current_streak: int
    best_streak: int
    freezes: int
    days_this_month: int
    takes_today: int
    drills: tuple[DrillStats, ...] = field(default=())

    @property
    def goal_met_today(self) -> bool:
        return self.today_minutes >= self.daily_goal_minutes

    def to_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "today_minutes": round(self.today_minutes, 1),
            "daily_goal_minutes": self.daily_goal_minutes,
            "goal_met_today": self.goal_met_today,
            "current_streak": self.current_streak,
            "best_streak": self.best_streak,
            "freezes": self.freezes,
            "days_this_month": self.days_this_month,
            "takes_today": self.takes_today,
            "drills": [d.to_dict() for d in self.drills],
        }


def iso(moment: datetime) -> str:
    """UTC ISO 8601 text with microseconds: fixed width, so it sorts in time order."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone; stored times must be timezone-aware")
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def parse_time(text: str) -> datetime:
    """A stored time; `ValueError` for text that is not an ISO 8601 time with its zone."""
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not a time")
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{text!r} has no time zone")
    return moment


def clean_json(value: Any) -> Any:
    """`value` with NaN and infinities replaced by None (they are not valid JSON)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): clean_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_json(v) for v in value]
    return value
