"""What a practice report says, as plain values: built from the history, rendered by html.py.

Only takes that count (trainer.practice.counting) go into counts, shares, tables and
charts; the others are counted once, so the reader knows how many were left out. Notes
are shown for every take in the period, counted or not.

A measure of the per-drill tables and charts is one entry of `REPORT_METRICS`.
"""

from __future__ import annotations

import statistics
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from trainer.practice.baseline import Baseline
from trainer.practice.best import pick_best
from trainer.practice.counting import MIN_COUNTED_SPEECH_S
from trainer.practice.difficulty import LEVELS, WINDOW, suggest_difficulty
from trainer.practice.streaks import merge_intervals, seconds_by_day, streak_status
from trainer.practice.verdict import LATENCY_BAND_S, OVERLAP_TOLERANCE_S, WORDS
from trainer.report.period import Period


def _hz(semitones: float | None) -> float | None:
    return None if semitones is None else 100.0 * 2.0 ** (semitones / 12.0)


def _same(value: float | None) -> float | None:
    return value


@dataclass(frozen=True)
class ReportMetric:
    """A verdict metric as the report shows it: label, unit, and the conversion from the verdict's unit."""

    name: str
    label: str
    unit: str
    digits: int
    shown: Callable[[float | None], float | None] = _same  # verdict unit -> shown unit


REPORT_METRICS: tuple[ReportMetric, ...] = (
    ReportMetric("loudness", "Loudness", "dBFS", 1),
    ReportMetric("edge", "Edge", "dB above your line", 1),
    ReportMetric("pitch", "Pitch", "Hz", 0, _hz),
    ReportMetric("pitch_range", "Pitch range", "st", 1),
    ReportMetric("pace", "Pace", "× calm pace", 2),
)
TIMING_METRICS: tuple[ReportMetric, ...] = (
    ReportMetric("latency", "Response time", "s", 1),
    ReportMetric("overlap", "Talking over the client", "s", 1),
)
TABLE_METRICS = REPORT_METRICS + TIMING_METRICS


@dataclass(frozen=True)
class DrillInfo:
    """What the report says about a drill besides its takes."""

    title: str
    challenge: str  # a person's label, e.g. "Hostile anger at you"
    difficulty: str | None


@dataclass(frozen=True)
class Point:
    """One take on a chart: its value and the band it was judged against, in the shown unit."""

    at: datetime
    value: float
    low: float | None
    high: float | None
    status: str


@dataclass(frozen=True)
class MeasureValue:
    value: float | None
    status: str  # "in", "high", "low", "missing"
    words: str  # "too loud", "" in band


@dataclass(frozen=True)
class TakeView:
    """One take as a table shows it."""

    id: int | None
    at: datetime  # local time
    drill_id: str
    score: int | None
    rating: int | None
    measures: Mapping[str, MeasureValue]
    note: str | None
    audio_path: Any | None
    counted: bool


@dataclass(frozen=True)
class DrillSection:
    drill_id: str
    info: DrillInfo
    takes: int  # that count
    not_counted: int
    judged: int  # of those that count, with a verdict
    all_in_band: int  # judged takes with every measured metric in band
    first: TakeView
    best: TakeView | None
    last: TakeView
    change: Mapping[str, float | None]  # last - first, shown unit
    series: Mapping[str, tuple[Point, ...]]  # per REPORT_METRICS name

    @property
    def share_in_band(self) -> float | None:
        return None if not self.judged else self.all_in_band / self.judged


@dataclass(frozen=True)
class Suggestion:
    at: datetime
    level: str
    move: str  # "up" or "down"
    to: str
    reason: str


@dataclass(frozen=True)
class LevelMove:
    at: datetime
    from_level: str
    to_level: str
    suggested: bool  # the rule had suggested this move


@dataclass(frozen=True)
class BaselineUse:
    baseline: Baseline
    takes: int  # takes in the period judged with it
    created_local: datetime


@dataclass(frozen=True)
class ReportContent:
    period: Period
    generated_at: datetime  # local
    goal_minutes: int
    minutes: float
    goal_days: int  # days with at least the goal
    practice_days: int  # days with any practice
    current_streak: int  # at the end of the period
    best_streak: int
    takes: int  # that count
    not_counted: int
    drills: tuple[DrillSection, ...]
    timing: tuple[tuple[datetime, float | None, float | None], ...]  # (at, latency, overlap) of counted takes
    latency_median: float | None
    latency_in_band: int
    latency_measured: int
    overlaps: int  # counted takes with overlap beyond the tolerance
    overlap_measured: int
    ratings: tuple[tuple[datetime, int], ...]
    suggestions: tuple[Suggestion, ...]
    moves: tuple[LevelMove, ...]
    baselines: tuple[BaselineUse, ...]
    device_warnings: tuple[str, ...]
    notes: tuple[TakeView, ...]
    minutes_by_day: Mapping[date, float] = field(default_factory=dict)

    @property
    def rating_mean(self) -> float | None:
        return None if not self.ratings else statistics.fmean(r for _, r in self.ratings)


def _status_words(metric: str, status: str) -> str:
    if status not in ("low", "high") or metric not in WORDS:
        return ""
    low, high = WORDS[metric]
    return high if status == "high" else low


def measures_of(take) -> dict[str, MeasureValue]:
    """A stored take's measures in the shown units, with their status as judged."""
    metrics = (take.verdict or {}).get("metrics", {})
    out: dict[str, MeasureValue] = {}
    for m in TABLE_METRICS:
        entry = metrics.get(m.name)
        if entry is not None and entry.get("value") is not None:
            status = str(entry.get("status", "missing"))
            out[m.name] = MeasureValue(m.shown(entry["value"]), status, _status_words(m.name, status))
        elif m.name in ("latency", "overlap") and getattr(take, f"{m.name}_s", None) is not None:
            out[m.name] = MeasureValue(getattr(take, f"{m.name}_s"), "missing", "")
        else:
            out[m.name] = MeasureValue(None, "missing", "")
    return out


def take_view(take, tz) -> TakeView:
    return TakeView(take.id, take.at.astimezone(tz), take.drill_id, take.score, take.rating, measures_of(take),
                    take.note, take.audio_path, take.counted)


def all_in_band(take) -> bool | None:
    """Every measured metric of a judged take in band; None without a verdict or measured metric."""
    if not take.verdict:
        return None
    statuses = [m.get("status") for m in take.verdict.get("metrics", {}).values() if m.get("status") != "missing"]
    return None if not statuses else all(s == "in" for s in statuses)


def series_of(takes: Sequence, local: Sequence[datetime], metric: ReportMetric) -> tuple[Point, ...]:
    """A measure over `takes` (recorded at the `local` times), in the shown unit."""
    points = []
    for take, at in zip(takes, local):
        entry = (take.verdict or {}).get("metrics", {}).get(metric.name)
        if entry is None or entry.get("value") is None:
            continue
        low, high = (entry.get("band") or [None, None])[:2]
        points.append(Point(at, metric.shown(entry["value"]), metric.shown(low), metric.shown(high),
                            str(entry.get("status", "missing"))))
    return tuple(points)


def drill_section(drill_id: str, info: DrillInfo, counted: Sequence, not_counted: int, tz,
                  local: Sequence[datetime] | None = None) -> DrillSection:
    """A drill's takes that count in the period (oldest first, recorded at the `local` times), summed up."""
    local = [t.at.astimezone(tz) for t in counted] if local is None else local
    judged = [t for t in counted if t.verdict]
    in_band = sum(1 for t in judged if all_in_band(t))
    first, last = take_view(counted[0], tz), take_view(counted[-1], tz)
    best = pick_best(counted)
    change = {}
    for m in TABLE_METRICS:
        a, b = first.measures[m.name].value, last.measures[m.name].value
        change[m.name] = None if a is None or b is None else b - a
    return DrillSection(drill_id, info, len(counted), not_counted, len(judged), in_band, first,
                        None if best is None else take_view(best, tz), last, change,
                        {m.name: series_of(counted, local, m) for m in REPORT_METRICS})


def replay_difficulty(before: Mapping[str, Sequence], takes: Sequence, tz,
                      family: Callable[[str], str] = lambda drill_id: drill_id
                      ) -> tuple[tuple[Suggestion, ...], tuple[LevelMove, ...]]:
    """The difficulty suggestions the rule made during the period, and the moves the therapist took.

    The rule (trainer.practice.difficulty) looks at the last `WINDOW` takes at a level, any
    drill; a suggestion is listed when the rule starts suggesting a move after a take.
    A move is taken when a drill family (the same challenge) is practised at another level
    than the last time; it was suggested when the rule had suggested that very move at the
    level left since the family came to that level. `before`: per level, the takes that
    count just before the period; `takes`: the period's takes that count, oldest first;
    `family(drill_id)`: the drill's challenge.
    """
    recent = {level: deque(before.get(level, ())[-WINDOW:], maxlen=WINDOW) for level in LEVELS}
    active: dict[str, str] = {}  # level -> move the rule suggests now ("up"/"down")
    suggested_at: dict[tuple[str, str], datetime] = {}  # (level, move) -> when the rule last started suggesting it
    last_level: dict[str, str] = {}  # family -> level practised last
    arrived: dict[str, datetime] = {}  # family -> when it came to that level (in the period)
    for take in sorted((t for level in LEVELS for t in before.get(level, ())), key=lambda t: t.at):
        last_level[family(take.drill_id)] = take.difficulty
    suggestions: list[Suggestion] = []
    moves: list[LevelMove] = []
    for take in takes:
        level = take.difficulty
        if level not in LEVELS:
            continue
        group = family(take.drill_id)
        previous = last_level.get(group)
        if previous is not None and previous != level:
            direction = "up" if LEVELS.index(level) > LEVELS.index(previous) else "down"
            since = arrived.get(group)
            when = suggested_at.get((previous, direction))
            moves.append(LevelMove(take.at.astimezone(tz), previous, level,
                                   when is not None and (since is None or when >= since)))
        if previous != level:
            arrived[group] = take.at
        last_level[group] = level
        recent[level].append(take)
        advice = suggest_difficulty(list(recent[level]), level)
        if advice.move == "stay":
            active.pop(level, None)
        elif active.get(level) != advice.move:
            active[level] = advice.move
            suggested_at[(level, advice.move)] = take.at
            suggestions.append(Suggestion(take.at.astimezone(tz), level, advice.move, advice.level, advice.reason))
    return tuple(suggestions), tuple(moves)


def device_warnings(takes: Sequence, baselines: Mapping[int, Baseline]) -> tuple[str, ...]:
    """Plain sentences about the recording conditions of the period's takes."""
    warnings = []
    other: dict[tuple[str, str], int] = {}
    for take in takes:
        baseline = baselines.get(take.baseline_id) if take.baseline_id is not None else None
        if baseline is not None and baseline.device.strip().casefold() != (take.device or "").strip().casefold():
            key = (take.device or "(unknown)", baseline.device)
            other[key] = other.get(key, 0) + 1
    for (device, calibrated), count in sorted(other.items()):
        warnings.append(f"{count} take{'s were' if count != 1 else ' was'} recorded with '{device}' but judged "
                        f"against a baseline recorded with '{calibrated}': loudness is not comparable between "
                        "microphones (calibrate again on the new device).")
    lost = [t for t in takes if t.overflows]
    if lost:
        warnings.append(f"{len(lost)} take{'s' if len(lost) != 1 else ''} lost "
                        f"{sum(t.overflows for t in lost)} moment(s) of audio while recording (the computer was busy).")
    gone = sum(1 for t in takes if t.stopped_by == "device_lost")
    if gone:
        warnings.append(f"{gone} take{'s' if gone != 1 else ''} stopped early because a microphone or speaker "
                        "went away.")
    recovered = sum(1 for t in takes if t.stopped_by == "recovered")
    if recovered:
        warnings.append(f"{recovered} take{'s were' if recovered != 1 else ' was'} recovered after Level Voice "
                        "stopped during the take.")
    return tuple(warnings)


def build_content(*, period: Period, now: datetime, takes: Sequence, before: Mapping[str, Sequence],
                  intervals: Iterable, baselines: Sequence[Baseline], drills: Mapping[str, DrillInfo],
                  goal_minutes: int) -> ReportContent:
    """The report from the period's takes (all of them, oldest first) and the history around them."""
    tz = period.tz
    counted = [t for t in takes if t.counted]
    intervals = merge_intervals(intervals)
    as_of = min(now, period.end - timedelta(microseconds=1))  # the streak as the period's last day ends
    by_day = {d: s / 60 for d, s in seconds_by_day(intervals, tz, until=as_of).items()
              if period.first <= d <= period.last}
    streak = streak_status(intervals, now=as_of, tz=tz, goal_minutes=goal_minutes)
    local = [t.at.astimezone(tz) for t in counted]
    by_drill: dict[str, tuple[list, list]] = {}
    for take, at in zip(counted, local):
        mine, times = by_drill.setdefault(take.drill_id, ([], []))
        mine.append(take)
        times.append(at)
    left_out: dict[str, int] = {}
    for take in takes:
        if not take.counted:
            left_out[take.drill_id] = left_out.get(take.drill_id, 0) + 1
    sections = []
    for drill_id in sorted(by_drill, key=lambda d: (drills[d].challenge, drills[d].title, d) if d in drills
                           else ("~", d, d)):
        mine, times = by_drill[drill_id]
        info = drills.get(drill_id) or DrillInfo(drill_id, "", mine[-1].difficulty)
        sections.append(drill_section(drill_id, info, mine, left_out.get(drill_id, 0), tz, times))
    latencies = [t.latency_s for t in counted if t.latency_s is not None]
    overlaps = [t.overlap_s for t in counted if t.overlap_s is not None]
    suggestions, moves = replay_difficulty(
        before, counted, tz, lambda drill_id: drills[drill_id].challenge if drill_id in drills and
        drills[drill_id].challenge else drill_id)
    by_id = {b.id: b for b in baselines if b.id is not None}
    uses = []
    for baseline_id in sorted({t.baseline_id for t in takes if t.baseline_id is not None}):
        if baseline_id in by_id:
            b = by_id[baseline_id]
            uses.append(BaselineUse(b, sum(1 for t in counted if t.baseline_id == baseline_id),
                                    b.created_at.astimezone(tz)))
    return ReportContent(
        period=period, generated_at=now.astimezone(tz), goal_minutes=goal_minutes,
        minutes=sum(by_day.values()), goal_days=sum(1 for m in by_day.values() if m >= goal_minutes),
        practice_days=sum(1 for m in by_day.values() if m > 0),
        current_streak=streak.current_streak, best_streak=streak.best_streak,
        takes=len(counted), not_counted=len(takes) - len(counted), drills=tuple(sections),
        timing=tuple((at, t.latency_s, t.overlap_s) for t, at in zip(counted, local)),
        latency_median=statistics.median(latencies) if latencies else None,
        latency_in_band=sum(1 for v in latencies if LATENCY_BAND_S[0] <= v <= LATENCY_BAND_S[1]),
        latency_measured=len(latencies),
        overlaps=sum(1 for v in overlaps if v > OVERLAP_TOLERANCE_S), overlap_measured=len(overlaps),
        ratings=tuple((at, t.rating) for t, at in zip(counted, local) if t.rating is not None),
        suggestions=suggestions, moves=moves, baselines=tuple(uses),
        device_warnings=device_warnings(takes, by_id),
        notes=tuple(take_view(t, tz) for t in takes if t.note),
        minutes_by_day=by_day,
    )


NOT_COUNTED_RULE = f"less than {MIN_COUNTED_SPEECH_S:.0f} s of speech"
