"""Against your best: this take beside the drill's personal best and the calm baseline, measure by measure.

The rows and statuses come from the session (`trainer.practice.best.BestComparison`);
this only lays them out.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

MARK = {"in": ("✓", "green"), "high": ("↑", "yellow"), "low": ("↓", "yellow")}


def _value(value: float | None, digits: int, status: str | None = None) -> Text:
    if value is None:
        return Text(f"{'–':>9}  ", style="dim")
    mark, style = MARK.get(status or "", (" ", ""))
    return Text(f"{value:>9.{digits}f} {mark}", style=style)


class BestCompare(Static):
    """Shows a `BestComparison` (or nothing)."""

    DEFAULT_CSS = """
    BestCompare { height: auto; margin-top: 1; }
    """

    def show(self, comparison, tz=None) -> None:
        self.update(Text("") if comparison is None else self._text(comparison, tz))

    @staticmethod
    def _when(moment, tz) -> str:
        local = moment.astimezone(tz) if tz is not None else moment
        return f"{local.day} {local:%b}"

    def _text(self, c, tz) -> Text:
        text = Text("Against your best", style="bold")
        if c.best_take_id is None:
            text.append("  this is the first judged take of this drill: the next ones are compared with the "
                        "best so far", style="dim")
            return text
        if c.new_best:
            text.append(f"  a new personal best (before: {c.best_score} on {self._when(c.best_at, tz)})",
                        style="bold green")
        text.append("   b hears your best take · c the client again", style="dim")
        best_head = f"best {self._when(c.best_at, tz)}"
        text.append(f"\n{'':<20}{'this take':>11} {best_head:>11} {'calm':>11}\n", style="dim")
        for row in c.rows:
            text.append(f"{row.label + ' (' + row.unit + ')':<20}"[:20])
            text.append_text(_value(row.this, row.digits, row.this_status))
            text.append(" ")
            text.append_text(_value(row.best, row.digits, row.best_status))
            text.append(" ")
            text.append_text(_value(row.calm, row.digits))
            text.append("\n")
        text.append(f"{'Score':<20}", style="bold")
        text.append(f"{'–' if c.this_score is None else c.this_score:>9}   {c.best_score:>9}", style="bold")
        return text
