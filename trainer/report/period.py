"""The report's period: whole local days, from the command line's --days or --from/--to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from trainer.errors import TrainerError
from trainer.practice.streaks import day_start

DEFAULT_DAYS = 7
MAX_DAYS = 3660  # ten years: anything longer is a typing mistake


class ReportError(TrainerError):
    """A report cannot be made (an empty history, a period without takes, a bad date or file)."""


@dataclass(frozen=True)
class Period:
    """Local calendar days `first` to `last`, both included, in zone `tz`."""

    first: date
    last: date
    tz: tzinfo

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime:
        """The UTC instant the first day begins."""
        return day_start(self.first, self.tz)

    @property
    def end(self) -> datetime:
        """The UTC instant after the last day ends."""
        return day_start(self.last + timedelta(days=1), self.tz)

    def dates(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range(self.days)]

    def describe(self) -> str:
        """e.g. "Mon 2 Mar 2026 to Sun 8 Mar 2026 (7 days)"."""
        return f"{_day(self.first)} to {_day(self.last)} ({self.days} day{'s' if self.days != 1 else ''})"


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ReportError(f"{option} {text!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-03-02.") from None


def period_from(*, today: date, tz: tzinfo, days: int | None = None, first: str | None = None,
                last: str | None = None) -> Period:
    """The period the options ask for: the last `days` days up to today, or `first` to `last`
    (ISO dates; `last` defaults to today). Nothing given: the last `DEFAULT_DAYS` days."""
    if days is not None and (first or last):
        raise ReportError("Give either --days or --from/--to, not both.")
    if first or last:
        if not first:
            raise ReportError("--to needs --from too (the first day of the report).")
        start = parse_date(first, "--from")
        end = parse_date(last, "--to") if last else today
        if end < start:
            raise ReportError(f"--to {end.isoformat()} is before --from {start.isoformat()}.")
        if (end - start).days + 1 > MAX_DAYS:
            raise ReportError(f"A report covers at most {MAX_DAYS} days.")
        return Period(start, end, tz)
    days = DEFAULT_DAYS if days is None else days
    if not 1 <= days <= MAX_DAYS:
        raise ReportError(f"--days is a number of days from 1 to {MAX_DAYS}, not {days}.")
    return Period(today - timedelta(days=days - 1), today, tz)
