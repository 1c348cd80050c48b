"""Practice days, the daily goal and streaks, in the therapist's local calendar.

Pure functions on (start, end) intervals of active practice (timezone-aware datetimes),
with an explicit `now` and time zone, so daylight-saving changes and midnight are exact:

- a practice day is a local calendar day with at least the daily goal of practice;
  an interval that crosses midnight counts on both days, each its own part, and a day is
  as long as it really is (23 or 25 hours on a daylight-saving change);
- the current streak counts practice days in a row up to today; today does not break
  it before it is over;
- a freeze is earned for every 7 practice days in a row (at most 2 held) and is used up
  automatically on a missed day, which then keeps the streak (without adding to it);
  a day covered by a freeze starts a new run of 7.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo

FREEZE_EVERY = 7  # practice days in a row that earn a freeze
MAX_FREEZES = 2

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class StreakStatus:
    """Where the therapist stands today."""

    today: date
    today_minutes: float
    goal_minutes: int
    current_streak: int
    best_streak: int
    freezes: int
    days_this_month: int
    frozen_days: tuple[date, ...]

    @property
    def goal_met_today(self) -> bool:
        return self.today_minutes >= self.goal_minutes


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone; practice times must be timezone-aware")
    return moment.astimezone(timezone.utc)


def merge_intervals(intervals: Iterable[Interval]) -> list[Interval]:
    """Intervals in UTC, sorted, with overlaps merged (two windows open count once) and empty ones dropped."""
    spans = sorted((_utc(start), _utc(end)) for start, end in intervals)
    merged: list[Interval] = []
    for start, end in spans:
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def day_start(day: date, tz: tzinfo) -> datetime:
    """The UTC instant at which local `day` begins."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(timezone.utc)


def seconds_by_day(intervals: Iterable[Interval], tz: tzinfo, *, until: datetime | None = None) -> dict[date, float]:
    """Seconds of practice per local calendar day (time after `until` is not counted)."""
    limit = _utc(until) if until is not None else None
    totals: dict[date, float] = {}
    for start, end in merge_intervals(intervals):
        if limit is not None:
            end = min(end, limit)
        day = start.astimezone(tz).date()
        while start < end:
            next_start = day_start(day + timedelta(days=1), tz)
            part_end = min(end, next_start)
            totals[day] = totals.get(day, 0.0) + (part_end - start).total_seconds()
            start, day = part_end, day + timedelta(days=1)
    return totals


def streak_status(intervals: Iterable[Interval], *, now: datetime, tz: tzinfo, goal_minutes: int) -> StreakStatus:
    """Today's minutes, current and best streak, freezes held and days practised this month."""
    today = _utc(now).astimezone(tz).date()
    seconds = seconds_by_day(intervals, tz, until=now)
    practised = {day for day, total in seconds.items() if total >= goal_minutes * 60 and day <= today}
    streak = best = freezes = run = 0
    frozen: list[date] = []
    day = min(practised, default=today)
    while day <= today:
        if day in practised:
            streak += 1
            run += 1
            best = max(best, streak)
            if run == FREEZE_EVERY:
                run = 0
                freezes = min(MAX_FREEZES, freezes + 1)
        elif day == today:
            pass  # today is not over: it cannot break the streak yet
        elif freezes:
            freezes -= 1
            run = 0
            frozen.append(day)
        else:
            streak = run = 0
        day += timedelta(days=1)
    return StreakStatus(
        today=today,
        today_minutes=seconds.get(today, 0.0) / 60,
        goal_minutes=goal_minutes,
        current_streak=streak,
        best_streak=best,
        freezes=freezes,
        days_this_month=sum(1 for d in practised if (d.year, d.month) == (today.year, today.month)),
        frozen_days=tuple(frozen),
    )
