"""Against your best: a take beside the personal best take of the same drill and the calm baseline.

The personal best is the drill's take that counts with the highest score; of equal
scores, the most recent (`pick_best`; the store's `best_take` query follows the same
rule). Each measure is shown in the unit a person knows, with each take's status as it
was judged (bands narrow with practice, so an old best was judged against a wider band).

A measure is one entry of `COMPARED`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


class StoredTake(Protocol):
    """A take as the history keeps it (`trainer.store.TakeRecord` is one)."""

    @property
    def id(self) -> int | None: ...

    @property
    def at(self) -> datetime: ...

    @property
    def features(self) -> Mapping[str, Any]: ...

    @property
    def verdict(self) -> Mapping[str, Any] | None: ...

    @property
    def latency_s(self) -> float | None: ...

    @property
    def overlap_s(self) -> float | None: ...

    @property
    def score(self) -> int | None: ...


def _judged(take: StoredTake, metric: str) -> float | None:
    """The value a take's verdict judged (None without a verdict or the metric)."""
    entry = (take.verdict or {}).get("metrics", {}).get(metric)
    return None if entry is None else entry.get("value")


def _hz(semitones: float | None) -> float | None:
    return None if semitones is None else 100.0 * 2.0 ** (semitones / 12.0)


@dataclass(frozen=True)
class Compared:
    """One measure of the comparison: how to read it from a take and from the baseline."""

    metric: str  # the verdict metric whose status colours it
    label: str
    unit: str
    digits: int
    of_take: Callable[[StoredTake], float | None]
    of_baseline: Callable[[Any], float | None]  # None: the baseline has no such value


COMPARED: tuple[Compared, ...] = (
    Compared("loudness", "Loudness", "dBFS", 1, lambda t: t.features.get("loudness_dbfs"),
             lambda b: b.loudness_dbfs),
    Compared("pitch", "Pitch", "Hz", 0, lambda t: t.features.get("pitch_median_hz"),
             lambda b: _hz(b.pitch_median_st)),
    Compared("pitch_range", "Pitch range", "st", 1, lambda t: t.features.get("pitch_range_st"),
             lambda b: b.pitch_range_st),
    # pace is one figure everywhere (trainer.practice.pace): the ratio to the calm pace, as judged
    Compared("pace", "Pace", "× calm", 2, lambda t: _judged(t, "pace"), lambda b: 1.0),
    Compared("overlap", "Overlap", "s", 1, lambda t: t.overlap_s, lambda b: None),
    Compared("latency", "Response time", "s", 1, lambda t: t.latency_s, lambda b: None),
)


@dataclass(frozen=True)
class ComparedRow:
    metric: str
    label: str
    unit: str
    digits: int
    this: float | None
    best: float | None
    calm: float | None
    this_status: str  # "in", "high", "low" or "missing", as judged
    best_status: str


@dataclass(frozen=True)
class BestComparison:
    """This take, the personal best before it, and the calm baseline, measure by measure."""

    rows: tuple[ComparedRow, ...]
    this_score: int | None
    best_score: int | None
    best_take_id: int | None  # None: no earlier take of this drill that counts and was judged
    best_at: datetime | None
    best_audio_path: Any | None
    baseline_at: datetime | None
    new_best: bool  # this take scored higher than the best before it

    def to_dict(self) -> dict[str, Any]:
        return {
            "this_score": self.this_score, "best_score": self.best_score, "best_take_id": self.best_take_id,
            "best_at": None if self.best_at is None else self.best_at.isoformat(),
            "baseline_at": None if self.baseline_at is None else self.baseline_at.isoformat(),
            "new_best": self.new_best,
            "measures": {r.metric: {"label": r.label, "unit": r.unit, "this": r.this, "best": r.best, "calm": r.calm,
                                    "this_status": r.this_status, "best_status": r.best_status} for r in self.rows},
        }


def _status(take: StoredTake | None, metric: str) -> str:
    if take is None or not take.verdict:
        return "missing"
    entry = take.verdict.get("metrics", {}).get(metric)
    return "missing" if entry is None else str(entry.get("status", "missing"))


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), max(digits, 2))


def pick_best(takes: Iterable[StoredTake]) -> StoredTake | None:
    """The personal best among `takes`: the highest score, the most recent of equal scores."""
    scored = [t for t in takes if t.score is not None]
    return max(scored, key=lambda t: (t.score, t.at, t.id or 0), default=None)


def compare_with_best(this: StoredTake, best: StoredTake | None, baseline,
                      compared: tuple[Compared, ...] = COMPARED) -> BestComparison:
    """`this` take beside `best` (the best of the drill's other takes, or None) and `baseline` (or None)."""
    rows = tuple(
        ComparedRow(c.metric, c.label, c.unit, c.digits, _round(c.of_take(this), c.digits),
                    None if best is None else _round(c.of_take(best), c.digits),
                    None if baseline is None else _round(c.of_baseline(baseline), c.digits),
                    _status(this, c.metric), _status(best, c.metric))
        for c in compared
    )
    this_score = this.score
    best_score = None if best is None else best.score
    return BestComparison(
        rows=rows, this_score=this_score, best_score=best_score,
        best_take_id=None if best is None else best.id, best_at=None if best is None else best.at,
        best_audio_path=None if best is None else getattr(best, "audio_path", None),
        baseline_at=None if baseline is None else baseline.created_at,
        new_best=this_score is not None and (best_score is None or this_score > best_score) and best is not None,
    )
