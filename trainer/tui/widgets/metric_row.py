"""One line of the result: a metric against its band, with a small bar."""

from __future__ import annotations

from rich.text import Text

STATUS_WORDS = {"in": "in band", "high": "too high", "low": "too low", "missing": "not measured"}
STATUS_STYLES = {"in": "green", "high": "yellow", "low": "yellow", "missing": "dim"}
BAR_WIDTH = 17


def band_bar(value: float | None, low: float | None, high: float | None, width: int = BAR_WIDTH) -> Text:
    """`·····━━━━●━━━·····`: the band in the middle third, the marker where the value lies.

    The bar spans the band plus its own width on each side; values beyond show ◀ or ▶.
    """
    if value is None or low is None or high is None or high <= low:
        return Text("·" * width, style="dim")
    span = high - low
    left, right = low - span, high + span
    cells = ["·"] * width
    first, last = width // 3, width - width // 3 - 1
    for i in range(first, last + 1):
        cells[i] = "━"
    text = Text()
    if value < left:
        position, marker = 0, "◀"
    elif value > right:
        position, marker = width - 1, "▶"
    else:
        position, marker = min(int((value - left) / (right - left) * width), width - 1), "●"
    for i, cell in enumerate(cells):
        if i == position:
            inside = low <= value <= high
            text.append(marker, style="bold green" if inside else "bold yellow")
        else:
            text.append(cell, style="cyan" if first <= i <= last else "dim")
    return text


def metric_line(label: str, value_text: str, delta_text: str, status: str, bar: Text,
                *, label_width: int = 14) -> Text:
    """The whole row as text: label, value, change from baseline, status, bar."""
    line = Text(f"{label:<{label_width}}", style="bold")
    line.append(f"{value_text:>12}  ")
    line.append(f"{delta_text:>9}  ", style="italic")
    word = STATUS_WORDS.get(status, status)
    line.append(f"{word:<13}", style=STATUS_STYLES.get(status, ""))
    line.append_text(bar)
    return line
