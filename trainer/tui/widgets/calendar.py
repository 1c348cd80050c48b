"""A month calendar of practice days: goal met, partial, freeze."""

from __future__ import annotations

import calendar
import datetime as dt

from rich.text import Text

MARKS = {"goal": ("●", "bold green"), "partial": ("◐", "yellow"), "freeze": ("❄", "cyan"), None: ("·", "dim")}


def month_calendar(year: int, month: int, days: dict[dt.date, str], today: dt.date | None = None) -> Text:
    """Monday-first grid; each day shows its number and a mark; today is underlined."""
    text = Text(f"{calendar.month_name[month]} {year}\n", style="bold")
    text.append(" Mo  Tu  We  Th  Fr  Sa  Su\n", style="dim")
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        for day in week:
            if day.month != month:
                text.append("    ")
                continue
            mark, style = MARKS.get(days.get(day), MARKS[None])
            number_style = "underline bold" if day == today else ""
            text.append(f"{day.day:>2}", style=number_style)
            text.append(mark, style=style)
            text.append(" ")
        text.append("\n")
    text.append("● goal  ◐ some  ❄ freeze", style="dim")
    return text
