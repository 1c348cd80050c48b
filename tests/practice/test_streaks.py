"""Streaks with fixed clocks: goal minutes, gaps, freezes, midnight and daylight-saving changes."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from trainer.practice.streaks import day_start, merge_intervals, seconds_by_day, streak_status

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def local(tz, y, mo, d, h=0, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=tz)


def session(tz, day: date, minutes: float, hour: int = 18) -> tuple[datetime, datetime]:
    start = local(tz, day.year, day.month, day.day, hour)
    return start, start + timedelta(minutes=minutes)


def daily(tz, first: date, days: int, minutes: float = 20, skip: set[int] = frozenset()):
    return [session(tz, first + timedelta(days=i), minutes) for i in range(days) if i not in skip]


def status(intervals, now, tz=BERLIN, goal=15):
    return streak_status(intervals, now=now, tz=tz, goal_minutes=goal)


def test_nothing_practised():
    result = status([], local(BERLIN, 2025, 5, 10, 12))
    assert (result.current_streak, result.best_streak, result.freezes, result.today_minutes) == (0, 0, 0, 0)
    assert result.today == date(2025, 5, 10)


def test_days_below_the_goal_do_not_count():
    intervals = daily(BERLIN, date(2025, 5, 1), 3, minutes=20) + [session(BERLIN, date(2025, 5, 4), 14)]
    result = status(intervals, local(BERLIN, 2025, 5, 5, 9))
    assert result.current_streak == 0 and result.best_streak == 3  # 4 May had 14 of 15 minutes


def test_minutes_add_up_over_several_sessions_in_a_day():
    day = date(2025, 5, 1)
    intervals = [session(BERLIN, day, 8, hour=7), session(BERLIN, day, 8, hour=21)]
    result = status(intervals, local(BERLIN, 2025, 5, 1, 23))
    assert result.today_minutes == pytest.approx(16) and result.goal_met_today and result.current_streak == 1


def test_overlapping_windows_count_once():
    start = local(BERLIN, 2025, 5, 1, 18)
    intervals = [(start, start + timedelta(minutes=10)), (start + timedelta(minutes=5), start + timedelta(minutes=12))]
    assert merge_intervals(intervals) == [(start.astimezone(timezone.utc),
                                           (start + timedelta(minutes=12)).astimezone(timezone.utc))]
    assert status(intervals, local(BERLIN, 2025, 5, 1, 23)).today_minutes == pytest.approx(12)


def test_today_not_yet_practised_keeps_the_streak():
    intervals = daily(BERLIN, date(2025, 5, 1), 4)
    assert status(intervals, local(BERLIN, 2025, 5, 5, 8)).current_streak == 4
    assert status(intervals, local(BERLIN, 2025, 5, 4, 23)).current_streak == 4


def test_a_missed_day_without_freezes_breaks_the_streak():
    intervals = daily(BERLIN, date(2025, 5, 1), 5, skip={2})
    result = status(intervals, local(BERLIN, 2025, 5, 5, 23))
    assert result.current_streak == 2 and result.best_streak == 2
    # yesterday missed, nothing yet today: the streak is gone
    assert status(daily(BERLIN, date(2025, 5, 1), 3), local(BERLIN, 2025, 5, 5, 9)).current_streak == 0


def test_seven_days_in_a_row_earn_a_freeze_that_covers_a_missed_day():
    intervals = daily(BERLIN, date(2025, 5, 1), 10, skip={7})  # 1..7 practised, 8 May missed, 9-10 practised
    before = status(intervals, local(BERLIN, 2025, 5, 7, 23))
    assert before.freezes == 1 and before.current_streak == 7
    result = status(intervals, local(BERLIN, 2025, 5, 10, 23))
    assert result.current_streak == 9  # the frozen day keeps the streak but does not add to it
    assert result.freezes == 0 and result.frozen_days == (date(2025, 5, 8),)


def test_at_most_two_freezes_and_each_covers_one_day():
    intervals = daily(BERLIN, date(2025, 1, 1), 28)  # four weeks in a row
    held = status(intervals, local(BERLIN, 2025, 1, 28, 23))
    assert held.freezes == 2
    # three days missed after that: two are frozen, the third breaks the streak
    broken = status(intervals, local(BERLIN, 2025, 2, 1, 12))
    assert broken.current_streak == 0 and broken.best_streak == 28 and broken.freezes == 0
    assert broken.frozen_days == (date(2025, 1, 29), date(2025, 1, 30))
    # two days missed: both frozen, the streak continues
    kept = status(intervals + [session(BERLIN, date(2025, 1, 31), 20)], local(BERLIN, 2025, 1, 31, 23))
    assert kept.current_streak == 29 and kept.freezes == 0


def test_a_frozen_day_restarts_the_run_of_seven():
    intervals = daily(BERLIN, date(2025, 5, 1), 14, skip={7})  # 7 days, frozen, 6 days
    assert status(intervals, local(BERLIN, 2025, 5, 14, 23)).freezes == 0
    intervals += [session(BERLIN, date(2025, 5, 15), 20)]
    assert status(intervals, local(BERLIN, 2025, 5, 15, 23)).freezes == 1


def test_days_this_month():
    intervals = daily(BERLIN, date(2025, 4, 25), 10, skip={8})
    result = status(intervals, local(BERLIN, 2025, 5, 4, 20))
    assert result.days_this_month == 3  # 1, 2, 4 May (3 May skipped); April days do not count


def test_practice_crossing_midnight_counts_on_both_days():
    start = local(BERLIN, 2025, 5, 1, 23, 50)
    intervals = [(start, start + timedelta(minutes=30))]  # 10 min on 1 May, 20 on 2 May
    per_day = seconds_by_day(intervals, BERLIN)
    assert per_day == {date(2025, 5, 1): 600.0, date(2025, 5, 2): 1200.0}
    result = status(intervals, local(BERLIN, 2025, 5, 2, 9))
    assert result.today_minutes == pytest.approx(20) and result.current_streak == 1


def test_the_same_moment_is_a_different_day_in_another_zone():
    moment = datetime(2025, 5, 2, 3, 0, tzinfo=timezone.utc)  # 05:00 in Berlin, 23:00 on 1 May in New York
    intervals = [(moment, moment + timedelta(minutes=20))]
    assert set(seconds_by_day(intervals, BERLIN)) == {date(2025, 5, 2)}
    assert set(seconds_by_day(intervals, NEW_YORK)) == {date(2025, 5, 1)}


def test_spring_forward_day_has_23_hours_and_counts_real_minutes():
    # Berlin, 30 March 2025: 02:00 -> 03:00. 01:50 to 03:10 local is 20 real minutes.
    start = local(BERLIN, 2025, 3, 30, 1, 50)
    end = local(BERLIN, 2025, 3, 30, 3, 10)
    assert seconds_by_day([(start, end)], BERLIN) == {date(2025, 3, 30): 1200.0}
    assert (day_start(date(2025, 3, 31), BERLIN) - day_start(date(2025, 3, 30), BERLIN)) == timedelta(hours=23)


def test_fall_back_day_has_25_hours_and_keeps_the_streak():
    # New York, 2 November 2025: 02:00 -> 01:00. Practice late each evening around the change.
    days = [date(2025, 10, 31) + timedelta(days=i) for i in range(4)]
    intervals = [session(NEW_YORK, d, 20, hour=23) for d in days]  # 23:00-23:20 local every day
    per_day = seconds_by_day(intervals, NEW_YORK)
    assert sorted(per_day) == days and set(per_day.values()) == {1200.0}
    result = status(intervals, local(NEW_YORK, 2025, 11, 3, 23, 30), tz=NEW_YORK)
    assert result.current_streak == 4
    assert (day_start(date(2025, 11, 3), NEW_YORK) - day_start(date(2025, 11, 2), NEW_YORK)) == timedelta(hours=25)


def test_repeated_hour_on_fall_back_is_counted_twice_as_real_time():
    # 01:30 EDT to 01:30 EST (fold=1) is one real hour, all on 2 November
    start = datetime(2025, 11, 2, 1, 30, tzinfo=NEW_YORK)
    end = datetime(2025, 11, 2, 1, 30, fold=1, tzinfo=NEW_YORK)
    assert seconds_by_day([(start, end)], NEW_YORK) == {date(2025, 11, 2): 3600.0}


def test_midnight_session_on_a_dst_night():
    # Berlin, 26 October 2025 (fall back at 03:00): 23:45 on the 25th to 00:30 on the 26th
    start = local(BERLIN, 2025, 10, 25, 23, 45)
    intervals = [(start, start + timedelta(minutes=45))]
    assert seconds_by_day(intervals, BERLIN) == {date(2025, 10, 25): 900.0, date(2025, 10, 26): 1800.0}


def test_streak_survives_both_dst_changes_in_berlin():
    spring = daily(BERLIN, date(2025, 3, 27), 7)  # across 30 March
    autumn = daily(BERLIN, date(2025, 10, 23), 7)  # across 26 October
    assert status(spring, local(BERLIN, 2025, 4, 2, 22)).current_streak == 7
    assert status(autumn, local(BERLIN, 2025, 10, 29, 22)).current_streak == 7


def test_time_after_now_is_not_counted():
    start = local(BERLIN, 2025, 5, 1, 18)
    intervals = [(start, start + timedelta(hours=2))]
    assert status(intervals, start + timedelta(minutes=10)).today_minutes == pytest.approx(10)


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="time zone"):
        status([(datetime(2025, 5, 1, 18), datetime(2025, 5, 1, 19))], local(BERLIN, 2025, 5, 2))
